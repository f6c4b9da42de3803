import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { SignInThrottle, UserInvitation } from './sign-in.entities.js';

/** Invitations and the sign-in throttle: all their SQL (a user's password is users': UserAccountsService). */
@Injectable()
export class CredentialsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  createInvitation(data: Pick<UserInvitation, 'userId' | 'tokenHash' | 'purpose' | 'createdBy' | 'expiresAt'>) {
    return this.repo(UserInvitation).save(this.repo(UserInvitation).create({ ...data, usedAt: null }));
  }

  /** Makes a user's unused, unexpired links expire now: a new one replaces them. */
  async expireInvitationsOf(userId: string, at: Date): Promise<void> {
    await this.repo(UserInvitation).update({ userId, usedAt: IsNull(), expiresAt: MoreThan(at) }, { expiresAt: at });
  }

  /** The invitation with this token hash, its row locked until the transaction ends (spent once). */
  findInvitationForUpdate(tokenHash: string): Promise<UserInvitation | null> {
    return this.repo(UserInvitation)
      .createQueryBuilder('i')
      .where('i.token_hash = :tokenHash', { tokenHash })
      .setLock('pessimistic_write')
      .getOne();
  }

  findInvitation(tokenHash: string): Promise<UserInvitation | null> {
    return this.repo(UserInvitation).findOneBy({ tokenHash });
  }

  async spendInvitation(id: string, at: Date): Promise<void> {
    await this.repo(UserInvitation).update({ id }, { usedAt: at });
  }

  /**
   * The throttle rows of these keys, created when missing and locked until the transaction ends, so that attempts of
   * the same account or address (from any API process) are counted one after another.
   */
  async lockThrottle(keys: string[]): Promise<SignInThrottle[]> {
    const sorted = [...new Set(keys)].sort(); // one order for every caller: no deadlock between two keys
    await this.manager.query(
      `INSERT INTO sign_in_throttle (key, failures) SELECT unnest($1::varchar[]), 0 ON CONFLICT (key) DO NOTHING`,
      [sorted],
    );
    return this.repo(SignInThrottle)
      .createQueryBuilder('t')
      .where('t.key IN (:...keys)', { keys: sorted })
      .orderBy('t.key')
      .setLock('pessimistic_write')
      .getMany();
  }

  async saveThrottle(row: SignInThrottle): Promise<void> {
    await this.repo(SignInThrottle).save(row);
  }

  async deleteThrottle(key: string): Promise<void> {
    await this.repo(SignInThrottle).delete({ key });
  }
}
