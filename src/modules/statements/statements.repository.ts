import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { StatementRecord, type StatementResponse, type StatementResponseStatus } from './statement.entity.js';
import { inOwnCustomers } from '../../database/own-customers.js';

export type StatementData = Omit<StatementRecord, 'createdAt' | 'updatedAt'>;

export interface StatementFilter {
  customerId?: string;
  /** Only these customers' statements (a sales user's own customers; see auth/ownership.ts). */
  customerIds?: string[];
  runId?: string;
  responseStatus?: StatementResponseStatus;
}

@Injectable()
export class StatementsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * The next statement sequence of the year. The upsert holds the counter row's lock until the surrounding
   * transaction ends; the service runs it in a transaction of its own (see StatementsService.issue).
   */
  nextSequence(year: number): Promise<number> {
    return this.nextYearSequence('statement_counters', year);
  }

  async insert(data: StatementData): Promise<StatementRecord> {
    // jsonb columns make TypeORM's deep-partial type reject the plain objects; `data` is a StatementRecord.
    const repo = this.repo(StatementRecord);
    // insert, not save: save looks the caller-chosen id up first, one query more for a row that cannot exist yet.
    const record = repo.create(data as Parameters<typeof repo.create>[0]);
    await repo.insert(record);
    return record;
  }

  findById(id: string): Promise<StatementRecord | null> {
    return this.repo(StatementRecord).findOneBy({ id });
  }

  findByTokenHash(tokenHash: string): Promise<StatementRecord | null> {
    return this.repo(StatementRecord).findOneBy({ tokenHash });
  }

  /** Newest first. */
  async list(filter: StatementFilter, page: number, pageSize: number): Promise<[StatementRecord[], number]> {
    const q = this.repo(StatementRecord).createQueryBuilder('s');
    if (filter.customerId) q.andWhere('s.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.customerIds) q.andWhere(...inOwnCustomers('s.customer_id', filter.customerIds));
    if (filter.runId) q.andWhere('s.run_id = :runId', { runId: filter.runId });
    if (filter.responseStatus) q.andWhere('s.response_status = :status', { status: filter.responseStatus });
    return q
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.number', 'DESC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
  }

  /**
   * Records the customer's answer if the statement is still unanswered and its link has not expired, in one
   * conditional update: of two answers sent at once, one is recorded and the other finds it answered.
   */
  async recordResponse(id: string, response: StatementResponse, now: Date): Promise<boolean> {
    const result = await this.repo(StatementRecord)
      .createQueryBuilder()
      .update()
      .set({ responseStatus: response.status, response: () => ':response::jsonb' })
      .setParameter('response', JSON.stringify(response))
      .where('id = :id', { id })
      .andWhere("response_status = 'pending'")
      .andWhere('token_expires_at >= :now', { now })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Counts one answer with a code against the statement's attempts, before the code is compared, in one conditional
   * update: answers sent at once cannot together try more codes than `max`. False when none are left (or answered).
   */
  async takeCodeAttempt(id: string, max: number): Promise<boolean> {
    const result = await this.repo(StatementRecord)
      .createQueryBuilder()
      .update()
      .set({ codeAttempts: () => 'code_attempts + 1' })
      .where('id = :id', { id })
      .andWhere('code_attempts < :max', { max })
      .andWhere("response_status = 'pending'")
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
