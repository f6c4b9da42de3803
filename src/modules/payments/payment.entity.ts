import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { amountColumn, type Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';

/** advance = 预付款 (gives the contract its project number), progress, delivery (before shipping), retention (质保金). */
export const PAYMENT_NATURES = ['advance', 'progress', 'delivery', 'retention', 'other'] as const;
export type PaymentNature = (typeof PAYMENT_NATURES)[number];

export const PAYMENT_METHODS = ['bank_transfer', 'bank_acceptance', 'commercial_acceptance', 'cash', 'cheque', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * A payment received (回款): the receivables ledger's credit side. Shared by the contracts (advance payment ->
 * project number) and receivables (statements, payment gate, aging). A payment is never edited: a mistake is
 * corrected by a reversing payment (negative amount, `reverses` set), so the ledger keeps its history.
 */
@Entity('payments')
export class Payment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  customerId!: string;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  contractId!: string | null;

  @Index()
  @Column({ type: 'date' })
  date!: DateOnly;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  amount!: Amount;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency!: string;

  @Column({ type: 'varchar', length: 24 })
  method!: PaymentMethod;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  nature!: PaymentNature;

  /** The bank's reference or the acceptance bill's number. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  reference!: string | null;

  @Column({ type: 'uuid', nullable: true })
  reverses!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
