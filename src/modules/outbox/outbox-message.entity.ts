import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { type OutboxAttachment, type OutboxStatus } from './outbox-message.types.js';
export * from './outbox-message.types.js';

/**
 * The mail outbox (transactional outbox): a message is written in the transaction of what it is about (a delivery
 * notice, a statement) and sent after that commits by the `outbox.send` job, retried with backoff while the SMTP
 * server is down. `key` makes it idempotent: one message per key however often the work that wrote it is retried
 * (e.g. `statement:<statementId>:<address>`), and its fixed Message-ID makes a re-sent copy recognisable.
 */
@Entity('outbox_messages')
@Index(['subjectType', 'subjectId'])
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 300 })
  key!: string;

  /** What the message is about, for listing its status: e.g. { type: 'statement', id }. */
  @Column({ type: 'varchar', length: 40 })
  subjectType!: string;

  @Column({ type: 'uuid' })
  subjectId!: string;

  /** Who it is for, in words: 'customer', 'production', 'billing', 'sales-owner'... */
  @Column({ type: 'varchar', length: 40 })
  audience!: string;

  @Column({ type: 'jsonb' })
  to!: string[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  cc!: string[];

  @Column({ type: 'varchar', length: 300 })
  subject!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'text', nullable: true })
  html!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  attachments!: OutboxAttachment[];

  /** Fixed when written: every attempt sends the same Message-ID. */
  @Column({ type: 'varchar', length: 300 })
  messageId!: string;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  status!: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  /** When the attempt holding it (status sending) gives up its claim; a later attempt may then take it. */
  @Column({ type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  /** The job sending it (GET /api/jobs/{id}). */
  @Column({ type: 'uuid', nullable: true })
  jobId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
