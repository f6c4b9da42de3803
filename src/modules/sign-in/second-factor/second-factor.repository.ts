import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { BaseRepository, returnedRows } from '../../../database/transaction.js';
import { SignInThrottle, UserRecoveryCode } from '../sign-in.entities.js';

@Injectable()
export class SecondFactorRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** Replaces a user's recovery codes with these hashes. */
  async replaceRecoveryCodes(userId: string, hashes: string[]): Promise<void> {
    await this.repo(UserRecoveryCode).delete({ userId });
    if (hashes.length)
      await this.repo(UserRecoveryCode).insert(hashes.map((codeHash) => ({ userId, codeHash, usedAt: null })));
  }

  findRecoveryCode(userId: string, codeHash: string): Promise<UserRecoveryCode | null> {
    return this.repo(UserRecoveryCode).findOneBy({ userId, codeHash });
  }

  /** Spends a recovery code; false when it was spent already (by a request running alongside). */
  async spendRecoveryCode(id: string, at: Date): Promise<boolean> {
    const res = await this.repo(UserRecoveryCode).update({ id, usedAt: IsNull() }, { usedAt: at });
    return (res.affected ?? 0) > 0;
  }

  unusedRecoveryCodes(userId: string): Promise<number> {
    return this.repo(UserRecoveryCode).countBy({ userId, usedAt: IsNull() });
  }

  /** Until when a throttle key is locked, if it is. */
  async blockedUntil(key: string, now: Date): Promise<Date | null> {
    const row = await this.repo(SignInThrottle).findOneBy({ key });
    return row?.blockedUntil && row.blockedUntil > now ? row.blockedUntil : null;
  }

  /**
   * Counts one failure under `key` (one statement: concurrent failures all count); at `lockAfter` failures the key is
   * locked until `now + lockMs` and its count starts again. Failures older than a lock's length are forgotten.
   */
  async countFailure(key: string, now: Date, lockAfter: number, lockMs: number): Promise<Date | null> {
    // n: this failure's number (1 again when the last one is older than a lock lasts).
    const n = `(CASE WHEN t.last_failure_at < $2::timestamptz - $4 * interval '1 millisecond' THEN 1 ELSE t.failures + 1 END)`;
    const rows = returnedRows<{ blocked_until: Date | null }>(
      await this.manager.query(
        `INSERT INTO sign_in_throttle AS t (key, failures, last_failure_at, blocked_until)
         VALUES ($1, CASE WHEN 1 >= $3 THEN 0 ELSE 1 END, $2,
                 CASE WHEN 1 >= $3 THEN $2::timestamptz + $4 * interval '1 millisecond' END)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN ${n} >= $3 THEN 0 ELSE ${n} END,
           last_failure_at = $2,
           blocked_until = CASE WHEN ${n} >= $3 THEN $2::timestamptz + $4 * interval '1 millisecond'
                                ELSE t.blocked_until END
         RETURNING blocked_until`,
        [key, now, lockAfter, lockMs],
      ),
    );
    const until = rows[0]?.blocked_until;
    return until && new Date(until) > now ? new Date(until) : null;
  }

  async clearFailures(key: string): Promise<void> {
    await this.repo(SignInThrottle).delete({ key });
  }
}
