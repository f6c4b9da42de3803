import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { BaseRepository } from '../../database/transaction.js';
import { Payment, type PaymentNature } from './payment.entity.js';
import { inOwnCustomers } from '../../database/own-customers.js';

export interface PaymentFilter {
  customerId?: string;
  /** Only these customers' payments (a sales user's own customers; see auth/ownership.ts). */
  customerIds?: string[];
  contractId?: string;
  nature?: PaymentNature;
  from?: DateOnly;
  to?: DateOnly;
}

export type PaymentData = Omit<Payment, 'id' | 'createdAt'>;

@Injectable()
export class PaymentsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * The next project number sequence of the year. The upsert takes the counter row's lock (as SELECT … FOR
   * UPDATE would) and holds it until the surrounding transaction ends: concurrent advance payments queue here,
   * and one that rolls back takes its increment with it, so the numbers have no gaps.
   */
  nextProjectSequence(year: number): Promise<number> {
    return this.nextYearSequence('project_number_counters', year);
  }

  create(data: PaymentData): Promise<Payment> {
    return this.repo(Payment).save(this.repo(Payment).create(data));
  }

  findById(id: string): Promise<Payment | null> {
    return this.repo(Payment).findOneBy({ id });
  }

  /** The payment locked until the transaction ends: two reversals of one payment queue up. */
  findByIdForUpdate(id: string): Promise<Payment | null> {
    return this.repo(Payment).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  kindsOf(ids: string[]): Promise<Pick<Payment, 'id' | 'nature' | 'method' | 'reverses'>[]> {
    return this.repo(Payment).find({
      where: { id: In(ids) },
      select: { id: true, nature: true, method: true, reverses: true },
    });
  }

  findReversalOf(id: string): Promise<Payment | null> {
    return this.repo(Payment).findOneBy({ reverses: id });
  }

  /** Newest first (payment date, then recording time). */
  async list(filter: PaymentFilter, page: number, pageSize: number): Promise<[Payment[], number]> {
    const q = this.repo(Payment).createQueryBuilder('p');
    if (filter.customerId) q.andWhere('p.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.customerIds) q.andWhere(...inOwnCustomers('p.customer_id', filter.customerIds));
    if (filter.contractId) q.andWhere('p.contract_id = :contractId', { contractId: filter.contractId });
    if (filter.nature) q.andWhere('p.nature = :nature', { nature: filter.nature });
    if (filter.from) q.andWhere('p.date >= :from', { from: filter.from });
    if (filter.to) q.andWhere('p.date <= :to', { to: filter.to });
    return q
      .orderBy('p.date', 'DESC')
      .addOrderBy('p.created_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
  }
}
