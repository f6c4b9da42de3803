import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { addDays, daysBetween, todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { WorkLock } from '../../database/work-lock.js';
import { isLocale } from '../../rendering/templates/labels.js';
import type { Locale } from '../../rendering/rendering.types.js';
import { TemplateEngine } from '../../rendering/templates/template-engine.js';
import { AppException } from '../../common/errors/app-exception.js';
import { OwnershipService, type AuthUser } from '../auth/index.js';
import { CompanyService } from '../company/index.js';
import { CustomerError, CustomersService } from '../customers/index.js';
import { JobsService } from '../jobs/index.js';
import { OutboxService } from '../outbox/index.js';
import { QuotationsService } from '../quotations/index.js';
import { ReceivablesService } from '../receivables/index.js';
import { TendersService } from '../tenders/index.js';
import { ReminderReadModel, type UnansweredStatementRow } from '../read-models/index.js';
import {
  REMINDER_REASONS,
  REMINDER_STATUSES,
  type ReminderReason,
  type ReminderRecord,
  type ReminderRun,
  type ReminderStatus,
} from './reminder.entity.js';
import { ReminderError } from './reminders.errors.js';
import { RemindersRepository } from './reminders.repository.js';

/** The daily job's name on the queue. */
export const REMINDERS_JOB = 'reminders.daily';

/** One reminder the day's run owes: mailed, or recorded as skipped with the reason. */
interface Candidate {
  key: string;
  reason: ReminderReason;
  subject: { type: 'statement' | 'qualification' | 'quotation' | 'tender' | 'contract'; id: string };
  customerId: string | null;
  label: string;
  audience: 'billing' | 'sales-owner' | 'backoffice';
  to: string[];
  skipReason: string | null;
  mail: { template: string; locale: Locale; data: object };
  /**
   * The day the period it reminds of ended, when that is in the past (a reply-by date, a share's due date): a
   * reminder whose period ended before the reminders' first run, or more than REMINDER_BACKLOG_DAYS ago, is
   * recorded as skipped (BACKLOG), not mailed.
   */
  endedOn?: DateOnly;
}

/** Why a reminder was not mailed: the past a first deploy found, not news. */
export const BACKLOG = 'BACKLOG';

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

export interface ReminderRunView {
  day: DateOnly;
  jobId: string | null;
  sent: number;
  skipped: number;
  lastRunAt: Date | null;
}

export interface ReminderListFilter {
  reason?: string;
  status?: string;
  customerId?: string;
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
 * in 60/30/7 days (to the back office); sent quotations about to expire (to the sales owner); tenders whose deadline
 * nears while a qualification of their selection expires before it (to the back office and the tender's owner);
 * contracts whose before-delivery share is due (to the sales owner). Periods that ended before the first run or
 * longer than REMINDER_BACKLOG_DAYS ago are recorded as skipped (BACKLOG), not mailed. Each reminder is written once per key in the transaction of its outbox
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
    private readonly tenders: TendersService,
    private readonly receivables: ReceivablesService,
    private readonly customers: CustomersService,
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
        ...(await this.tenderCandidates(today, internal)),
        ...(await this.contractShareCandidates(today, internal)),
      ];
      // The backlog: periods that ended before the first run, or more than REMINDER_BACKLOG_DAYS ago.
      // The first run is the first day in reminder_runs (the scheduler claims each day); a run by hand where no
      // process runs jobs claims its day, so that the first run stays the first.
      let firstRun = await this.reminders.firstRunDay();
      if (firstRun === null) {
        await this.reminders.claimDay(today);
        firstRun = today;
      }
      const horizon = addDays(today, -this.config.reminders.backlogDays);
      const result: ReminderRunResult = { day: today, sent: 0, skipped: 0 };
      for (const c of candidates) {
        const backlog = c.endedOn !== undefined && (c.endedOn < firstRun || c.endedOn < horizon);
        const status = await this.write(backlog ? { ...c, to: [], skipReason: c.skipReason ?? BACKLOG } : c, today);
        if (status) result[status] += 1;
      }
      await this.reminders.recordRun(today, result.sent, result.skipped);
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
          endedOn: s.replyBy,
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
    const due = await this.quotations.expiringBetween(today, until);
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

  /**
   * Tenders still being prepared whose deadline is within REMINDER_TENDER_DAYS while a qualification of their
   * selection is expired on the deadline's day (the tender package's own rule, TendersService): to the back office
   * and the tender's owner; once per tender, qualification and threshold (a moved deadline is a new period).
   */
  /** `internal`: the company's language (company/document-locale.ts). */
  private async tenderCandidates(today: DateOnly, internal: Locale): Promise<Candidate[]> {
    const days = this.config.reminders.tenderDays;
    const rows = await this.tenders.qualificationsExpiringBeforeDeadline(today, addDays(today, Math.max(0, ...days)));
    if (!rows.length) return [];
    const usersOut = await this.reminders.optedOut('user');
    const office = (await this.reads.usersWithRole('backoffice')).filter((u) => !usersOut.has(u.id));
    const owners = await this.reads.userAddresses(rows.flatMap((t) => (t.salesOwnerId ? [t.salesOwnerId] : [])));
    const out: Candidate[] = [];
    for (const t of rows) {
      const daysLeft = daysBetween(today, t.deadlineDate);
      const d = this.threshold(days, daysLeft);
      if (d === null) continue;
      const owner = t.salesOwnerId && !usersOut.has(t.salesOwnerId) ? owners.get(t.salesOwnerId) : undefined;
      const to = [...new Set([...office.map((u) => u.email), ...(owner ? [owner] : [])])];
      for (const q of t.qualifications) {
        out.push({
          key: `tender-qualification:${t.id}:${q.id}:${t.deadlineDate}:${d}`,
          reason: 'tender-qualification',
          subject: { type: 'tender', id: t.id },
          customerId: null,
          label: `${t.tenderNo} ${t.projectName}, deadline ${t.deadlineDate}: ${q.name}${q.number ? ` ${q.number}` : ''} valid to ${q.validTo}`,
          audience: 'backoffice',
          to,
          skipReason: to.length ? null : 'NO_RECIPIENT',
          mail: {
            template: 'reminder-tender-qualification',
            locale: internal,
            data: {
              tenderNo: t.tenderNo,
              projectName: t.projectName,
              deadlineDate: t.deadlineDate,
              daysLeft,
              qualifications: [{ name: q.name, number: q.number, validTo: q.validTo }],
            },
          },
        });
      }
    }
    return out;
  }

  /**
   * Contracts whose before-delivery share (预付款 at signing, 提货款 before delivery: ReceivablesService's payment
   * gate) is due within REMINDER_CONTRACT_SHARE_DAYS, or due and unpaid: to the sales owner; once per contract, share,
   * due date and period (each threshold before the due date, then `due`).
   */
  /** `internal`: the company's language (company/document-locale.ts). */
  private async contractShareCandidates(today: DateOnly, internal: Locale): Promise<Candidate[]> {
    const days = this.config.reminders.contractShareDays;
    const rows = await this.receivables.beforeDeliverySharesDue(today, addDays(today, Math.max(0, ...days)));
    if (!rows.length) return [];
    const owners = await this.reads.salesOwners([...new Set(rows.map((r) => r.customerId))]);
    const usersOut = await this.reminders.optedOut('user');
    const out: Candidate[] = [];
    for (const r of rows) {
      const daysLeft = daysBetween(today, r.dueDate);
      const overdue = daysLeft <= 0;
      const d = overdue ? 'due' : this.threshold(days, daysLeft);
      if (d === null) continue;
      const owner = owners.get(r.customerId);
      const skip =
        owner?.salesOwnerId && usersOut.has(owner.salesOwnerId)
          ? 'USER_OPTED_OUT'
          : !owner?.email
            ? 'NO_SALES_OWNER_EMAIL'
            : null;
      const shareName = r.label ?? (r.event === 'contract_signed' ? '预付款' : '提货款');
      out.push({
        key: `contract-share-due:${r.contractId}:${r.share}:${r.dueDate}:${d}`,
        reason: 'contract-share-due',
        subject: { type: 'contract', id: r.contractId },
        customerId: r.customerId,
        label: `${r.number} ${r.customerName}, share ${r.share} (${shareName}) due ${r.dueDate}`,
        audience: 'sales-owner',
        to: owner?.email && !skip ? [owner.email] : [],
        skipReason: skip,
        mail: {
          template: 'reminder-contract-share-due',
          locale: internal,
          data: {
            number: r.number,
            customerName: r.customerName,
            share: r.share,
            shareName,
            percent: r.percent,
            dueDate: r.dueDate,
            daysLeft,
            overdue,
            outstanding: r.outstanding,
            currency: r.currency,
          },
        },
        ...(overdue ? { endedOn: r.dueDate } : {}),
      });
    }
    return out;
  }

  /** GET /api/reminders: newest first; a sales user sees the reminders about their own customers. */
  async list(user: AuthUser, page: number, pageSize: number, filter: ReminderListFilter = {}) {
    if (filter.reason && !(REMINDER_REASONS as readonly string[]).includes(filter.reason))
      throw AppException.badRequest(
        ReminderError.REMINDER_REASON_UNKNOWN,
        `No reminder reason ${filter.reason}: one of ${REMINDER_REASONS.join(', ')}`,
        { reason: filter.reason },
      );
    if (filter.status && !(REMINDER_STATUSES as readonly string[]).includes(filter.status))
      throw AppException.badRequest(
        ReminderError.REMINDER_STATUS_UNKNOWN,
        `No reminder status ${filter.status}: one of ${REMINDER_STATUSES.join(', ')}`,
        { status: filter.status },
      );
    const scope = await this.ownership.customerScope(user, filter.customerId);
    const [rows, total] = await this.reminders.list(pageSize, (page - 1) * pageSize, {
      customerIds: scope,
      reason: filter.reason,
      status: filter.status,
      customerId: filter.customerId,
    });
    return { items: rows.map(view), total, page, pageSize };
  }

  /** GET /api/reminders/runs: the latest days' runs (the daily job and runs by hand), newest first. */
  async runs(limit = 14): Promise<ReminderRunView[]> {
    return (await this.reminders.lastRuns(limit)).map(runView);
  }

  /** A customer's opt-out: no customer-facing reminder while set. 404 CUSTOMER_NOT_FOUND. */
  async setCustomerOptOut(customerId: string, optedOut: boolean): Promise<{ customerId: string; optedOut: boolean }> {
    if (!(await this.customers.find(customerId)))
      throw AppException.notFound(CustomerError.CUSTOMER_NOT_FOUND, 'No such customer', { customerId });
    await this.reminders.setOptOut('customer', customerId, optedOut);
    return { customerId, optedOut };
  }

  /** Whether the customer and the calling user opted out (the customer and account pages show it). */
  async optOuts(
    user: AuthUser,
    customerId?: string,
  ): Promise<{ userOptedOut: boolean; customerOptedOut: boolean | null }> {
    return {
      userOptedOut: await this.reminders.isOptedOut('user', user.id),
      customerOptedOut: customerId ? await this.reminders.isOptedOut('customer', customerId) : null,
    };
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

function runView(r: ReminderRun): ReminderRunView {
  return { day: r.day, jobId: r.jobId, sent: r.sent, skipped: r.skipped, lastRunAt: r.lastRunAt };
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
