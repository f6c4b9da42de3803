import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository, returnedRows } from '../../database/transaction.js';
import { OidcLogin } from './oidc-login.entity.js';

@Injectable()
export class SsoRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  async createLogin(data: Pick<OidcLogin, 'stateHash' | 'nonce' | 'codeVerifier' | 'returnTo'>): Promise<void> {
    await this.repo(OidcLogin).insert(data);
  }

  /**
   * Spends the login a state names, in one statement so that two callbacks racing with the same state cannot both
   * win: null when it is unknown, already spent, or older than `maxAgeMs`.
   */
  async spendLogin(stateHash: string, maxAgeMs: number): Promise<OidcLogin | null> {
    const rows = returnedRows<{ nonce: string; code_verifier: string; return_to: string | null }>(
      await this.manager.query(
        `UPDATE oidc_logins SET used_at = now()
          WHERE state_hash = $1 AND used_at IS NULL AND created_at > now() - make_interval(secs => $2)
          RETURNING nonce, code_verifier, return_to`,
        [stateHash, maxAgeMs / 1000],
      ),
    );
    const row = rows[0];
    if (!row) return null;
    return Object.assign(new OidcLogin(), {
      stateHash,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      returnTo: row.return_to,
    });
  }

  /** Drops logins older than `maxAgeMs` (spent or abandoned): they can only be refused by then. */
  async deleteLoginsOlderThan(maxAgeMs: number): Promise<void> {
    await this.manager.query(`DELETE FROM oidc_logins WHERE created_at <= now() - make_interval(secs => $1)`, [
      maxAgeMs / 1000,
    ]);
  }

  /** Serialises sign-ins of one provider identity (two tabs calling back at once would both create the user). */
  async lockIdentity(issuer: string, subject: string): Promise<void> {
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtext('sso-identity'), hashtext($1))`, [
      `${issuer}\n${subject}`,
    ]);
  }
}
