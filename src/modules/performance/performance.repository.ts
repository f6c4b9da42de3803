import { likeContains } from '../../database/like.js';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import type { PerformanceSort } from './dto/performance-query.dto.js';
import { PerformanceRecord } from './performance-record.entity.js';

export interface PerformanceSearch {
  q?: string;
  industry?: string;
  productLine?: string;
  currency?: string;
  minAmount?: string;
  maxAmount?: string;
  /** Completed within [completedFrom, completedTo] (both inclusive). */
  completedFrom?: string;
  completedTo?: string;
}

export type PerformanceFields = Omit<PerformanceRecord, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

/** `%` and `_` typed by a user are literal characters, not wildcards. */

const SORT_COLUMNS: Record<PerformanceSort, string> = {
  completedDate: 'r.completed_date',
  signedDate: 'r.signed_date',
  amount: 'r.contract_amount',
  name: 'r.project_name',
};

@Injectable()
export class PerformanceRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The record's version, its row locked for the rest of the transaction (checkVersion); null: no such record. */
  lockVersion(id: string): Promise<number | null> {
    return this.lockedVersion(PerformanceRecord, id);
  }

  findById(id: string): Promise<PerformanceRecord | null> {
    return this.repo(PerformanceRecord).findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<PerformanceRecord[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.repo(PerformanceRecord).findBy({ id: In(ids) });
  }

  /** The records of these projects (an import matches its rows by project and customer). */
  findByProjectNames(names: string[]): Promise<PerformanceRecord[]> {
    if (!names.length) return Promise.resolve([]);
    return this.repo(PerformanceRecord).findBy({ projectName: In(names) });
  }

  create(data: PerformanceFields): Promise<PerformanceRecord> {
    return this.repo(PerformanceRecord).save(this.repo(PerformanceRecord).create(data));
  }

  async insertMany(rows: PerformanceFields[]): Promise<void> {
    // insert() bypasses save()'s per-row round trips; the transformer still formats the amounts.
    for (let i = 0; i < rows.length; i += 500) await this.repo(PerformanceRecord).insert(rows.slice(i, i + 500));
  }

  save(r: PerformanceRecord): Promise<PerformanceRecord> {
    return this.repo(PerformanceRecord).save(r);
  }

  async delete(id: string): Promise<void> {
    await this.repo(PerformanceRecord).delete({ id });
  }

  page(
    search: PerformanceSearch,
    sort: PerformanceSort,
    order: 'ASC' | 'DESC',
    page: number,
    pageSize: number,
  ): Promise<[PerformanceRecord[], number]> {
    return this.sorted(search, sort, order)
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }

  all(search: PerformanceSearch, sort: PerformanceSort, order: 'ASC' | 'DESC'): Promise<PerformanceRecord[]> {
    return this.sorted(search, sort, order).getMany();
  }

  /** Tender matching: the most recent first, then the largest. */
  ranked(search: PerformanceSearch): Promise<PerformanceRecord[]> {
    return this.query(search)
      .orderBy('r.completed_date', 'DESC', 'NULLS LAST')
      .addOrderBy('r.contract_amount', 'DESC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
  }

  private sorted(
    search: PerformanceSearch,
    sort: PerformanceSort,
    order: 'ASC' | 'DESC',
  ): SelectQueryBuilder<PerformanceRecord> {
    // Records not yet completed sort last whichever the direction; the id keeps pages stable.
    return this.query(search).orderBy(SORT_COLUMNS[sort], order, 'NULLS LAST').addOrderBy('r.id', 'ASC');
  }

  private query(s: PerformanceSearch): SelectQueryBuilder<PerformanceRecord> {
    const qb = this.repo(PerformanceRecord).createQueryBuilder('r');
    if (s.q) {
      // ILIKE, not full-text search: it matches Chinese without a tokenizer or extension (PGlite has none).
      qb.andWhere(
        "(r.project_name ILIKE :like ESCAPE '\\' OR r.customer_name ILIKE :like ESCAPE '\\' OR r.scope ILIKE :like ESCAPE '\\' OR r.location ILIKE :like ESCAPE '\\')",
        { like: likeContains(s.q) },
      );
    }
    if (s.industry) qb.andWhere('r.industry = :industry', { industry: s.industry });
    if (s.productLine) qb.andWhere('r.product_line = :productLine', { productLine: s.productLine });
    if (s.currency) qb.andWhere('r.currency = :currency', { currency: s.currency });
    // Compared as numeric in SQL: the strings never become floats.
    if (s.minAmount) qb.andWhere('r.contract_amount >= CAST(:minAmount AS numeric)', { minAmount: s.minAmount });
    if (s.maxAmount) qb.andWhere('r.contract_amount <= CAST(:maxAmount AS numeric)', { maxAmount: s.maxAmount });
    if (s.completedFrom)
      qb.andWhere('r.completed_date >= CAST(:completedFrom AS date)', { completedFrom: s.completedFrom });
    if (s.completedTo) qb.andWhere('r.completed_date <= CAST(:completedTo AS date)', { completedTo: s.completedTo });
    return qb;
  }
}
