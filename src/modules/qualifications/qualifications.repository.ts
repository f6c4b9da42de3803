import { likeContains } from '../../database/like.js';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import type { QualificationStatus } from './qualification-status.js';
import { Qualification, type QualificationType } from './qualification.entity.js';

export interface QualificationSearch {
  /** The reference day statuses are computed for. */
  on: string;
  expiringWithinDays: number;
  type?: QualificationType;
  types?: QualificationType[];
  statuses?: QualificationStatus[];
  q?: string;
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */

@Injectable()
export class QualificationsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The record's version, its row locked for the rest of the transaction (checkVersion); null: no such record. */
  lockVersion(id: string): Promise<number | null> {
    return this.lockedVersion(Qualification, id);
  }

  findById(id: string): Promise<Qualification | null> {
    return this.repo(Qualification).findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<Qualification[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.repo(Qualification).findBy({ id: In(ids) });
  }

  /** The qualifications with these certificate numbers (an import matches its rows by number). */
  findByNumbers(numbers: string[]): Promise<Qualification[]> {
    if (!numbers.length) return Promise.resolve([]);
    return this.repo(Qualification).findBy({ number: In(numbers) });
  }

  create(data: Omit<Qualification, 'id' | 'createdAt' | 'updatedAt' | 'version'>): Promise<Qualification> {
    return this.repo(Qualification).save(this.repo(Qualification).create(data));
  }

  /** Many rows in few statements (imports); chunks keep each INSERT's parameter count small. */
  async insertMany(rows: Omit<Qualification, 'id' | 'createdAt' | 'updatedAt' | 'version'>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await this.repo(Qualification).insert(rows.slice(i, i + 500));
  }

  save(q: Qualification): Promise<Qualification> {
    return this.repo(Qualification).save(q);
  }

  async delete(id: string): Promise<void> {
    await this.repo(Qualification).delete({ id });
  }

  /** One page, ordered by type and name. */
  page(search: QualificationSearch, page: number, pageSize: number): Promise<[Qualification[], number]> {
    return this.query(search)
      .orderBy('q.type', 'ASC')
      .addOrderBy('q.name', 'ASC')
      .addOrderBy('q.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }

  /** Every match, soonest validTo first (permanent ones last): the renewal list, exports, tender checks. */
  all(search: QualificationSearch): Promise<Qualification[]> {
    return this.query(search)
      .orderBy('q.valid_to', 'ASC', 'NULLS LAST')
      .addOrderBy('q.type', 'ASC')
      .addOrderBy('q.name', 'ASC')
      .getMany();
  }

  private query(s: QualificationSearch): SelectQueryBuilder<Qualification> {
    const qb = this.repo(Qualification).createQueryBuilder('q');
    if (s.type) qb.andWhere('q.type = :type', { type: s.type });
    // An empty list matches nothing (and `IN ()` is not SQL).
    if (s.types) qb.andWhere(s.types.length ? 'q.type IN (:...types)' : '1 = 0', { types: s.types });
    if (s.statuses && !s.statuses.length) qb.andWhere('1 = 0');
    if (s.statuses?.length) {
      qb.andWhere(`(${statusSql('q')}) IN (:...statuses)`, {
        on: s.on,
        days: s.expiringWithinDays,
        statuses: s.statuses,
      });
    }
    if (s.q) {
      qb.andWhere(
        "(q.name ILIKE :like ESCAPE '\\' OR q.number ILIKE :like ESCAPE '\\' OR q.issuer ILIKE :like ESCAPE '\\' OR q.grade ILIKE :like ESCAPE '\\' OR q.notes ILIKE :like ESCAPE '\\')",
        { like: likeContains(s.q) },
      );
    }
    return qb;
  }
}

/** The status rule of qualification-status.ts in SQL (parameters :on and :days), for filtering in the database. */
function statusSql(alias: string): string {
  return `CASE
    WHEN ${alias}.valid_from > CAST(:on AS date) THEN 'not_yet_valid'
    WHEN ${alias}.valid_to IS NULL THEN 'valid'
    WHEN ${alias}.valid_to < CAST(:on AS date) THEN 'expired'
    WHEN ${alias}.valid_to <= CAST(:on AS date) + CAST(:days AS integer) THEN 'expiring'
    ELSE 'valid' END`;
}
