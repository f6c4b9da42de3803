import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { YearCounter } from '../../database/year-counter.js';
import type { Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { type DeliveryStatus } from './delivery.types.js';
export * from './delivery.types.js';

/** An item shipped: a contract line and how much of it (never a price: production reads this). */
export interface DeliveryItem {
  /** The contract line's number (ContractLine.line). */
  line: number;
  productCode: string | null;
  name: string;
  specification: string | null;
  qty: string;
  unit: string;
}

/** A share due before delivery that was unpaid when a manager let the delivery go anyway. */
export interface GateShare {
  share: number;
  event: string;
  label: string | null;
  dueDate: DateOnly | null;
  outstanding: Amount;
}

export interface DeliveryGate {
  /** paid: nothing due before delivery was outstanding; approved: a manager approved the exception. */
  result: 'paid' | 'approved';
  /** What was outstanding at issue (empty when paid). */
  outstanding: GateShare[];
  approvedBy: { id: string | null; name: string } | null;
  reason: string | null;
  at: string;
}

/**
 * A delivery notice (发货通知单): what of a contract ships when, to whom, with whom. Issued only when the shares
 * due before delivery are paid, or on a manager's approval (the notice then says so). issued -> shipped ->
 * delivered (arrival confirmed); cancelled from issued.
 */
@Entity('deliveries')
export class Delivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** FH{YYYY}-{SEQ:4}, gap-free per year. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  number!: string;

  @Index()
  @Column({ type: 'uuid' })
  contractId!: string;

  @Index()
  @Column({ type: 'uuid' })
  customerId!: string;

  @Column({ type: 'jsonb' })
  items!: DeliveryItem[];

  @Column({ type: 'date' })
  shipDate!: DateOnly;

  @Column({ type: 'date', nullable: true })
  estimatedArrival!: DateOnly | null;

  @Column({ type: 'varchar', length: 100 })
  consignee!: string;

  @Column({ type: 'varchar', length: 300 })
  address!: string;

  @Column({ type: 'varchar', length: 50 })
  contactPhone!: string;

  /** Where the customer's copy is mailed (the consignee's or a customer contact's address). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  customerEmail!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  carrier!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  driverName!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  driverPhone!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  licencePlate!: string | null;

  @Column({ type: 'text', nullable: true })
  remarks!: string | null;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'jsonb' })
  gate!: DeliveryGate;

  @Column({ type: 'timestamptz', nullable: true })
  shippedAt!: Date | null;

  @Column({ type: 'date', nullable: true })
  arrivedOn!: DateOnly | null;

  /** Who confirmed the arrival, and how (signed receipt no., the consignee's name...). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  arrivalNote!: string | null;

  @Column({ type: 'uuid', nullable: true })
  documentId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  renderJobId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** The per-year sequence behind delivery numbers (a row locked by an upsert: gap-free under concurrency). */
@Entity('delivery_counters')
export class DeliveryCounter extends YearCounter {}
