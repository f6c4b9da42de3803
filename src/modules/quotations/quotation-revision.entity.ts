import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { amountColumn, type Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { QuotationLine } from './quotation-line.entity.js';
import { Quotation } from './quotation.entity.js';
import { type DeliveryTerms, type PaymentShare } from './quotation-revision.types.js';
export * from './quotation-revision.types.js';

/** A line the approver let through below its product's floor price (kept with the approval). */
export interface BelowFloorLine {
  line: number;
  productCode: string;
}

/**
 * One revision of a quotation: what was offered, at what prices and terms. A draft's revision changes in
 * place; once submitted, a change makes a new revision and this one is kept as it was.
 */
@Entity('quotation_revisions')
@Unique(['quotationId', 'revision'])
export class QuotationRevision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  quotationId!: string;

  @ManyToOne(() => Quotation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'quotation_id' })
  quotation?: Relation<Quotation>;

  /** 1, 2, … */
  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'varchar', length: 300 })
  projectName!: string;

  /** ISO 4217 */
  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'date' })
  issueDate!: DateOnly;

  /** The last day the offer holds; never before issueDate. */
  @Index()
  @Column({ type: 'date' })
  validUntil!: DateOnly;

  @Column({ type: 'jsonb' })
  paymentTerms!: PaymentShare[];

  @Column({ type: 'jsonb', nullable: true })
  deliveryTerms!: DeliveryTerms | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  /** Σ line net (before VAT); see quotation-amounts.ts for the rounding. */
  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  subtotal!: Amount;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  taxTotal!: Amount;

  /** subtotal + taxTotal */
  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  total!: Amount;

  @Column({ type: 'uuid', nullable: true })
  approvedBy!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  approvedByName!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  approvedAt!: Date | null;

  /** Why the approver accepted the prices; required when a line is below its floor price. */
  @Column({ type: 'text', nullable: true })
  approvalReason!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  approvalBelowFloor!: BelowFloorLine[] | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany(() => QuotationLine, (l) => l.revision)
  lines?: QuotationLine[];
}
