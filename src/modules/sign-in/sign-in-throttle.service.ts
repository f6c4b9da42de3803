import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import { TransactionRunner } from '../../database/transaction.js';
import type { FailedSignIns } from '../users/index.js';
import type { SignInThrottle } from './sign-in.entities.js';
import { CredentialsRepository } from './credentials.repository.js';
import { SignInError } from './sign-in.errors.js';

type ThrottleCode = typeof SignInError.SIGN_IN_LOCKED | typeof SignInError.SIGN_IN_THROTTLED;

/** The longest delay between two attempts before the lock takes over. */
const MAX_DELAY_MS = 60_000;

/** The throttle keys of one attempt: the account (or, for an unknown name, the name) and the client's address. */
export interface ThrottleKeys {
  account: string;
  address: string;
}

export const accountKey = (userId: string) => `account:${userId}`;

/**
 * Failed sign-ins, counted per account and per client address in sign_in_throttle (shared by every API process).
 * From SIGN_IN_DELAY_AFTER failures on, an attempt earlier than 2^(n-N) s after the previous one is refused unchecked
 * (429 SIGN_IN_THROTTLED); at SIGN_IN_LOCK_AFTER failures the key is locked SIGN_IN_LOCK_MINUTES (429 SIGN_IN_LOCKED).
 * A key's failures are forgotten once SIGN_IN_LOCK_MINUTES pass without another.
 *
 * An attempt is counted as a failure before its password is checked (`admit`), and taken back when it succeeds: a
 * burst of parallel attempts is counted attempt by attempt under the row lock, instead of all passing the check
 * while the first password is still being hashed.
 */
@Injectable()
export class SignInThrottleService implements FailedSignIns {
  constructor(
    private readonly repo: CredentialsRepository,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  static keys(account: { userId: string } | { login: string }, ip: string | null): ThrottleKeys {
    return {
      // An unknown name is counted under the name, so that it answers exactly as a known one does.
      account: 'userId' in account ? accountKey(account.userId) : `login:${account.login.toLowerCase()}`,
      address: `address:${ip ?? 'unknown'}`,
    };
  }

  /** Refuses the attempt (429, nothing written) while a key is delayed or locked; else counts it. */
  async admit(keys: ThrottleKeys, now = new Date()): Promise<void> {
    await this.tx.run(async () => {
      const rows = await this.repo.lockThrottle([keys.account, keys.address]);
      let wait: { code: ThrottleCode; ms: number } | null = null;
      for (const row of rows) {
        const w = this.waitOf(row, now);
        if (
          w &&
          (!wait ||
            (w.code === SignInError.SIGN_IN_LOCKED && wait.code !== SignInError.SIGN_IN_LOCKED) ||
            w.ms > wait.ms)
        )
          wait = w;
      }
      if (wait) {
        throw AppException.tooManyRequests(
          wait.code,
          wait.code === SignInError.SIGN_IN_LOCKED
            ? 'Too many failed sign-ins: signing in is locked for a while'
            : 'Too many failed sign-ins: wait before trying again',
          wait.ms / 1000,
        );
      }
      for (const row of rows) {
        if (row.blockedUntil || this.forgotten(row, now)) {
          // A lock that has run out, or failures older than a lock would last, start the count afresh.
          row.blockedUntil = null;
          row.failures = 0;
        }
        row.failures += 1;
        row.lastFailureAt = now;
        await this.repo.saveThrottle(row);
      }
    });
  }

  /**
   * The admitted attempt failed: locks the keys that reached SIGN_IN_LOCK_AFTER. Returns the keys locked now (each is
   * audited once, when it locks).
   */
  async failed(keys: ThrottleKeys, now = new Date()): Promise<string[]> {
    return this.tx.run(async () => {
      const locked: string[] = [];
      for (const row of await this.repo.lockThrottle([keys.account, keys.address])) {
        if (row.failures >= this.config.signIn.lockAfter && !row.blockedUntil) {
          row.blockedUntil = new Date(now.getTime() + this.config.signIn.lockMs);
          await this.repo.saveThrottle(row);
          locked.push(row.key);
        }
      }
      return locked;
    });
  }

  /** The admitted attempt succeeded: the account's count is cleared; the address's attempt is taken back. */
  async succeeded(keys: ThrottleKeys): Promise<void> {
    await this.tx.run(async () => {
      const [address] = await this.repo.lockThrottle([keys.address]);
      if (address && !address.blockedUntil && address.failures > 0) {
        address.failures -= 1;
        await this.repo.saveThrottle(address);
      }
      await this.repo.deleteThrottle(keys.account);
    });
  }

  /** An admin's reset: the account may try again at once. */
  async clearAccount(userId: string): Promise<void> {
    await this.repo.deleteThrottle(accountKey(userId));
  }

  /**
   * Failures are forgotten SIGN_IN_LOCK_MINUTES after the last one: without this an office's shared address would
   * collect everyone's typos for ever and lock itself out now and then.
   */
  private forgotten(row: SignInThrottle, now: Date): boolean {
    return (
      !row.blockedUntil &&
      !!row.lastFailureAt &&
      now.getTime() - row.lastFailureAt.getTime() >= this.config.signIn.lockMs
    );
  }

  private waitOf(row: SignInThrottle, now: Date): { code: ThrottleCode; ms: number } | null {
    if (row.blockedUntil) {
      const ms = row.blockedUntil.getTime() - now.getTime();
      return ms > 0 ? { code: SignInError.SIGN_IN_LOCKED, ms } : null;
    }
    if (this.forgotten(row, now)) return null;
    const over = row.failures - this.config.signIn.delayAfter;
    if (over < 0 || !row.lastFailureAt) return null;
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** over);
    const ms = row.lastFailureAt.getTime() + delay - now.getTime();
    return ms > 0 ? { code: SignInError.SIGN_IN_THROTTLED, ms } : null;
  }
}
