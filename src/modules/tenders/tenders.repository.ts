import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { likeContains } from '../../database/like.js';
import { BaseRepository } from '../../database/transaction.js';
import { Quotation } from '../quotations/quotation.entity.js';
import { User } from '../users/user.entity.js';
import { Tender, type TenderStatus } from './tender.entity.js';

export type TenderFields = Omit<Tender, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

export interface TenderSearch {
  q?: string;
  status?: TenderStatus;
  salesOwnerId?: string;
  /** deadline >= deadlineFrom and < deadlineBefore (instants: the service turns days into local midnights). */
  deadlineFrom?: Date;
  deadlineBefore?: Date;
  order: 'ASC' | 'DESC';
}

/** What a tender view shows of its quotation and sales owner. */
export interface TenderLabels {
  quotations: Map<string, string>;
  users: Map<string, { name: string; email: string | null }>;
}

@Injectable()
export class TendersRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The record's version, its row locked for the rest of the transaction (checkVersion); null: no such record. */
  lockVersion(id: string): Promise<number | null> {
    return this.lockedVersion(Tender, id);
  }

  findById(id: string): Promise<Tender | null> {
    return this.repo(Tender).findOneBy({ id });
  }

  /** Inside a transaction: the row stays locked until it ends, so two writers do not overwrite each other. */
  findByIdForUpdate(id: string): Promise<Tender | null> {
    return this.repo(Tender).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  create(data: TenderFields): Promise<Tender> {
    return this.repo(Tender).save(this.repo(Tender).create(data));
  }

  save(tender: Tender): Promise<Tender> {
    return this.repo(Tender).save(tender);
  }

  page(s: TenderSearch, page: number, pageSize: number): Promise<[Tender[], number]> {
    const qb = this.repo(Tender).createQueryBuilder('t');
    if (s.q) {
      qb.andWhere(
        "(t.tender_no ILIKE :like ESCAPE '\\' OR t.project_name ILIKE :like ESCAPE '\\' OR t.buyer ILIKE :like ESCAPE '\\')",
        { like: likeContains(s.q) },
      );
    }
    if (s.status) qb.andWhere('t.status = :status', { status: s.status });
    if (s.salesOwnerId) qb.andWhere('t.sales_owner_id = :owner', { owner: s.salesOwnerId });
    if (s.deadlineFrom) qb.andWhere('t.deadline >= :from', { from: s.deadlineFrom });
    if (s.deadlineBefore) qb.andWhere('t.deadline < :before', { before: s.deadlineBefore });
    return qb
      .orderBy('t.deadline', s.order)
      .addOrderBy('t.tender_no', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }

  /** Quotation numbers and user names for a page of tenders, in two queries (not one service call per row). */
  async labels(quotationIds: string[], userIds: string[]): Promise<TenderLabels> {
    const quotations = quotationIds.length
      ? await this.repo(Quotation).find({ select: { id: true, number: true }, where: { id: In(quotationIds) } })
      : [];
    const users = userIds.length
      ? await this.repo(User).find({ select: { id: true, name: true, email: true }, where: { id: In(userIds) } })
      : [];
    return {
      quotations: new Map(quotations.map((q) => [q.id, q.number])),
      users: new Map(users.map((u) => [u.id, { name: u.name, email: u.email }])),
    };
  }
}
