import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { amountColumn, type Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { YearCounter } from '../../database/year-counter.js';
import type { Locale } from '../../rendering/rendering.types.js';
import type { DunningLevel } from './dunning-level.js';

/** One overdue item a letter listed, as it stood on the day the letter was issued. */
export interface DunningLetterItem {
  contractId: string;
  contractNumber: string;
  /** 1-based position in the contract's payment schedule; null for a contract without shares. */
  share: number | null;
  /** The share's label or payment event, as the ledger names it. */
  description: string;
  /** Invoices the ledger holds for the contract (numbers), for the customer's reference. */
  invoices: string[];
  dueDate: DateOnly;
  daysOverdue: number;
  amount: Amount;
  outstanding: Amount;
}

/**
 * A dunning letter (催款函) issued to a customer: one per customer, level and day (the unique index makes issuing
 * twice the same day return the first letter and mail nothing again). The items are kept as they were listed, so
 * the list and the next letter's "never a level down unless paid" rule read what was actually sent.
 */
@Entity('dunning_letters')
@Index(['customerId', 'level', 'issuedOn'], { unique: true })
export class DunningLetter {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** CS2026-00001 */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  number!: string;

  @Index()
  @Column({ type: 'uuid' })
  customerId!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: DunningLevel;

  @Column({ type: 'date' })
  issuedOn!: DateOnly;

  @Column({ type: 'jsonb' })
  items!: DunningLetterItem[];

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  total!: Amount;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency!: string;

  @Column({ type: 'varchar', length: 8 })
  locale!: Locale;

  /** The oldest item's age in days on the day of issue (what chose the level). */
  @Column({ type: 'integer' })
  maxDaysOverdue!: number;

  @Column({ type: 'uuid' })
  documentId!: string;

  @Column({ type: 'integer' })
  documentVersion!: number;

  /** The statement attached to the mail (issued for it, or the customer's current one). */
  @Column({ type: 'uuid', nullable: true })
  statementId!: string | null;

  /** The mail to the billing contact; null when it was not mailed (mailSkipReason says why). */
  @Column({ type: 'uuid', nullable: true })
  outboxMessageId!: string | null;

  /** NO_BILLING_EMAIL when the customer has no billing contact with an e-mail address. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  mailSkipReason!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

@Entity('dunning_letter_counters')
export class DunningLetterCounter extends YearCounter {}

export const DUNNING_ENTITIES = [DunningLetter, DunningLetterCounter];
