import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { BaseRepository } from '../../database/transaction.js';
import { inOwnCustomers } from '../../database/own-customers.js';
import { DunningLetter } from './dunning-letter.entity.js';
import type { DunningLevel } from './dunning-level.js';

export type DunningLetterData = Omit<DunningLetter, 'createdAt'>;

@Injectable()
export class DunningRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The next letter number's sequence of the year, in a short transaction of the caller's (see the service). */
  nextSequence(year: number): Promise<number> {
    return this.nextYearSequence('dunning_letter_counters', year);
  }

  async insert(data: DunningLetterData): Promise<void> {
    const repo = this.repo(DunningLetter);
    await repo.insert(repo.create(data as Parameters<typeof repo.create>[0]));
  }

  findById(id: string): Promise<DunningLetter | null> {
    return this.repo(DunningLetter).findOneBy({ id });
  }

  /** The letter of a customer, level and day, if one was issued (one per the three, by a unique index). */
  findIssued(customerId: string, level: DunningLevel, day: DateOnly): Promise<DunningLetter | null> {
    return this.repo(DunningLetter).findOneBy({ customerId, level, issuedOn: day });
  }

  /** Each customer's latest letter. */
  async latest(customerIds: string[]): Promise<Map<string, DunningLetter>> {
    if (!customerIds.length) return new Map();
    const rows = await this.repo(DunningLetter)
      .createQueryBuilder('l')
      .distinctOn(['l.customer_id'])
      .where('l.customer_id = ANY(:ids)', { ids: customerIds })
      .orderBy('l.customer_id')
      .addOrderBy('l.issued_on', 'DESC')
      .addOrderBy('l.created_at', 'DESC')
      .getMany();
    return new Map(rows.map((r) => [r.customerId, r]));
  }

  /** Letters, newest first; `customerIds` limits them to a sales user's own customers. */
  async list(
    filter: { customerId?: string; customerIds?: string[] },
    page: number,
    pageSize: number,
  ): Promise<[DunningLetter[], number]> {
    const q = this.repo(DunningLetter).createQueryBuilder('l');
    if (filter.customerId) q.andWhere('l.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.customerIds) q.andWhere(...inOwnCustomers('l.customer_id', filter.customerIds));
    return q
      .orderBy('l.created_at', 'DESC')
      .addOrderBy('l.number', 'DESC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
  }
}
