import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { ReminderOptOut, ReminderRecord, ReminderRun } from './reminder.entity.js';

export type NewReminder = Omit<ReminderRecord, 'id' | 'createdAt' | 'outboxMessageId'>;

/** The only TypeORM user on reminders_sent, reminder_opt_outs and reminder_runs. */
@Injectable()
export class RemindersRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** Inserts the reminder unless its key exists; returns its id when this call wrote it, null otherwise. */
  async insertOnce(data: NewReminder): Promise<string | null> {
    const result = await this.repo(ReminderRecord)
      .createQueryBuilder()
      .insert()
      .values({ ...data, outboxMessageId: null })
      .orIgnore()
      .returning('id')
      .execute();
    const rows = result.raw as { id: string }[];
    return rows[0]?.id ?? null;
  }

  async setMessage(id: string, outboxMessageId: string): Promise<void> {
    await this.repo(ReminderRecord).update(id, { outboxMessageId });
  }

  /** Newest first; `customerIds`: only reminders about these customers (a sales user's own). */
  async list(
    limit: number,
    offset: number,
    filter: { customerIds?: string[]; reason?: string; status?: string; customerId?: string },
  ): Promise<[ReminderRecord[], number]> {
    const qb = this.repo(ReminderRecord).createQueryBuilder('r').where('TRUE');
    const { customerIds } = filter;
    if (customerIds) qb.andWhere(customerIds.length ? 'r.customerId IN (:...ids)' : 'FALSE', { ids: customerIds });
    if (filter.reason) qb.andWhere('r.reason = :reason', { reason: filter.reason });
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    if (filter.customerId) qb.andWhere('r.customerId = :customerId', { customerId: filter.customerId });
    return qb.orderBy('r.createdAt', 'DESC').addOrderBy('r.key').take(limit).skip(offset).getManyAndCount();
  }

  async optedOut(kind: 'customer' | 'user'): Promise<Set<string>> {
    const rows = await this.repo(ReminderOptOut).find({ where: { kind } });
    return new Set(rows.map((r) => r.subjectId));
  }

  async setOptOut(kind: 'customer' | 'user', subjectId: string, optedOut: boolean): Promise<void> {
    if (optedOut) {
      await this.repo(ReminderOptOut).createQueryBuilder().insert().values({ kind, subjectId }).orIgnore().execute();
    } else {
      await this.repo(ReminderOptOut).delete({ kind, subjectId });
    }
  }

  async isOptedOut(kind: 'customer' | 'user', subjectId: string): Promise<boolean> {
    return this.repo(ReminderOptOut).existsBy({ kind, subjectId });
  }

  /** Claims the day's run: true for the one caller whose insert wrote the row. */
  async claimDay(day: string): Promise<boolean> {
    const result = await this.repo(ReminderRun)
      .createQueryBuilder()
      .insert()
      .values({ day, jobId: null })
      .orIgnore()
      .returning('day')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async setRunJob(day: string, jobId: string): Promise<void> {
    await this.repo(ReminderRun).update({ day }, { jobId });
  }

  /** The first day a run was queued (the reminders' first run), or null before any. */
  async firstRunDay(): Promise<string | null> {
    const row = await this.repo(ReminderRun).createQueryBuilder('r').select('MIN(r.day)::text', 'day').getRawOne<{
      day: string | null;
    }>();
    return row?.day ?? null;
  }

  /** Adds a run's counts to its day's row (when the day was claimed) and stamps its end. */
  async recordRun(day: string, sent: number, skipped: number): Promise<void> {
    await this.repo(ReminderRun)
      .createQueryBuilder()
      .update()
      .set({
        sent: () => `sent + ${Math.trunc(sent)}`,
        skipped: () => `skipped + ${Math.trunc(skipped)}`,
        lastRunAt: () => 'now()',
      })
      .where('day = :day', { day })
      .execute();
  }

  /** The latest days' runs, newest first. */
  lastRuns(limit: number): Promise<ReminderRun[]> {
    return this.repo(ReminderRun).find({ order: { day: 'DESC' }, take: limit });
  }
}
