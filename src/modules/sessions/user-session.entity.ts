import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { SessionStage } from '../auth/index.js';
import { type SignInMethod } from './user-session.types.js';
export * from './user-session.types.js';

export { SESSION_STAGES, type SessionStage } from '../auth/index.js';

/** A person's signed-in browser: the cookie holds a random token, the table only its SHA-256. */
@Entity('user_sessions')
export class UserSession {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'char', length: 64, unique: true })
  tokenHash!: string;

  /** Sent back by the console in X-CSRF-Token on every write (a cross-site page cannot read it). */
  @Column({ type: 'varchar', length: 64 })
  csrfToken!: string;

  @Column({ type: 'varchar', length: 20 })
  stage!: SessionStage;

  @Column({ type: 'varchar', length: 20 })
  method!: SignInMethod;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  userAgent!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  lastSeenAt!: Date;

  /** The absolute end (SESSION_MAX_HOURS after sign-in); idleness ends it earlier (SESSION_IDLE_MINUTES). */
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** sign-out, sign-out-everywhere, revoked, password-changed, user-disabled… */
  @Column({ type: 'varchar', length: 40, nullable: true })
  revokedReason!: string | null;
}
