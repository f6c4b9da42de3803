import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A one-time link to set a password: an invitation for a new user, or an admin's reset. Only its SHA-256 is kept. */
@Entity('user_invitations')
export class UserInvitation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'char', length: 64, unique: true })
  tokenHash!: string;

  /** invitation | reset */
  @Column({ type: 'varchar', length: 20 })
  purpose!: 'invitation' | 'reset';

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}

/**
 * Failed sign-ins per key ("account:<user id>" or "address:<ip>"): growing delays, then a temporary lock. In the
 * database so that every API process sees the same count.
 */
@Entity('sign_in_throttle')
export class SignInThrottle {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key!: string;

  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastFailureAt!: Date | null;

  /** No attempt is even checked before this. */
  @Column({ type: 'timestamptz', nullable: true })
  blockedUntil!: Date | null;
}

/** One-time recovery codes of a user's second factor (SHA-256 of each; a used one is spent). */
@Entity('user_recovery_codes')
export class UserRecoveryCode {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'char', length: 64 })
  codeHash!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
