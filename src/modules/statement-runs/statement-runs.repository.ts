import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { BaseRepository, returnedRows } from '../../database/transaction.js';
import { StatementRun, StatementRunItem } from './statement-run.entity.js';

export type RunData = Omit<StatementRun, 'id' | 'createdAt'>;
export type ItemData = Pick<StatementRunItem, 'runId' | 'customerId' | 'customerName' | 'status' | 'reason' | 'email'>;

/**
 * statement_runs and statement_run_items. What the runs read of other modules' tables (billing contacts, statements,
 * outbox messages) is in the read-model module (StatementRunReadModel), except in three single-statement updates
 * below (linkIssued, failItemsOfFailedJobs, completeIfDone): each decides from the statements', jobs' or outbox's rows
 * and changes the items or the run in the same statement, so that no item changes between the read and the write;
 * split into a read and a write they would race with the item jobs.
 */
@Injectable()
export class StatementRunsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  createRun(data: RunData): Promise<StatementRun> {
    return this.repo(StatementRun).save(this.repo(StatementRun).create(data));
  }

  /** A monthly run unless one exists for its period end (the partial unique index): null then. */
  async insertMonthlyRun(data: RunData): Promise<StatementRun | null> {
    const result = await this.repo(StatementRun)
      .createQueryBuilder()
      .insert()
      .values(data)
      .orIgnore()
      .returning('id')
      .execute();
    const rows = result.raw as { id: string }[];
    return rows.length ? this.findRun(rows[0].id) : null;
  }

  findRun(id: string): Promise<StatementRun | null> {
    return this.repo(StatementRun).findOneBy({ id });
  }

  monthlyRun(periodTo: DateOnly): Promise<StatementRun | null> {
    return this.repo(StatementRun).findOneBy({ trigger: 'monthly', periodTo });
  }

  /** Newest first. */
  listRuns(limit: number, offset: number): Promise<[StatementRun[], number]> {
    return this.repo(StatementRun).findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, take: limit, skip: offset });
  }

  async updateRun(
    id: string,
    patch: Partial<Pick<StatementRun, 'status' | 'total' | 'jobId' | 'error' | 'finishedAt'>>,
  ): Promise<void> {
    await this.repo(StatementRun).update({ id }, patch);
  }

  /** Runs still queued with no plan job this long after they were made (the process died before queueing it). */
  strandedRuns(olderThanSeconds: number): Promise<StatementRun[]> {
    return this.repo(StatementRun)
      .createQueryBuilder('r')
      .where(`r.status = 'queued' AND r.job_id IS NULL AND r.created_at < now() - make_interval(secs => :s)`, {
        s: olderThanSeconds,
      })
      .getMany();
  }

  /** One item per customer of the run: items already there (a plan retried) are left as they are. */
  async insertItems(items: ItemData[]): Promise<void> {
    // Chunks keep each statement well under PostgreSQL's 65,535 parameters.
    for (let i = 0; i < items.length; i += 1000) {
      await this.repo(StatementRunItem)
        .createQueryBuilder()
        .insert()
        .values(items.slice(i, i + 1000))
        .orIgnore()
        .execute();
    }
  }

  countItems(runId: string): Promise<number> {
    return this.repo(StatementRunItem).countBy({ runId });
  }

  /** Items still to render, without a statement, in customer-name order. */
  async pendingItemIds(runId: string): Promise<string[]> {
    const rows = await this.repo(StatementRunItem).find({
      select: { id: true },
      where: { runId, status: 'pending' },
      order: { customerName: 'ASC', id: 'ASC' },
    });
    return rows.map((r) => r.id);
  }

  findItem(id: string): Promise<StatementRunItem | null> {
    return this.repo(StatementRunItem).findOneBy({ id });
  }

  async updateItem(
    id: string,
    patch: Partial<Pick<StatementRunItem, 'status' | 'reason' | 'statementId' | 'outboxMessageId'>>,
  ): Promise<void> {
    await this.repo(StatementRunItem).update({ id }, patch);
  }

  /** Marks the item failed, if it is still pending. */
  async failPending(id: string, reason: string): Promise<void> {
    await this.repo(StatementRunItem).update({ id, status: 'pending' }, { status: 'failed', reason });
  }

  /**
   * Links pending items to the statement the run issued for their customer: an item job can stop between the
   * statement's commit and the item's update, and its retry then finds the job done (JobsService completes a job whose
   * effect was saved without running it again), so nothing else would record it. Returns how many were linked.
   */
  async linkIssued(runId: string): Promise<number> {
    const rows = returnedRows<{ id: string }>(
      await this.manager.query(
        `UPDATE statement_run_items i
            SET status = 'rendered', reason = NULL, statement_id = s.id, updated_at = now(),
                outbox_message_id = (SELECT m.id FROM outbox_messages m
                                      WHERE m.subject_type = 'statement' AND m.subject_id = s.id
                                      ORDER BY m.created_at LIMIT 1)
           FROM statements s
          WHERE i.run_id = $1 AND i.status = 'pending' AND i.statement_id IS NULL
            AND s.run_id = i.run_id AND s.customer_id = i.customer_id
          RETURNING i.id`,
        [runId],
      ),
    );
    return rows.length;
  }

  /**
   * Marks failed the pending items whose render job failed for good without saying so on the item: its last attempt
   * died with its process (JobsService.failAbandoned marked the job). Without this the run would never complete.
   * An item with a later job still waiting or running is left alone. Returns how many were marked.
   */
  async failItemsOfFailedJobs(runId: string, jobName: string): Promise<number> {
    const rows = returnedRows<{ id: string }>(
      await this.manager.query(
        `UPDATE statement_run_items i
            SET status = 'failed', updated_at = now(),
                reason = 'RENDER_FAILED: ' || coalesce(j.error, 'the render job failed')
           FROM jobs j
          WHERE i.run_id = $1 AND i.status = 'pending' AND i.statement_id IS NULL
            AND j.name = $2 AND j.status = 'failed' AND j.payload->>'itemId' = i.id::text
            AND NOT EXISTS (SELECT 1 FROM jobs o
                             WHERE o.name = $2 AND o.payload->>'itemId' = i.id::text
                               AND o.status IN ('queued', 'running', 'retrying'))
          RETURNING i.id`,
        [runId, jobName],
      ),
    );
    return rows.length;
  }

  /**
   * Marks the run completed when no item is pending and no message of its items is queued or being sent. finishedAt:
   * when its last item or message changed (not when somebody looked). Returns whether this call completed it.
   */
  async completeIfDone(runId: string): Promise<boolean> {
    const rows = returnedRows<{ id: string }>(
      await this.manager.query(
        `UPDATE statement_runs r
            SET status = 'completed',
                finished_at = coalesce(
                  (SELECT greatest(max(i.updated_at), max(m.updated_at))
                     FROM statement_run_items i LEFT JOIN outbox_messages m ON m.id = i.outbox_message_id
                    WHERE i.run_id = r.id),
                  now())
          WHERE r.id = $1 AND r.status = 'running'
            AND NOT EXISTS (SELECT 1 FROM statement_run_items i WHERE i.run_id = r.id AND i.status = 'pending')
            AND NOT EXISTS (SELECT 1 FROM statement_run_items i JOIN outbox_messages m ON m.id = i.outbox_message_id
                             WHERE i.run_id = r.id AND m.status IN ('queued', 'sending'))
          RETURNING r.id`,
        [runId],
      ),
    );
    return rows.length > 0;
  }

  /** Runs not finished (queued or running): id, status and total, for the metrics. */
  async unfinished(): Promise<Pick<StatementRun, 'id' | 'status' | 'total'>[]> {
    return this.repo(StatementRun).find({
      select: { id: true, status: true, total: true },
      where: { status: In(['queued', 'running']) },
    });
  }
}
