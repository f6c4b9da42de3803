import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A single sign-on attempt between the redirect to the provider and its callback: the state (by its SHA-256), the
 * nonce and the PKCE verifier. A callback spends it (usedAt): a replayed state is refused.
 */
@Entity('oidc_logins')
export class OidcLogin {
  @PrimaryColumn({ type: 'char', length: 64 })
  stateHash!: string;

  @Column({ type: 'varchar', length: 128 })
  nonce!: string;

  @Column({ type: 'varchar', length: 128 })
  codeVerifier!: string;

  /** Where the console goes after signing in (a path of this service only). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  returnTo!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
