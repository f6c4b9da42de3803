import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { BaseRepository } from '../../database/transaction.js';

/** A mailed statement not answered yet, with whom to remind and the mail that carried its link and code. */
export interface UnansweredStatementRow {
  id: string;
  number: string;
  customerId: string;
  customerName: string;
  replyBy: DateOnly;
  locale: string;
  billingEmail: string | null;
  salesOwnerId: string | null;
  salesOwnerEmail: string | null;
  /** The statement mail's text: the only place its link and confirmation code exist in clear. */
  originalText: string | null;
}

export interface ExpiringQualificationRow {
  id: string;
  name: string;
  number: string | null;
  validTo: DateOnly;
}

/** A customer's sales owner and their address (null: no owner, or no e-mail, or disabled). */
export interface SalesOwnerRow {
  customerId: string;
  salesOwnerId: string | null;
  email: string | null;
}

export interface UserAddressRow {
  id: string;
  email: string;
}

/**
 * What the reminders read of other modules' tables: statements awaiting an answer (statements, customers and their
 * billing contacts, users, the statement's outbox message), qualifications about to expire, the back office's
 * addresses. Read only.
 */
@Injectable()
export class ReminderReadModel extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** Mailed (a code was issued), pending statements whose reply-by date is on or before `until`. */
  async unansweredStatements(until: DateOnly): Promise<UnansweredStatementRow[]> {
    return (await this.manager.query(
      `SELECT s.id, s.number, s.customer_id AS "customerId", c.name AS "customerName",
              to_char(s.reply_by, 'YYYY-MM-DD') AS "replyBy", s.locale,
              (SELECT btrim(cc.email) FROM customer_contacts cc
                WHERE cc.customer_id = s.customer_id AND cc.billing AND cc.email IS NOT NULL AND btrim(cc.email) <> ''
                ORDER BY cc.position LIMIT 1) AS "billingEmail",
              c.sales_owner_id AS "salesOwnerId",
              (SELECT u.email FROM users u WHERE u.id = c.sales_owner_id AND NOT u.disabled) AS "salesOwnerEmail",
              (SELECT m.text FROM outbox_messages m
                WHERE m.subject_type = 'statement' AND m.subject_id = s.id
                ORDER BY m.created_at LIMIT 1) AS "originalText"
         FROM statements s JOIN customers c ON c.id = s.customer_id
        WHERE s.response_status = 'pending' AND s.code_hash IS NOT NULL AND s.reply_by <= $1::date
        ORDER BY s.reply_by, s.number`,
      [until],
    )) as UnansweredStatementRow[];
  }

  /** Qualifications whose validity ends between `from` and `until` (inclusive). */
  async expiringQualifications(from: DateOnly, until: DateOnly): Promise<ExpiringQualificationRow[]> {
    return (await this.manager.query(
      `SELECT q.id, q.name, q.number, to_char(q.valid_to, 'YYYY-MM-DD') AS "validTo"
         FROM qualifications q
        WHERE q.valid_to BETWEEN $1::date AND $2::date
        ORDER BY q.valid_to, q.name`,
      [from, until],
    )) as ExpiringQualificationRow[];
  }

  /** The sales owners of these customers. */
  async salesOwners(customerIds: string[]): Promise<Map<string, SalesOwnerRow>> {
    if (!customerIds.length) return new Map();
    const rows = (await this.manager.query(
      `SELECT c.id AS "customerId", c.sales_owner_id AS "salesOwnerId",
              (SELECT nullif(btrim(u.email), '') FROM users u WHERE u.id = c.sales_owner_id AND NOT u.disabled) AS email
         FROM customers c WHERE c.id = ANY($1::uuid[])`,
      [customerIds],
    )) as SalesOwnerRow[];
    return new Map(rows.map((r) => [r.customerId, r]));
  }

  /** The addresses of these users (active ones with an e-mail), by id. */
  async userAddresses(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = (await this.manager.query(
      `SELECT id, btrim(email) AS email FROM users
        WHERE id = ANY($1::uuid[]) AND NOT disabled AND email IS NOT NULL AND btrim(email) <> ''`,
      [[...new Set(ids)]],
    )) as UserAddressRow[];
    return new Map(rows.map((r) => [r.id, r.email]));
  }

  /** Active users holding a role, with an e-mail address. */
  async usersWithRole(role: string): Promise<UserAddressRow[]> {
    return (await this.manager.query(
      `SELECT id, btrim(email) AS email FROM users
        WHERE $1 = ANY(roles) AND NOT disabled AND email IS NOT NULL AND btrim(email) <> ''
        ORDER BY name`,
      [role],
    )) as UserAddressRow[];
  }
}
