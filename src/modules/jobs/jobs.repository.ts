import { Injectable } from '@nestjs/common';
import { DataSource, In, MoreThan } from 'typeorm';
import { BaseRepository, returnedRows } from '../../database/transaction.js';
import { Job, type JobStatus } from './job.entity.js';

@Injectable()
export class JobsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * One INSERT ... RETURNING. Outside a transaction TypeORM's save() would wrap it in START TRANSACTION/COMMIT of its
   * own: two more round trips for a statement that is atomic by itself (a statement run enqueues two jobs per
   * statement outside any transaction: its item and its mail).
   */
  create(data: Pick<Job, 'name' | 'payload' | 'maxAttempts' | 'createdBy'>): Promise<Job> {
    return this.repo(Job).save(this.repo(Job).create({ ...data, status: 'queued', progress: 0, attempts: 0 }), {
      transaction: false,
    });
  }

  findById(id: string): Promise<Job | null> {
    return this.repo(Job).findOneBy({ id });
  }

  async update(
    id: string,
    patch: Partial<Pick<Job, 'status' | 'progress' | 'attempts' | 'result' | 'error' | 'startedAt' | 'finishedAt'>>,
  ): Promise<void> {
    // jsonb columns make TypeORM's deep-partial type reject a plain object; the patch is a Job subset.
    await this.repo(Job).update({ id }, patch as Parameters<ReturnType<typeof this.repo<Job>>['update']>[1]);
  }

  /**
   * Records what an attempt did, unless a later attempt of the job has started meanwhile (an attempt that
   * outlived its lease keeps running: it must not overwrite its successor's status). True when written.
   */
  async updateAttempt(
    id: string,
    attempt: number,
    patch: Partial<Pick<Job, 'status' | 'progress' | 'result' | 'error' | 'finishedAt'>>,
  ): Promise<boolean> {
    const res = await this.repo(Job).update(
      { id, attempts: attempt },
      patch as Parameters<ReturnType<typeof this.repo<Job>>['update']>[1],
    );
    return (res.affected ?? 0) > 0;
  }

  /** The job's row, locked until the current transaction ends (TypeORM refuses outside one). */
  findByIdForUpdate(id: string): Promise<Job | null> {
    return this.repo(Job).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Serialises enqueueing of one job type across processes until the current transaction ends. */
  async lockQueue(name: string): Promise<void> {
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtext('tenderdesk.jobs.enqueue'), hashtext($1))`, [name]);
  }

  /** Jobs of this type not yet running: queued, or waiting for a retry. */
  /** Unfinished jobs (queued, running, retrying) counted by type and status, for the metrics. */
  async countUnfinishedByNameAndStatus(): Promise<{ name: string; status: string; count: number }[]> {
    const rows = await this.repo(Job)
      .createQueryBuilder('j')
      .select('j.name', 'name')
      .addSelect('j.status', 'status')
      .addSelect('count(*)', 'count')
      .where('j.status IN (:...statuses)', { statuses: ['queued', 'running', 'retrying'] })
      .groupBy('j.name')
      .addGroupBy('j.status')
      .getRawMany<{ name: string; status: string; count: string }>();
    return rows.map((r) => ({ name: r.name, status: r.status, count: Number(r.count) }));
  }

  countWaiting(name: string): Promise<number> {
    return this.repo(Job).count({ where: { name, status: In(['queued', 'retrying']) } });
  }

  countFinishedSince(name: string, since: Date): Promise<number> {
    return this.repo(Job).count({ where: { name, finishedAt: MoreThan(since) } });
  }

  /** Jobs of this type on their last attempt, `running` with no change for `seconds`: marked failed, ids returned. */
  async failAbandoned(name: string, seconds: number, error: string): Promise<string[]> {
    const rows = returnedRows<{ id: string }>(
      await this.manager.query(
        `UPDATE jobs SET status = 'failed', error = $3, finished_at = now(), updated_at = now()
        WHERE name = $1 AND status = 'running' AND attempts >= max_attempts
          AND updated_at < now() - make_interval(secs => $2)
        RETURNING id`,
        [name, seconds, error],
      ),
    );
    return rows.map((r) => r.id);
  }

  findByStatus(statuses: JobStatus[]): Promise<Job[]> {
    return this.repo(Job).find({ where: { status: In(statuses) }, order: { createdAt: 'ASC' } });
  }
}
