import { Injectable } from '@nestjs/common';
import { Database } from './database.js';

/**
 * A named lock held while work runs that is not one transaction (a render, then the transaction that stores it): one
 * holder per key at a time, the others wait in turn.
 *
 * - PostgreSQL: an advisory lock taken in a transaction of a connection of its own, held until the work ends, across
 *   every process on the database; it ends with that connection when the process dies.
 * - Embedded (PGlite): its pool has one connection, which the work itself needs: holding it here stalled the whole
 *   service. Only one process can open the embedded database (its lock file), so a lock in this process suffices.
 */
@Injectable()
export class WorkLock {
  /** Embedded: per key, the end of the last holder's turn. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(private readonly database: Database) {}

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.database.kind === 'embedded' ? this.inProcess(key, work) : this.advisory(key, work);
  }

  private async advisory<T>(key: string, work: () => Promise<T>): Promise<T> {
    const runner = this.database.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
      try {
        return await work();
      } finally {
        await runner.rollbackTransaction().catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  private async inProcess<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const turn = previous.then(() => mine);
    this.turns.set(key, turn);
    await previous;
    try {
      return await work();
    } finally {
      done();
      if (this.turns.get(key) === turn) this.turns.delete(key);
    }
  }
}
