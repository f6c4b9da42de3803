import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BaseRepository, returnedRows } from '../../database/transaction.js';
import { OutboxMessage, type OutboxStatus } from './outbox-message.entity.js';

export type OutboxData = Omit<OutboxMessage, 'id' | 'createdAt' | 'updatedAt'>;

@Injectable()
export class OutboxRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** Inserts unless the key exists; either way returns the key's message (the existing one wins). */
  async insertOnce(data: OutboxData): Promise<{ message: OutboxMessage; created: boolean }> {
    const result = await this.repo(OutboxMessage)
      .createQueryBuilder()
      .insert()
      .values(data)
      .orIgnore()
      .returning('id')
      .execute();
    const created = (result.raw as unknown[]).length > 0;
    const message = await this.repo(OutboxMessage).findOneByOrFail({ key: data.key });
    return { message, created };
  }

  /** Messages by status (queued, sending, sent, failed), for the metrics. */
  async countByStatus(): Promise<{ status: OutboxStatus; count: number }[]> {
    const rows = await this.repo(OutboxMessage)
      .createQueryBuilder('m')
      .select('m.status', 'status')
      .addSelect('count(*)', 'count')
      .groupBy('m.status')
      .getRawMany<{ status: OutboxStatus; count: string }>();
    return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
  }

  findById(id: string): Promise<OutboxMessage | null> {
    return this.repo(OutboxMessage).findOneBy({ id });
  }

  forSubjects(type: string, ids: string[]): Promise<OutboxMessage[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.repo(OutboxMessage).find({
      where: { subjectType: type, subjectId: In(ids) },
      order: { createdAt: 'ASC', key: 'ASC' },
    });
  }

  list(
    filter: { subjectType?: string; subjectId?: string; status?: OutboxStatus },
    limit: number,
    offset: number,
  ): Promise<[OutboxMessage[], number]> {
    // TypeORM refuses undefined in a where condition: an absent filter is no condition.
    const where = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    return this.repo(OutboxMessage).findAndCount({
      where,
      order: { createdAt: 'DESC', key: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  /**
   * Takes the message for one attempt: queued, or sending with an expired claim (its attempt died). Returns null when
   * it is sent, failed, or held by a live attempt.
   */
  async claim(id: string, holdSeconds: number): Promise<OutboxMessage | null> {
    const returned = returnedRows<{ id: string }>(
      await this.manager.query(
        `UPDATE outbox_messages
          SET status = 'sending', attempts = attempts + 1, claimed_until = now() + make_interval(secs => $2), updated_at = now()
        WHERE id = $1 AND (status = 'queued' OR (status = 'sending' AND claimed_until < now()))
        RETURNING id`,
        [id, holdSeconds],
      ),
    );
    return returned.length ? this.findById(id) : null;
  }

  async finish(
    id: string,
    patch: Partial<Pick<OutboxMessage, 'status' | 'lastError' | 'sentAt' | 'jobId'>>,
  ): Promise<void> {
    await this.repo(OutboxMessage).update({ id }, { ...patch, claimedUntil: null });
  }

  async setJob(id: string, jobId: string): Promise<void> {
    await this.repo(OutboxMessage).update({ id }, { jobId });
  }

  /** failed -> queued for a retry by hand; false when it was not failed. */
  async requeue(id: string): Promise<boolean> {
    const result = await this.repo(OutboxMessage).update(
      { id, status: 'failed' },
      { status: 'queued', attempts: 0, lastError: null },
    );
    return (result.affected ?? 0) > 0;
  }
}
