import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { YearCounter } from '../../database/year-counter.js';
import { amountColumn, type Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import type { Locale } from '../../rendering/rendering.types.js';
import type { AgingBucket } from '../receivables/index.js';
import { type StatementResponseStatus } from './statement.types.js';
export * from './statement.types.js';

/** The customer's answer through the confirmation page (no login). */
export interface StatementResponse {
  status: 'confirmed' | 'disputed';
  /** disputed: the balance the customer says is right */
  amount: Amount | null;
  reason: string | null;
  /** the name the customer typed */
  name: string | null;
  at: string;
  ip: string | null;
  userAgent: string | null;
}

/** The figures as issued (the ledger can change later; the statement does not). */
export interface StatementFigures {
  openingBalance: Amount;
  closingBalance: Amount;
  totals: { debit: Amount; credit: Amount; invoiced: Amount };
  aging: Record<AgingBucket, Amount>;
  lineCount: number;
}

/**
 * A customer statement (对账单) for a period (from..to) or as of a date (from null). Rendered (signed PDF + DOCX)
 * into a stored document; carries a confirmation link whose token only the customer's copy holds (the hash is
 * kept here, never the token).
 */
@Entity('statements')
export class StatementRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** DZ{YYYY}-{SEQ:5}, gap-free per year. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  number!: string;

  @Index()
  @Column({ type: 'uuid' })
  customerId!: string;

  @Column({ type: 'date', nullable: true })
  periodFrom!: DateOnly | null;

  /** The period's last day, or the as-of date. */
  @Column({ type: 'date' })
  periodTo!: DateOnly;

  @Column({ type: 'date' })
  issuedOn!: DateOnly;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency!: string;

  @Column({ type: 'varchar', length: 8 })
  locale!: Locale;

  @Column({ type: 'jsonb' })
  figures!: StatementFigures;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  closingBalance!: Amount;

  @Column({ type: 'uuid', nullable: true })
  documentId!: string | null;

  /** The statement run that issued it, if any. */
  @Index()
  @Column({ type: 'uuid', nullable: true })
  runId!: string | null;

  /** sha256 (hex) of the confirmation token. */
  @Index({ unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  tokenExpiresAt!: Date;

  /**
   * The confirmation code mailed with the statement, as hashCode(token, code) (statement-code.ts); null when the
   * statement was not mailed (it cannot be answered online then).
   */
  @Column({ type: 'char', length: 64, nullable: true })
  codeHash!: string | null;

  /** Answers sent with a code so far (each counted before it is compared); STATEMENT_CODE_ATTEMPTS at most. */
  @Column({ type: 'integer', default: 0 })
  codeAttempts!: number;

  @Column({ type: 'date' })
  replyBy!: DateOnly;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  responseStatus!: StatementResponseStatus;

  @Column({ type: 'jsonb', nullable: true })
  response!: StatementResponse | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity('statement_counters')
export class StatementCounter extends YearCounter {}
