import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { BaseRepository, returnedRows } from '../../database/transaction.js';
import { User } from '../users/user.entity.js';
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

  findLinked(issuer: string, subject: string): Promise<User | null> {
    return this.repo(User).findOneBy({ oidcIssuer: issuer, oidcSubject: subject });
  }

  /** Users whose e-mail is this one (case-insensitive); at most two, which is enough to tell "exactly one". */
  findByEmail(email: string): Promise<User[]> {
    return this.repo(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .orderBy('u.created_at', 'ASC')
      .limit(2)
      .getMany();
  }

  async nameTaken(name: string): Promise<boolean> {
    return (await this.repo(User).countBy({ name })) > 0;
  }

  createUser(data: Pick<User, 'name' | 'email' | 'roles' | 'oidcIssuer' | 'oidcSubject'>): Promise<User> {
    return this.repo(User).save(this.repo(User).create({ ...data, disabled: false }));
  }

  async link(userId: string, issuer: string, subject: string): Promise<void> {
    await this.repo(User).update({ id: userId, oidcSubject: IsNull() }, { oidcIssuer: issuer, oidcSubject: subject });
  }

  async setRoles(userId: string, roles: User['roles']): Promise<void> {
    await this.repo(User).update({ id: userId }, { roles });
  }
}
