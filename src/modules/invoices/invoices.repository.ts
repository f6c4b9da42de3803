import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { round2, type Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { BaseRepository } from '../../database/transaction.js';
import { Invoice } from './invoice.entity.js';
import { inOwnCustomers } from '../../database/own-customers.js';

export interface InvoiceFilter {
  customerId?: string;
  /** Only these customers' invoices (a sales user's own customers; see auth/ownership.ts). */
  customerIds?: string[];
  contractId?: string;
  from?: DateOnly;
  to?: DateOnly;
}

export type InvoiceData = Omit<Invoice, 'id' | 'createdAt'>;

@Injectable()
export class InvoicesRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * Serialises the writers of one invoice number until the transaction ends, so that two requests cannot both
   * find the number free (the unique index would turn the loser into a bare 409 CONFLICT).
   */
  async lockNumber(number: string): Promise<void> {
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtext('invoice-number'), hashtext($1))`, [number]);
  }

  create(data: InvoiceData): Promise<Invoice> {
    return this.repo(Invoice).save(this.repo(Invoice).create(data));
  }

  findById(id: string): Promise<Invoice | null> {
    return this.repo(Invoice).findOneBy({ id });
  }

  /** The invoice locked until the transaction ends: two reversals of one invoice queue up. */
  findByIdForUpdate(id: string): Promise<Invoice | null> {
    return this.repo(Invoice).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByNumber(number: string): Promise<Invoice | null> {
    return this.repo(Invoice).findOneBy({ number });
  }

  kindsOf(ids: string[]): Promise<Pick<Invoice, 'id' | 'kind'>[]> {
    return this.repo(Invoice).find({ where: { id: In(ids) }, select: { id: true, kind: true } });
  }

  findReversalOf(id: string): Promise<Invoice | null> {
    return this.repo(Invoice).findOneBy({ reverses: id });
  }

  /** The red-letter invoices of these invoices: reversed id -> reversal id. */
  async reversalsOf(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = (await this.manager.query(`SELECT id, reverses FROM invoices WHERE reverses = ANY($1::uuid[])`, [
      ids,
    ])) as { id: string; reverses: string }[];
    return new Map(rows.map((r) => [r.reverses, r.id]));
  }

  /** What has been invoiced on the contract so far (red-letter invoices are negative). */
  async invoicedOnContract(contractId: string): Promise<Amount> {
    const rows = (await this.manager.query(
      `SELECT COALESCE(SUM(amount), 0)::text AS total FROM invoices WHERE contract_id = $1`,
      [contractId],
    )) as { total: string }[];
    return round2(rows[0]?.total ?? '0');
  }

  /** Newest first (invoice date, then recording time). */
  async list(filter: InvoiceFilter, page: number, pageSize: number): Promise<[Invoice[], number]> {
    const q = this.repo(Invoice).createQueryBuilder('i');
    if (filter.customerId) q.andWhere('i.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.customerIds) q.andWhere(...inOwnCustomers('i.customer_id', filter.customerIds));
    if (filter.contractId) q.andWhere('i.contract_id = :contractId', { contractId: filter.contractId });
    if (filter.from) q.andWhere('i.date >= :from', { from: filter.from });
    if (filter.to) q.andWhere('i.date <= :to', { to: filter.to });
    return q
      .orderBy('i.date', 'DESC')
      .addOrderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
  }
}
