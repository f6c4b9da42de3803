import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Who did what to which record, when. Append-only: a trigger refuses UPDATE and DELETE (migration). Tamper-evident:
 * a BEFORE INSERT trigger numbers each entry in the chain and stores the SHA-256 of its canonical form, which
 * includes the previous entry's hash (migration AuditChain; checked by audit-verify and at start-up).
 */
@Entity('audit_log')
@Index(['entityType', 'entityId'])
export class AuditEntry {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Index()
  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 100 })
  actorName!: string;

  /** e.g. `user.create`, `quotation.approve`, `tender.override-expired`. */
  @Index()
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 64 })
  entityType!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  entityId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  /** Position in the hash chain (1, 2, ...): set by the database, never by the application. */
  @Index({ unique: true })
  @Column({ type: 'bigint', insert: false, update: false })
  chainSeq!: string;

  /** The previous entry's hash (64 zeros for the first). */
  @Column({ type: 'char', length: 64, insert: false, update: false })
  prevHash!: string;

  /** SHA-256 (hex) of audit_log_canonical(...) over this entry and prevHash. */
  @Column({ type: 'char', length: 64, insert: false, update: false })
  hash!: string;
}
