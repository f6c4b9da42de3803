import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { amountColumn, type Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { type PaymentMethod, type PaymentNature } from './payment.types.js';
export * from './payment.types.js';

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
