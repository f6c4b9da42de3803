import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { addDays, daysBetween, todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { WorkLock } from '../../database/work-lock.js';
import { isLocale } from '../../rendering/templates/labels.js';
import type { Locale } from '../../rendering/rendering.types.js';
import { TemplateEngine } from '../../rendering/templates/template-engine.js';
import { OwnershipService, type AuthUser } from '../auth/index.js';
import { CompanyService } from '../company/index.js';
import { JobsService } from '../jobs/index.js';
import { OutboxService } from '../outbox/index.js';
import { QuotationQuery, QuotationsService } from '../quotations/index.js';
import { ReminderReadModel, type UnansweredStatementRow } from '../read-models/index.js';
import type { ReminderRecord, ReminderStatus } from './reminder.entity.js';
import { RemindersRepository } from './reminders.repository.js';

/** The daily job's name on the queue. */
export const REMINDERS_JOB = 'reminders.daily';

/** One reminder the day's run owes: mailed, or recorded as skipped with the reason. */
interface Candidate {
  key: string;
  reason: 'statement-reply' | 'statement-overdue' | 'qualification-expiry' | 'quotation-expiry';
  subject: { type: 'statement' | 'qualification' | 'quotation'; id: string };
  customerId: string | null;
  label: string;
  audience: 'billing' | 'sales-owner' | 'backoffice';
  to: string[];
  skipReason: string | null;
  mail: { template: string; locale: Locale; data: object };
}

export interface ReminderView {
  id: string;
  key: string;
  reason: string;
  about: { type: string; id: string };
  customerId: string | null;
  label: string;
  status: ReminderStatus;
  skipReason: string | null;
  to: string[];
  outboxMessageId: string | null;
  day: DateOnly;
  createdAt: Date;
}

export interface ReminderRunResult {
  day: DateOnly;
  /** Reminders this run wrote (those of earlier runs are not counted again). */
  sent: number;
  skipped: number;
}

/**
 * Reminders (issue #21): statements not answered N days before their reply-by date (to the billing contact, with
 * the statement mail's link and code again) and once that date passed (to the sales owner); qualifications expiring
 * in 60/30/7 days (to the back office). Each reminder is written once per key in the transaction of its outbox
 * message; a run holds a WorkLock so that runs in several processes take turns rather than race.
 */
@Injectable()
export class RemindersService implements OnModuleInit {
  private readonly logger = new Logger('Reminders');

  constructor(
    private readonly reminders: RemindersRepository,
    private readonly reads: ReminderReadModel,
    private readonly outbox: OutboxService,
    private readonly templates: TemplateEngine,
    private readonly tx: TransactionRunner,
    private readonly lock: WorkLock,
    private readonly jobs: JobsService,
    private readonly ownership: OwnershipService,
    private readonly quotations: QuotationsService,
    private readonly company: CompanyService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ day?: string }>(REMINDERS_JOB, async () => ({ ...(await this.run()) }), {
      kind: 'mail',
      bounded: false,
    });
  }

  /** The daily job (and POST /api/reminders/run): every reminder due today that was not written yet. */
  async run(today: DateOnly = todayIso()): Promise<ReminderRunResult> {
    return this.lock.run('reminders:run', async () => {
      const internal = await this.company.documentLocaleFor({ audience: 'internal' });
      const candidates = [
        ...(await this.statementCandidates(today, internal)),
        ...(await this.qualificationCandidates(today, internal)),
        ...(await this.quotationCandidates(today, internal)),
      ];
      const result: ReminderRunResult = { day: today, sent: 0, skipped: 0 };
      for (const c of candidates) {
        const status = await this.write(c, today);
        if (status) result[status] += 1;
      }
      if (result.sent || result.skipped)
        this.logger.log(`reminders ${today}: ${result.sent} sent, ${result.skipped} skipped`);
      return result;
    });
  }

  /** Writes the reminder and its message in one transaction; null when its key was written before. */
  private write(c: Candidate, day: DateOnly): Promise<ReminderStatus | null> {
    return this.tx.run(async () => {
      const status: ReminderStatus = c.skipReason ? 'skipped' : 'sent';
      const id = await this.reminders.insertOnce({
        key: c.key,
        reason: c.reason,
        subjectType: c.subject.type,
        subjectId: c.subject.id,
        customerId: c.customerId,
        label: c.label.slice(0, 300),
        status,
        skipReason: c.skipReason,
        to: c.to,
        day,
      });
      if (!id) return null;
      if (status === 'sent') {
        const mail = this.templates.renderMail(c.mail.template, c.mail.data, c.mail.locale);
        const message = await this.outbox.queue(null, {
          key: `reminder:${c.key}`,
          about: c.subject,
          audience: c.audience,
          to: c.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        });
        await this.reminders.setMessage(id, message.id);
      }
      return status;
    });
  }

  /** The smallest threshold (days) that `daysLeft` is within, or null when it is within none. */
  private threshold(days: number[], daysLeft: number): number | null {
    const within = days.filter((d) => daysLeft <= d);
    return within.length ? Math.min(...within) : null;
  }

  /** `internal`: the company's language, for the mails to its own people (company/document-locale.ts). */
  private async statementCandidates(today: DateOnly, internal: Locale): Promise<Candidate[]> {
    const days = this.config.reminders.statementDays;
    const rows = await this.reads.unansweredStatements(addDays(today, Math.max(0, ...days)));
    const customersOut = await this.reminders.optedOut('customer');
    const usersOut = await this.reminders.optedOut('user');
    const out: Candidate[] = [];
    for (const s of rows) {
      const daysLeft = daysBetween(today, s.replyBy);
      // The customer's reminder in the statement's own language.
      const locale: Locale = isLocale(s.locale) ? s.locale : internal;
      const label = `${s.number} ${s.customerName}, reply by ${s.replyBy}`;
      const data = { ...this.statementData(s), daysLeft };
      if (daysLeft >= 0) {
        const d = this.threshold(days, daysLeft);
        if (d === null) continue;
        const skip = customersOut.has(s.customerId)
          ? 'CUSTOMER_OPTED_OUT'
          : !s.billingEmail
            ? 'NO_BILLING_EMAIL'
            : !s.originalText
              ? 'NO_STATEMENT_MAIL'
              : null;
        out.push({
          key: `statement-reply:${s.id}:${d}`,
          reason: 'statement-reply',
          subject: { type: 'statement', id: s.id },
          customerId: s.customerId,
          label,
          audience: 'billing',
          to: s.billingEmail && !skip ? [s.billingEmail] : [],
          skipReason: skip,
          mail: { template: 'reminder-statement-reply', locale, data },
        });
      } else {
        const skip =
          s.salesOwnerId && usersOut.has(s.salesOwnerId)
            ? 'USER_OPTED_OUT'
            : !s.salesOwnerEmail
              ? 'NO_SALES_OWNER_EMAIL'
              : null;
        out.push({
          key: `statement-overdue:${s.id}`,
          reason: 'statement-overdue',
          subject: { type: 'statement', id: s.id },
          customerId: s.customerId,
          label,
          audience: 'sales-owner',
          to: s.salesOwnerEmail && !skip ? [s.salesOwnerEmail] : [],
          skipReason: skip,
          // The sales owner gets no link or code: those answer for the customer.
          mail: { template: 'reminder-statement-overdue', locale: internal, data: { ...data, original: null } },
        });
      }
    }
    return out;
  }

  private statementData(s: UnansweredStatementRow) {
    return { number: s.number, customerName: s.customerName, replyBy: s.replyBy, original: s.originalText };
  }

  private async qualificationCandidates(today: DateOnly, internal: Locale): Promise<Candidate[]> {
    const days = this.config.reminders.qualificationDays;
    const rows = await this.reads.expiringQualifications(today, addDays(today, Math.max(0, ...days)));
    if (!rows.length) return [];
    const usersOut = await this.reminders.optedOut('user');
    const to = (await this.reads.usersWithRole('backoffice')).filter((u) => !usersOut.has(u.id)).map((u) => u.email);
    const out: Candidate[] = [];
    for (const q of rows) {
      const daysLeft = daysBetween(today, q.validTo);
      const d = this.threshold(days, daysLeft);
      if (d === null) continue;
      out.push({
        key: `qualification-expiry:${q.id}:${d}`,
        reason: 'qualification-expiry',
        subject: { type: 'qualification', id: q.id },
        customerId: null,
        label: `${q.name}${q.number ? ` ${q.number}` : ''}, valid to ${q.validTo}`,
        audience: 'backoffice',
        to: [...new Set(to)],
        skipReason: to.length ? null : 'NO_RECIPIENT',
        mail: {
          template: 'reminder-qualification-expiry',
          locale: internal,
          data: { name: q.name, number: q.number, validTo: q.validTo, daysLeft },
        },
      });
    }
    return out;
  }

  /** Sent quotations (not expired yet) whose validity ends within the largest threshold: to the sales owner. */
  private async quotationCandidates(today: DateOnly, internal: Locale): Promise<Candidate[]> {
    const days = this.config.reminders.quotationDays;
    const until = addDays(today, Math.max(0, ...days));
    // Read through the quotations module as a reader who sees every quotation (no prices are used).
    const reader: AuthUser = { id: '00000000-0000-0000-0000-000000000000', name: 'reminders', roles: ['manager'] };
    const due: { id: string; number: string; customerId: string; customerName: string; validUntil: DateOnly }[] = [];
    // Bounded: a page of 200 at a time up to the total the first page reported.
    for (let page = 1, seen = 0, total = 1; seen < total && page <= 1000; page++) {
      const query = Object.assign(new QuotationQuery(), { status: 'sent' as const, page, pageSize: 200 });
      const result = await this.quotations.listFor(reader, query);
      total = result.total;
      seen += result.items.length;
      if (!result.items.length) break;
      for (const q of result.items) {
        if (q.status === 'sent' && q.validUntil >= today && q.validUntil <= until)
          due.push({
            id: q.id,
            number: q.number,
            customerId: q.customer.id,
            customerName: q.customer.name,
            validUntil: q.validUntil,
          });
      }
    }
    if (!due.length) return [];
    const owners = await this.reads.salesOwners([...new Set(due.map((q) => q.customerId))]);
    const usersOut = await this.reminders.optedOut('user');
    const out: Candidate[] = [];
    for (const q of due) {
      const daysLeft = daysBetween(today, q.validUntil);
      const d = this.threshold(days, daysLeft);
      if (d === null) continue;
      const owner = owners.get(q.customerId);
      const skip =
        owner?.salesOwnerId && usersOut.has(owner.salesOwnerId)
          ? 'USER_OPTED_OUT'
          : !owner?.email
            ? 'NO_SALES_OWNER_EMAIL'
            : null;
      out.push({
        // Per validity date: a new revision valid longer is reminded again.
        key: `quotation-expiry:${q.id}:${q.validUntil}:${d}`,
        reason: 'quotation-expiry',
        subject: { type: 'quotation', id: q.id },
        customerId: q.customerId,
        label: `${q.number} ${q.customerName}, valid until ${q.validUntil}`,
        audience: 'sales-owner',
        to: owner?.email && !skip ? [owner.email] : [],
        skipReason: skip,
        mail: {
          template: 'reminder-quotation-expiry',
          locale: internal,
          data: { number: q.number, customerName: q.customerName, validUntil: q.validUntil, daysLeft },
        },
      });
    }
    return out;
  }

  /** GET /api/reminders: newest first; a sales user sees the reminders about their own customers. */
  async list(user: AuthUser, page: number, pageSize: number) {
    const scope = await this.ownership.customerScope(user);
    const [rows, total] = await this.reminders.list(pageSize, (page - 1) * pageSize, scope);
    return { items: rows.map(view), total, page, pageSize };
  }

  /** A customer's opt-out: no customer-facing reminder while set. */
  async setCustomerOptOut(customerId: string, optedOut: boolean): Promise<{ customerId: string; optedOut: boolean }> {
    await this.reminders.setOptOut('customer', customerId, optedOut);
    return { customerId, optedOut };
  }

  /** The calling user's own opt-out: no reminder addressed to them while set. */
  async setUserOptOut(user: AuthUser, optedOut: boolean): Promise<{ userId: string; optedOut: boolean }> {
    await this.reminders.setOptOut('user', user.id, optedOut);
    return { userId: user.id, optedOut };
  }

  /** For the scheduler: queues today's job unless another process (or an earlier check) did. */
  async queueDaily(today: DateOnly = todayIso()): Promise<boolean> {
    if (!(await this.reminders.claimDay(today))) return false;
    const job = await this.jobs.enqueue(REMINDERS_JOB, { day: today }, null);
    await this.reminders.setRunJob(today, job.id);
    return true;
  }
}

function view(r: ReminderRecord): ReminderView {
  return {
    id: r.id,
    key: r.key,
    reason: r.reason,
    about: { type: r.subjectType, id: r.subjectId },
    customerId: r.customerId,
    label: r.label,
    status: r.status,
    skipReason: r.skipReason,
    to: r.to,
    outboxMessageId: r.outboxMessageId,
    day: r.day,
    createdAt: r.createdAt,
  };
}
