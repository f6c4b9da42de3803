import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, type Repository } from 'typeorm';

interface Unit {
  manager: EntityManager;
  /** Run once the transaction has committed (never after a rollback). */
  afterCommit: (() => Promise<void>)[];
  /** Run once the transaction has rolled back (never after a commit): undo what is outside the database. */
  afterRollback: (() => Promise<void>)[];
}

const current = new AsyncLocalStorage<Unit>();
const logger = new Logger('Transaction');

/**
 * Runs a unit of work in one database transaction. Services call `tx.run(() => ...)` without importing
 * TypeORM; repositories (extending BaseRepository) pick up the transaction's EntityManager by themselves.
 * A nested run joins the outer transaction.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (current.getStore()) return work();
    const unit: Omit<Unit, 'manager'> = { afterCommit: [], afterRollback: [] };
    let result: T;
    try {
      result = await this.dataSource.transaction((manager) => current.run({ manager, ...unit }, work));
    } catch (err) {
      for (const task of unit.afterRollback) {
        await current
          .exit(task)
          .catch((e: unknown) =>
            logger.error(`after-rollback task failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
          );
      }
      throw err;
    }
    // Outside the transaction's context, so that their own writes commit by themselves.
    for (const task of unit.afterCommit) {
      await current
        .exit(task)
        .catch((err: unknown) =>
          logger.error(`after-commit task failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
        );
    }
    return result;
  }

  /**
   * Work that must see the current transaction's rows committed, e.g. queueing a job about them: runs after the
   * commit (not at all when it rolls back), or now when no transaction is open. Its failure is logged, not thrown:
   * the transaction's work is done by then.
   */
  async afterCommit(task: () => Promise<void>): Promise<void> {
    const unit = current.getStore();
    if (unit) unit.afterCommit.push(task);
    else await task();
  }

  /**
   * Undo for work outside the database done inside the transaction (objects written to storage): runs after the
   * transaction rolls back, whichever nested run threw; never after a commit. Outside a transaction it is not kept
   * (there is nothing to roll back): the caller cleans up its own failure. Failures are logged, not thrown.
   */
  onRollback(task: () => Promise<void>): void {
    current.getStore()?.afterRollback.push(task);
  }
}

/** The rows of an UPDATE/DELETE ... RETURNING run through manager.query, which the pg driver gives as [rows, count]. */
export function returnedRows<T>(result: unknown): T[] {
  const r = result as [T[], number] | T[];
  return Array.isArray(r[0]) ? (r[0] as T[]) : (r as T[]);
}

/** Repositories are the only TypeORM users; they read and write through the current transaction if any. */
export abstract class BaseRepository {
  constructor(protected readonly dataSource: DataSource) {}

  protected get manager(): EntityManager {
    return current.getStore()?.manager ?? this.dataSource.manager;
  }

  protected repo<E extends ObjectLiteral>(entity: EntityTarget<E>): Repository<E> {
    return this.manager.getRepository(entity);
  }

  /**
   * The version of a versioned record (@VersionColumn `version`), its row locked until the transaction ends, or null
   * when there is no such record: the read half of checkVersion's compare-and-write (src/common/versioning).
   */
  protected async lockedVersion<E extends ObjectLiteral>(entity: EntityTarget<E>, id: string): Promise<number | null> {
    const row = await this.repo(entity)
      .createQueryBuilder('r')
      .select('r.version', 'version')
      .where('r.id = :id', { id })
      .setLock('pessimistic_write')
      .getRawOne<{ version: number }>();
    return row ? Number(row.version) : null;
  }

  /**
   * The next number of the year from a `(year, last)` counter table. The upsert takes the counter row's lock (as
   * SELECT … FOR UPDATE would) and holds it until the surrounding transaction ends: concurrent callers queue here,
   * and one that rolls back takes its increment with it, so the numbers have no gaps. `table` is one of the
   * entities' own counter tables, never input.
   */
  protected async nextYearSequence(table: string, year: number): Promise<number> {
    const rows = (await this.manager.query(
      `INSERT INTO ${table} (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = ${table}.last + 1
       RETURNING last`,
      [year],
    )) as { last: number }[];
    return rows[0].last;
  }
}
