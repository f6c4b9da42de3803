import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { amountColumn, type Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import type { PaymentShare } from '../quotations/index.js';
import { type ChangeStatus, type ContractStatus } from './contract.types.js';
export * from './contract.types.js';

/** A line as agreed: copied from the quotation (or typed in) so that the contract reads the same later. */
export interface ContractLine {
  line: number;
  productId: string | null;
  productCode: string | null;
  name: string;
  specification: string | null;
  qty: string;
  unit: string;
  unitPrice: Amount;
  /** percent */
  discount: string;
  /** VAT percent */
  taxRate: string;
  net: Amount;
  tax: Amount;
  total: Amount;
}

/** An item of the configuration (配置) with its technical options, for engineering and production. */
export interface ConfigurationItem {
  item: string;
  options: string | null;
}

/** One check of a review: what was compared, pass or fail, and both values when they differ. */
export interface ReviewCheck {
  /** e.g. `line.2.unitPrice`, `total`, `paymentTerms`, `deliveryDate`, `configuration.added` */
  check: string;
  passed: boolean;
  quotation: unknown;
  contract: unknown;
  /** e.g. "unit price 7200.00 in the contract, 7500.00 in the quotation (-300.00)" */
  message: string;
}

export interface ContractReview {
  at: string;
  by: { id: string | null; name: string };
  revision: number;
  passed: boolean;
  checks: ReviewCheck[];
}

export interface ContractApproval {
  at: string;
  by: { id: string | null; name: string };
  reason: string;
  /** The failed checks the manager let through. */
  failedChecks: string[];
}

/**
 * A sales contract (合同). What was agreed lives in its revisions (ContractRevision); `revision` is the current one.
 * The project number (项目号) is given when the advance payment arrives and never changes afterwards.
 */
@Entity('contracts')
export class Contract {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 40, unique: true })
  number!: string;

  @Index()
  @Column({ type: 'uuid' })
  customerId!: string;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  quotationId!: string | null;

  /** The quotation revision the contract was made from (and is reviewed against). */
  @Column({ type: 'integer', nullable: true })
  quotationRevision!: number | null;

  @Column({ type: 'varchar', length: 300 })
  projectName!: string;

  @Column({ type: 'varchar', length: 40, nullable: true, unique: true })
  projectNumber!: string | null;

  @Index()
  @Column({ type: 'date' })
  signingDate!: DateOnly;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency!: string;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  status!: ContractStatus;

  /** The current revision (1, 2, …). */
  @Column({ type: 'integer' })
  revision!: number;

  /** The current revision's total incl. VAT, kept here for lists and the contact list. */
  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  total!: Amount;

  @Column({ type: 'jsonb', nullable: true })
  review!: ContractReview | null;

  @Column({ type: 'jsonb', nullable: true })
  approval!: ContractApproval | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /**
   * Goes up by one with every change saved (never written from a loaded copy: update: false); GET gives it as the
   * ETag, and a write with a stale If-Match is refused (src/common/versioning).
   */
  @VersionColumn({ update: false, default: 1 })
  version!: number;
}

/** What the contract says at one revision. Revision 1 is the signed contract; each approved change adds one. */
@Entity('contract_revisions')
@Unique(['contractId', 'revision'])
export class ContractRevision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  contractId!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'jsonb' })
  lines!: ContractLine[];

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  subtotal!: Amount;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  taxTotal!: Amount;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  total!: Amount;

  @Column({ type: 'jsonb' })
  paymentTerms!: PaymentShare[];

  @Column({ type: 'date', nullable: true })
  deliveryDate!: DateOnly | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  configuration!: ConfigurationItem[];

  /** 特殊要求: printed in the contact sheet's remarks. */
  @Column({ type: 'text', nullable: true })
  specialRequirements!: string | null;

  /** The approved change request that made this revision (null for revision 1). */
  @Column({ type: 'uuid', nullable: true })
  changeRequestId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** add a line, remove line n, or replace line n (its fields as in a new line). */
export type ChangeOperation =
  | { op: 'add'; line: Omit<ContractLine, 'line' | 'net' | 'tax' | 'total'> }
  | { op: 'remove'; line: number }
  | { op: 'replace'; line: number; with: Omit<ContractLine, 'line' | 'net' | 'tax' | 'total'> };

/** A requested change of the lines (and optionally delivery date, configuration, remarks); a manager decides. */
@Entity('contract_change_requests')
export class ContractChangeRequest {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  contractId!: string;

  /** The revision the change was asked against: approving it after another change landed is refused. */
  @Column({ type: 'integer' })
  baseRevision!: number;

  @Column({ type: 'jsonb' })
  operations!: ChangeOperation[];

  @Column({ type: 'date', nullable: true })
  deliveryDate!: DateOnly | null;

  @Column({ type: 'jsonb', nullable: true })
  configuration!: ConfigurationItem[] | null;

  @Column({ type: 'text', nullable: true })
  specialRequirements!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ChangeStatus;

  @Column({ type: 'uuid', nullable: true })
  requestedBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  requestedByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  decidedByName!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  decisionReason!: string | null;

  /** The revision an approval made. */
  @Column({ type: 'integer', nullable: true })
  resultRevision!: number | null;
}
