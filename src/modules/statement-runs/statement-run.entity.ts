import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { type RunItemStatus, type RunStatus } from './statement-run.types.js';
export * from './statement-run.types.js';

export const RUN_TRIGGERS = ['manual', 'monthly'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/**
 * A statement run (月度对账): one statement per customer with a non-zero balance or activity in the period,
 * rendered and mailed to the billing contact. A monthly run is unique per period, so two schedulers (API and
 * workers) start it once.
 */
@Entity('statement_runs')
@Index(['periodTo'], { unique: true, where: `"trigger" = 'monthly'` })
export class StatementRun {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'date', nullable: true })
  periodFrom!: DateOnly | null;

  @Column({ type: 'date' })
  periodTo!: DateOnly;

  @Column({ type: 'varchar', length: 16 })
  trigger!: RunTrigger;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  /** Customers in the run (set once they are listed). */
  @Column({ type: 'integer', default: 0 })
  total!: number;

  @Column({ type: 'uuid', nullable: true })
  jobId!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}

/** One customer of a run. Skipped items say why (no billing e-mail, ...): never skipped in silence. */
@Entity('statement_run_items')
@Index(['runId', 'customerId'], { unique: true })
export class StatementRunItem {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  runId!: string;

  @Column({ type: 'uuid' })
  customerId!: string;

  @Column({ type: 'varchar', length: 200 })
  customerName!: string;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  status!: RunItemStatus;

  /** skipped / failed: why, in words, with a stable code first (e.g. "NO_BILLING_EMAIL: ..."). */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'uuid', nullable: true })
  statementId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  outboxMessageId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
