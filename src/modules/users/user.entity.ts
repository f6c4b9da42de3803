import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../auth/index.js';
import { ApiToken } from './api-token.entity.js';
import type { UserRecord } from './user.types.js';
export * from './user.types.js';

@Entity('users')
@Index('users_oidc_identity', ['oidcIssuer', 'oidcSubject'], { unique: true, where: '"oidc_subject" IS NOT NULL' })
export class User implements UserRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The sign-in name; unique. */
  @Column({ type: 'varchar', length: 100, unique: true })
  name!: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  /** argon2id (PHC string); null: the user has no password (API tokens or single sign-on only). */
  @Column({ type: 'text', nullable: true })
  passwordHash!: string | null;

  /** Set by an invitation or an admin's reset: the next sign-in must choose a new password first. */
  @Column({ type: 'boolean', default: false })
  mustChangePassword!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  passwordChangedAt!: Date | null;

  /** The TOTP shared secret (base32), sealed with the server's key (see second-factor); set from enrolment on. */
  @Column({ type: 'text', nullable: true })
  totpSecret!: string | null;

  /** When the second factor was confirmed; null: not enrolled (a secret without it is a pending enrolment). */
  @Column({ type: 'timestamptz', nullable: true })
  totpEnabledAt!: Date | null;

  /** The time step of the last TOTP code accepted: codes of that step or earlier are refused (a code is good once). */
  @Column({ type: 'integer', nullable: true })
  totpLastStep!: number | null;

  /** The single sign-on identity this user is linked to: the provider's issuer and the ID token's `sub`. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  oidcIssuer!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  oidcSubject!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @OneToMany(() => ApiToken, (t) => t.user)
  tokens?: ApiToken[];
}
