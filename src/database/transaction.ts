import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, type Repository } from 'typeorm';

const current = new AsyncLocalStorage<EntityManager>();

/**
 * Runs a unit of work in one database transaction. Services call `tx.run(() => ...)` without importing
 * TypeORM; repositories (extending BaseRepository) pick up the transaction's EntityManager by themselves.
 * A nested run joins the outer transaction.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    if (current.getStore()) return work();
    return this.dataSource.transaction((manager) => current.run(manager, work));
  }
}

/** Repositories are the only TypeORM users; they read and write through the current transaction if any. */
export abstract class BaseRepository {
  constructor(protected readonly dataSource: DataSource) {}

  protected get manager(): EntityManager {
    return current.getStore() ?? this.dataSource.manager;
  }

  protected repo<E extends ObjectLiteral>(entity: EntityTarget<E>): Repository<E> {
    return this.manager.getRepository(entity);
  }
}
