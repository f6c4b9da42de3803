import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import type { OutboxStatus } from '../outbox/index.js';

/**
 * An item as the report shows it: its status with the mail's outcome folded in, the message and the statement. The
 * caller names the types of the status values (statement-runs' RunItemStatus, statements' StatementResponseStatus):
 * this module cannot import them, since both modules import it.
 */
export interface RunItemReportRow<Status extends string = string, Confirmation extends string = string> {
  id: string;
  customerId: string;
  customerName: string;
  /** pending, rendered (mail not sent yet), sent, failed (render or mail), skipped. */
  status: Status;
  reason: string | null;
  email: string | null;
  statementId: string | null;
  statementNumber: string | null;
  confirmation: Confirmation | null;
  mail: {
    id: string;
    status: OutboxStatus;
    attempts: number;
    lastError: string | null;
    sentAt: Date | null;
  } | null;
  updatedAt: Date;
}

/** One group of StatementRunReadModel.counts: a run's items of one report status. */
export interface RunCountRow {
  runId: string;
  status: string;
  n: number;
  inFlight: number;
  issued: number;
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

/**
 * What statement runs read of other modules' tables: the billing contacts' addresses (customers), the statement a
 * run issued and its message (statements, outbox), and the run report, whose item status folds in the outcome of the
 * item's mail (outbox). Read only: statement_run_items and statement_runs are written by StatementRunsRepository.
 */
@Injectable()
export class StatementRunReadModel extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
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
   * Per run and (report) status: how many items, how many of them rendered with their mail still on its way, and how
   * many have a statement. statement-run.view.ts's foldCounts makes the report's counts of them.
   */
  async counts(runIds: string[]): Promise<RunCountRow[]> {
    if (!runIds.length) return [];
    return (await this.manager.query(
      `SELECT i.run_id AS "runId", ${EFFECTIVE_STATUS} AS status, count(*)::int AS n,
              count(*) FILTER (WHERE i.status = 'rendered' AND m.status IN ('queued', 'sending'))::int AS "inFlight",
              count(i.statement_id)::int AS issued
         FROM statement_run_items i LEFT JOIN outbox_messages m ON m.id = i.outbox_message_id
        WHERE i.run_id = ANY($1::uuid[])
        GROUP BY 1, 2`,
      [runIds],
    )) as RunCountRow[];
  }

  /**
   * A page of the run's items in customer-name order, optionally of one (report) status and of some customers only
   * (a sales user's own; see auth/ownership.ts).
   */
  async items<Status extends string, Confirmation extends string>(
    runId: string,
    status: Status | undefined,
    limit: number,
    offset: number,
    customerIds?: string[],
  ): Promise<[RunItemReportRow<Status, Confirmation>[], number]> {
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
    )) as (Omit<RunItemReportRow<Status, Confirmation>, 'mail'> & {
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
