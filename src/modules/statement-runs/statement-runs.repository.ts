import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { BaseRepository, returnedRows } from '../../database/transaction.js';
import type { OutboxStatus } from '../outbox/outbox-message.entity.js';
import type { StatementResponseStatus } from '../statements/statement.entity.js';
import { StatementRun, StatementRunItem, type RunItemStatus } from './statement-run.entity.js';
import { emptyCounts, type ItemCounts } from './statement-run.view.js';

export type RunData = Omit<StatementRun, 'id' | 'createdAt'>;
export type ItemData = Pick<StatementRunItem, 'runId' | 'customerId' | 'customerName' | 'status' | 'reason' | 'email'>;

/** An item as the report shows it: its status with the mail's outcome folded in, the message and the statement. */
export interface ItemRow {
  id: string;
  customerId: string;
  customerName: string;
  /** pending, rendered (mail not sent yet), sent, failed (render or mail), skipped. */
  status: RunItemStatus;
  reason: string | null;
  email: string | null;
  statementId: string | null;
  statementNumber: string | null;
  confirmation: StatementResponseStatus | null;
  mail: {
    id: string;
    status: OutboxStatus;
    attempts: number;
    lastError: string | null;
    sentAt: Date | null;
  } | null;
  updatedAt: Date;
}

/**
 * The status the report shows, in SQL so that it can be counted, filtered and paged: a rendered item is sent when
 * its message is, failed when its message failed for good; anything else is the item's own status. `i` is the item,
 * `m` its outbox message (left-joined).
 */
const EFFECTIVE_STATUS = `CASE WHEN i.status = 'rendered' AND m.status = 'sent' THEN 'sent'
                               WHEN i.status = 'rendered' AND m.status = 'failed' THEN 'failed'
                               ELSE i.status END`;

/** The message's last error on a mail failure; the item's own reason otherwise. */
const EFFECTIVE_REASON = `CASE WHEN i.status = 'rendered' AND m.status = 'failed'
                               THEN 'MAIL_FAILED: ' || coalesce(m.last_error, 'the message could not be sent')
                               ELSE i.reason END`;

const ITEMS_FROM = `statement_run_items i
  LEFT JOIN outbox_messages m ON m.id = i.outbox_message_id
  LEFT JOIN statements s ON s.id = i.statement_id`;

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

  /** Each customer's billing contact's address (the billing contact with an e-mail, lowest position first). */
  async billingEmails(customerIds: string[]): Promise<Map<string, string>> {
    if (!customerIds.length) return new Map();
    const rows = (await this.manager.query(
      `SELECT DISTINCT ON (customer_id) customer_id AS "customerId", email
         FROM customer_contacts
        WHERE customer_id = ANY($1::uuid[]) AND billing AND email IS NOT NULL AND btrim(email) <> ''
        ORDER BY customer_id, position`,
      [customerIds],
    )) as { customerId: string; email: string }[];
    return new Map(rows.map((r) => [r.customerId, r.email.trim()]));
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
   * A statement this run already issued for the customer, with its message: an item job whose process died after
   * the statement committed and before the item recorded it leaves one behind for the next job to find.
   */
  async statementOfRun(
    runId: string,
    customerId: string,
  ): Promise<{ statementId: string; outboxMessageId: string | null } | null> {
    const rows = (await this.manager.query(
      `SELECT s.id AS "statementId",
              (SELECT m.id FROM outbox_messages m
                WHERE m.subject_type = 'statement' AND m.subject_id = s.id
                ORDER BY m.created_at LIMIT 1) AS "outboxMessageId"
         FROM statements s
        WHERE s.run_id = $1 AND s.customer_id = $2
        ORDER BY s.created_at LIMIT 1`,
      [runId, customerId],
    )) as { statementId: string; outboxMessageId: string | null }[];
    return rows[0] ?? null;
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

  /** Per run: items by the report's status, and rendered items whose mail is still on its way. */
  async counts(runIds: string[]): Promise<Map<string, { counts: ItemCounts; mailInFlight: number; issued: number }>> {
    const result = new Map(runIds.map((id) => [id, { counts: emptyCounts(), mailInFlight: 0, issued: 0 }]));
    if (!runIds.length) return result;
    const rows = (await this.manager.query(
      `SELECT i.run_id AS "runId", ${EFFECTIVE_STATUS} AS status, count(*)::int AS n,
              count(*) FILTER (WHERE i.status = 'rendered' AND m.status IN ('queued', 'sending'))::int AS "inFlight",
              count(i.statement_id)::int AS issued
         FROM statement_run_items i LEFT JOIN outbox_messages m ON m.id = i.outbox_message_id
        WHERE i.run_id = ANY($1::uuid[])
        GROUP BY 1, 2`,
      [runIds],
    )) as { runId: string; status: RunItemStatus; n: number; inFlight: number; issued: number }[];
    for (const r of rows) {
      const entry = result.get(r.runId)!;
      entry.counts[r.status] += r.n;
      entry.mailInFlight += r.inFlight;
      entry.issued += r.issued;
    }
    return result;
  }

  /**
   * A page of the run's items in customer-name order, optionally of one (report) status and of some customers only
   * (a sales user's own; see auth/ownership.ts).
   */
  async items(
    runId: string,
    status: RunItemStatus | undefined,
    limit: number,
    offset: number,
    customerIds?: string[],
  ): Promise<[ItemRow[], number]> {
    const where =
      `i.run_id = $1 AND ($2::text IS NULL OR ${EFFECTIVE_STATUS} = $2::text)` +
      ' AND ($3::uuid[] IS NULL OR i.customer_id = ANY($3::uuid[]))';
    const rows = (await this.manager.query(
      `SELECT i.id, i.customer_id AS "customerId", i.customer_name AS "customerName",
              ${EFFECTIVE_STATUS} AS status, ${EFFECTIVE_REASON} AS reason, i.email,
              i.statement_id AS "statementId", s.number AS "statementNumber", s.response_status AS confirmation,
              m.id AS "mailId", m.status AS "mailStatus", m.attempts AS "mailAttempts",
              m.last_error AS "mailLastError", m.sent_at AS "mailSentAt", i.updated_at AS "updatedAt"
         FROM ${ITEMS_FROM}
        WHERE ${where}
        ORDER BY i.customer_name, i.id
        LIMIT $4 OFFSET $5`,
      [runId, status ?? null, customerIds ?? null, limit, offset],
    )) as (Omit<ItemRow, 'mail'> & {
      mailId: string | null;
      mailStatus: OutboxStatus | null;
      mailAttempts: number | null;
      mailLastError: string | null;
      mailSentAt: Date | null;
    })[];
    const [{ n }] = (await this.manager.query(`SELECT count(*)::int AS n FROM ${ITEMS_FROM} WHERE ${where}`, [
      runId,
      status ?? null,
      customerIds ?? null,
    ])) as { n: number }[];
    const items = rows.map(({ mailId, mailStatus, mailAttempts, mailLastError, mailSentAt, ...item }) => ({
      ...item,
      mail:
        mailId && mailStatus
          ? {
              id: mailId,
              status: mailStatus,
              attempts: mailAttempts ?? 0,
              lastError: mailLastError,
              sentAt: mailSentAt,
            }
          : null,
    }));
    return [items, n];
  }
}
