import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';

export const REMINDER_STATUSES = ['sent', 'skipped'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

export const REMINDER_REASONS = [
  'statement-reply',
  'statement-overdue',
  'qualification-expiry',
  'quotation-expiry',
  'tender-qualification',
  'contract-share-due',
] as const;
export type ReminderReason = (typeof REMINDER_REASONS)[number];

/**
 * One reminder per reason and period (`key`, e.g. `statement-reply:<statementId>:3`): written in the transaction of
 * its outbox message, so that however often the daily job runs, in however many processes, it is mailed once. A
 * reminder that cannot be sent (no address, opted out) is kept as `skipped` with the reason.
 */
@Entity('reminders_sent')
export class ReminderRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 200 })
  key!: string;

  /** REMINDER_REASONS: statement-reply, statement-overdue, qualification-expiry, quotation-expiry, tender-qualification, contract-share-due */
  @Column({ type: 'varchar', length: 40 })
  reason!: string;

  /** What it is about: { type: 'statement' | 'qualification' | 'quotation' | 'tender' | 'contract', id }. */
  @Column({ type: 'varchar', length: 40 })
  subjectType!: string;

  @Column({ type: 'uuid' })
  subjectId!: string;

  /** The customer it concerns, if any (a sales user sees their own customers' reminders). */
  @Index()
  @Column({ type: 'uuid', nullable: true })
  customerId!: string | null;

  /** In words, for the list: "DZ2026-00001 (青澜钢铁) reply by 2026-12-10". */
  @Column({ type: 'varchar', length: 300 })
  label!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ReminderStatus;

  /** skipped: NO_BILLING_EMAIL, NO_SALES_OWNER_EMAIL, CUSTOMER_OPTED_OUT, USER_OPTED_OUT, NO_RECIPIENT, BACKLOG... */
  @Column({ type: 'varchar', length: 40, nullable: true })
  skipReason!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  to!: string[];

  @Column({ type: 'uuid', nullable: true })
  outboxMessageId!: string | null;

  /** The day of the run that made it. */
  @Column({ type: 'date' })
  day!: DateOnly;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** Who wants no reminders: a customer (no customer-facing reminder) or a user (none addressed to them). */
@Entity('reminder_opt_outs')
@Index(['kind', 'subjectId'], { unique: true })
export class ReminderOptOut {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'customer' | 'user';

  @Column({ type: 'uuid' })
  subjectId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** The daily runs queued by the scheduler: one row per day, so that one process queues the day's job. */
@Entity('reminder_runs')
export class ReminderRun {
  @PrimaryColumn({ type: 'date' })
  day!: DateOnly;

  @Column({ type: 'uuid', nullable: true })
  jobId!: string | null;

  /** What the day's runs wrote (the daily job and runs by hand, added up). */
  @Column({ type: 'integer', default: 0 })
  sent!: number;

  @Column({ type: 'integer', default: 0 })
  skipped!: number;

  /** When the day's last run ended; null: none ended yet. */
  @Column({ type: 'timestamptz', nullable: true })
  lastRunAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

export const REMINDER_ENTITIES = [ReminderRecord, ReminderOptOut, ReminderRun];
