import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { likeContains } from '../../database/like.js';
import { BaseRepository } from '../../database/transaction.js';
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

  /** Tenders still being prepared (preparing, generated) whose deadline falls in [from, before), soonest first. */
  openWithDeadlineIn(from: Date, before: Date): Promise<Tender[]> {
    return this.repo(Tender)
      .createQueryBuilder('t')
      .where('t.status IN (:...open)', { open: ['preparing', 'generated'] })
      .andWhere('t.deadline >= :from AND t.deadline < :before', { from, before })
      .orderBy('t.deadline', 'ASC')
      .addOrderBy('t.tender_no', 'ASC')
      .getMany();
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
}
