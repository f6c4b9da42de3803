import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { amountColumn, type Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { type InvoiceKind } from './invoice.types.js';
export * from './invoice.types.js';

/**
 * A VAT invoice issued to a customer (开票). Listed on statements for reconciliation; it does not move the balance
 * (the contract amount did). Never edited: a wrong invoice is cancelled by a red-letter invoice (红字发票): negative
 * amount and tax, `reverses` set.
 */
@Entity('invoices')
export class Invoice {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The invoice number as printed (unique). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  number!: string;

  @Column({ type: 'varchar', length: 16, default: 'special' })
  kind!: InvoiceKind;

  @Index()
  @Column({ type: 'uuid' })
  customerId!: string;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  contractId!: string | null;

  @Index()
  @Column({ type: 'date' })
  date!: DateOnly;

  /** Including VAT. */
  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  amount!: Amount;

  /** The VAT part of `amount`. */
  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  tax!: Amount;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency!: string;

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
