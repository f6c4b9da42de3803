import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { compare, type Amount } from '../../common/money.js';
import type { Page } from '../../common/pagination.js';
import { todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { AppConfig } from '../../config/app-config.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import type { DocumentFormat, Locale } from '../../rendering/rendering.types.js';
import { AuditService } from '../audit/index.js';
import { type AuthUser, OwnershipService } from '../auth/index.js';
import { CompanyError, CompanyService } from '../company/index.js';
import { CustomersService, type CustomerView } from '../customers/index.js';
import { DocumentIssuer, DocumentsService, type FileBytes, type IssueMail } from '../documents/index.js';
import { JobsService } from '../jobs/index.js';
import { OutboxService, type OutboxMessageView } from '../outbox/index.js';
import { ReminderReadModel } from '../read-models/index.js';
import { DunningService, ReceivablesService, type OverdueCustomer } from '../receivables/index.js';
import { billingEmail, StatementsService } from '../statements/index.js';
import type { DunningLetter, DunningLetterItem } from './dunning-letter.entity.js';
import { levelDue, type DunningLevel } from './dunning-level.js';
import { DUNNING_MAIL, type DunningMailData } from './dunning.mail.js';
import { DunningError } from './dunning.errors.js';
import { DunningRepository } from './dunning.repository.js';
import { itemDescription, letterTemplateData, letterTotal, type LetterCompany } from './views/dunning-letter.view.js';

export type Actor = Pick<AuthUser, 'id' | 'name'>;

const TEMPLATE = 'dunning-letter';
export const DOCUMENT_TYPE = 'dunning-letter';
const SUBJECT = 'dunning-letter' as const;
/** The job behind POST /api/dunning/run. */
export const DUNNING_RUN_JOB = 'dunning.run';

/** Why a letter is not mailed (the list and the letter say it; it is never skipped silently). */
export const NO_BILLING_EMAIL = 'NO_BILLING_EMAIL';

const STATEMENT_FILE: Record<Locale, string> = { 'zh-CN': '对账单', en: 'Statement', es: 'Estado-de-cuenta' };

export interface DunningLetterView {
  id: string;
  number: string;
  customer: { id: string; name: string };
  level: DunningLevel;
  issuedOn: DateOnly;
  currency: string;
  locale: Locale;
  total: Amount;
  maxDaysOverdue: number;
  items: DunningLetterItem[];
  document: { id: string; version: number };
  statementId: string | null;
  /** Not mailed: why (NO_BILLING_EMAIL); null when it was mailed. */
  mailSkipReason: string | null;
  mail: { id: string; to: string[]; cc: string[]; status: string; lastError: string | null; sentAt: Date | null }[];
  createdAt: Date;
  createdBy: { id: string | null; name: string };
}

export interface DunningListEntry {
  customer: { id: string; name: string };
  salesOwner: { id: string; name: string | null } | null;
  total: Amount;
  maxDaysOverdue: number;
  itemCount: number;
  /** The level due today (null: overdue, but younger than the first threshold). */
  levelDue: DunningLevel | null;
  /** Today's letter at that level, if issued already (issuing again returns it). */
  issuedToday: boolean;
  lastLetter: { id: string; number: string; level: DunningLevel; issuedOn: DateOnly; documentId: string } | null;
  billingEmail: string | null;
  /** Why a letter would not be mailed (NO_BILLING_EMAIL), or null. */
  mailSkipReason: string | null;
}

export interface DunningList {
  asOf: DateOnly;
  thresholds: { friendly: number; firm: number; final: number };
  customers: DunningListEntry[];
}

export interface IssuedLetter {
  letter: DunningLetterView;
  /** False when today's letter at this level existed already: nothing was issued or mailed again. */
  created: boolean;
}

/**
 * Dunning letters (催款函, issue #21): one letter per customer listing every overdue share with its age, the total
 * in figures and in 大写, at a level chosen by the oldest item's age (AppConfig.dunning, never a level down within a
 * period unless paid: dunning-level.ts). Issued through DocumentIssuer.issue (signed PDF + DOCX, the letter's row,
 * its audit entry and its mail in one transaction); mailed to the billing contact with the customer's current
 * statement attached, Cc the sales owner.
 */
@Injectable()
export class DunningLettersService implements OnModuleInit {
  private readonly logger = new Logger('Dunning');

  constructor(
    private readonly letters: DunningRepository,
    private readonly overdue: DunningService,
    private readonly receivables: ReceivablesService,
    private readonly customers: CustomersService,
    private readonly company: CompanyService,
    private readonly statements: StatementsService,
    private readonly rendering: RenderingService,
    private readonly issuer: DocumentIssuer,
    private readonly documents: DocumentsService,
    private readonly outbox: OutboxService,
    private readonly reads: ReminderReadModel,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly ownership: OwnershipService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ actor: Actor; locale?: Locale }>(
      DUNNING_RUN_JOB,
      async ({ actor, locale }) => ({ ...(await this.runAll(actor, locale)) }),
      { kind: 'render', bounded: false },
    );
  }

  private get thresholds() {
    return this.config.dunning.levelDays;
  }

  /** GET /api/dunning: every overdue customer (a sales user: their own) with the level due and the last letter. */
  async list(user: AuthUser): Promise<DunningList> {
    const asOf = todayIso();
    const overdue = await this.overdue.overdue(user, { asOf });
    const ids = overdue.customers.map((c) => c.customer.id);
    const latest = await this.letters.latest(ids);
    const customers = new Map((await this.customers.findByIds(ids)).map((c) => [c.id, c]));
    const entries = overdue.customers.map((c): DunningListEntry => {
      const last = latest.get(c.customer.id) ?? null;
      const level = this.levelOf(c, last);
      const customer = customers.get(c.customer.id);
      const email = customer ? billingEmail(customer) : null;
      return {
        customer: c.customer,
        salesOwner: c.salesOwner,
        total: c.overdue,
        maxDaysOverdue: c.maxDaysOverdue,
        itemCount: c.contracts.reduce((n, k) => n + k.shares.length, 0),
        levelDue: level,
        issuedToday: !!last && last.issuedOn === asOf && last.level === level,
        lastLetter: last && {
          id: last.id,
          number: last.number,
          level: last.level,
          issuedOn: last.issuedOn,
          documentId: last.documentId,
        },
        billingEmail: email,
        mailSkipReason: email ? null : NO_BILLING_EMAIL,
      };
    });
    return { asOf, thresholds: this.thresholds, customers: entries };
  }

  /**
   * POST /api/dunning/letters: today's letter for one customer at the level due. Idempotent per customer, level and
   * day: issuing again returns the letter (created false) and mails nothing. 404 CUSTOMER_NOT_FOUND;
   * 409 DUNNING_NOTHING_OVERDUE, DUNNING_NOT_DUE; 422 COMPANY_PROFILE_NOT_SET. A refusal writes nothing.
   */
  async issue(actor: Actor, customerId: string, request: { locale?: Locale } = {}): Promise<IssuedLetter> {
    const customer = await this.customers.get(customerId);
    const today = todayIso();
    const [due] = (await this.overdue.overdueFor({ asOf: today, customerId })).customers;
    if (!due) {
      throw AppException.conflict(DunningError.DUNNING_NOTHING_OVERDUE, `${customer.name} has nothing overdue today`, {
        customerId,
        asOf: today,
      });
    }
    const last = (await this.letters.latest([customerId])).get(customerId) ?? null;
    const level = this.levelOf(due, last);
    if (!level) {
      throw AppException.conflict(
        DunningError.DUNNING_NOT_DUE,
        `The oldest overdue item of ${customer.name} is ${due.maxDaysOverdue} days overdue: a letter is due from ${this.thresholds.friendly} days`,
        { customerId, maxDaysOverdue: due.maxDaysOverdue, thresholds: this.thresholds },
      );
    }
    const earlier = await this.letters.findIssued(customerId, level, today);
    if (earlier) return { letter: await this.view(earlier), created: false };

    // For the customer: the language asked for, else the customer's, else the company's (company/document-locale.ts).
    const locale = await this.company.documentLocaleFor({ audience: 'customer', requested: request.locale, customer });
    const company = await this.letterCompany();
    const mailTo = billingEmail(customer);
    const ledger = await this.receivables.ledger(customerId, today);
    const invoicesOf = new Map<string, string[]>();
    for (const i of ledger.invoices) {
      if (i.contractId) invoicesOf.set(i.contractId, [...(invoicesOf.get(i.contractId) ?? []), i.number]);
    }
    const items: DunningLetterItem[] = due.contracts.flatMap((k) =>
      k.shares.map((s) => ({
        contractId: k.contractId,
        contractNumber: k.number,
        share: s.share,
        description: itemDescription(s, locale),
        invoices: invoicesOf.get(k.contractId) ?? [],
        dueDate: s.dueDate,
        daysOverdue: s.daysOverdue,
        amount: s.amount,
        outstanding: s.outstanding,
      })),
    );
    const total = letterTotal(items);
    const currency = ledger.customer.currency;
    // Mailed letters carry the customer's current statement: see currentStatement.
    const statement = mailTo ? await this.currentStatement(actor, customerId, today, locale) : null;

    const id = randomUUID();
    // The number in a short transaction of its own (no counter lock while Chromium prints), as statements do.
    const sequence = await this.letters.nextSequence(Number(today.slice(0, 4)));
    const number = `CS${today.slice(0, 4)}-${String(sequence).padStart(5, '0')}`;
    const rendered = await this.rendering.render({
      template: TEMPLATE,
      data: letterTemplateData({
        number,
        issuedOn: today,
        level,
        currency,
        company,
        customer: {
          name: customer.name,
          address: customer.address,
          contact: customer.billingContact
            ? { name: customer.billingContact.name, email: customer.billingContact.email }
            : null,
        },
        items,
        total,
      }),
      formats: ['pdf', 'docx'],
      sign: true,
      locale,
    });
    const owner = (await this.reads.salesOwners([customerId])).get(customerId);
    const mailKey = `dunning:${id}`;
    try {
      await this.issuer.issue<{ letterId: string }>({
        actor,
        rendered,
        document: {
          type: DOCUMENT_TYPE,
          subject: { type: SUBJECT, id },
          record: { type: SUBJECT, number },
          title: `${rendered.title} ${number}`,
          signed: true,
          bundle: false,
          fileBaseName: `dunning-letter-${number}`,
          auditDetails: { letterId: id, number, customerId, level },
        },
        // The mail is queued here rather than by the issuer's `mails`, so that the letter's row names its message:
        // the same transaction either way (DocumentIssuer.mail joins the caller's).
        effect: async (doc) => {
          const mails: IssueMail[] = mailTo
            ? [
                {
                  key: mailKey,
                  about: { type: SUBJECT, id },
                  audience: 'billing',
                  to: [mailTo],
                  cc: owner?.email && owner.email.toLowerCase() !== mailTo.toLowerCase() ? [owner.email] : [],
                  template: DUNNING_MAIL,
                  locale,
                  data: {
                    number,
                    level,
                    customerName: customer.name,
                    total,
                    currency,
                    itemCount: items.length,
                    oldestDays: due.maxDaysOverdue,
                    statementNumber: statement?.number ?? null,
                    contact: [company.name, company.phone].filter(Boolean).join(' '),
                  } satisfies DunningMailData,
                  attach: [{ format: 'pdf', fileName: `${rendered.title}-${number}.pdf` }],
                  attachments: statement
                    ? [
                        {
                          documentId: statement.document.id,
                          version: statement.document.version,
                          format: 'pdf',
                          fileName: `${STATEMENT_FILE[locale]}-${statement.number}.pdf`,
                        },
                      ]
                    : [],
                },
              ]
            : [];
          const queued = await this.issuer.mail(actor, doc, mails);
          await this.letters.insert({
            id,
            number,
            customerId,
            level,
            issuedOn: today,
            items,
            total,
            currency,
            locale,
            maxDaysOverdue: due.maxDaysOverdue,
            documentId: doc.documentId,
            documentVersion: doc.version,
            statementId: statement?.id ?? null,
            outboxMessageId: queued[mailKey] ?? null,
            mailSkipReason: mailTo ? null : NO_BILLING_EMAIL,
            createdBy: actor.id,
            createdByName: actor.name,
          });
          await this.audit.record({
            actor,
            action: 'dunning.issue',
            entityType: SUBJECT,
            entityId: id,
            details: {
              number,
              customerId,
              level,
              total,
              currency,
              items: items.length,
              maxDaysOverdue: due.maxDaysOverdue,
              documentId: doc.documentId,
              statementId: statement?.id ?? null,
              mailTo,
              mailSkipReason: mailTo ? null : NO_BILLING_EMAIL,
            },
          });
          return { letterId: id };
        },
      });
    } catch (e) {
      // Two requests for the same customer at once: the unique index (customer, level, day) let one through; the
      // other's transaction rolled back (its stored objects with it) and it answers with the winner's letter.
      const raced = isUniqueViolation(e) ? await this.letters.findIssued(customerId, level, today) : null;
      if (raced) return { letter: await this.view(raced), created: false };
      throw e;
    }
    return { letter: await this.get(id), created: true };
  }

  /**
   * Every overdue customer whose level is due and has no letter at that level today (POST /api/dunning/run's job).
   * One customer's failure is logged and counted; the others go on.
   */
  async runAll(actor: Actor, locale?: Locale): Promise<{ issued: number; existing: number; failed: number }> {
    const asOf = todayIso();
    const overdue = await this.overdue.overdueFor({ asOf });
    const latest = await this.letters.latest(overdue.customers.map((c) => c.customer.id));
    let issued = 0;
    let existing = 0;
    let failed = 0;
    for (const c of overdue.customers) {
      if (!this.levelOf(c, latest.get(c.customer.id) ?? null)) continue;
      try {
        const result = await this.issue(actor, c.customer.id, { locale });
        if (result.created) issued++;
        else existing++;
      } catch (e) {
        failed++;
        this.logger.error(`dunning letter for customer ${c.customer.id} failed: ${(e as Error).message}`);
      }
    }
    return { issued, existing, failed };
  }

  /** POST /api/dunning/run: the run as a job on the queue (202 with the job). */
  async startRun(user: AuthUser, request: { locale?: Locale }) {
    const actor = { id: user.id, name: user.name };
    return this.jobs.enqueue(DUNNING_RUN_JOB, { actor, locale: request.locale }, { id: user.id });
  }

  async get(id: string): Promise<DunningLetterView> {
    return this.view(await this.mustFind(id));
  }

  /** GET /api/dunning/letters: newest first; a sales user sees their own customers' letters. */
  async listLetters(
    user: AuthUser,
    filter: { customerId?: string },
    page: number,
    pageSize: number,
  ): Promise<Page<DunningLetterView>> {
    const customerIds = await this.ownership.customerScope(user, filter.customerId);
    const [rows, total] = await this.letters.list({ ...filter, customerIds }, page, pageSize);
    const items: DunningLetterView[] = [];
    for (const r of rows) items.push(await this.view(r));
    return { items, total, page, pageSize };
  }

  async file(id: string, format: DocumentFormat): Promise<FileBytes> {
    const row = await this.mustFind(id);
    return this.documents.file(row.documentId, format);
  }

  /** The owner of a letter is its customer's (auth/ownership.ts). */
  async ownerOf(id: string) {
    const row = await this.letters.findById(id);
    return row && this.ownership.ownerOf('customer', row.customerId);
  }

  // ---- helpers ----

  private levelOf(due: OverdueCustomer, last: DunningLetter | null): DunningLevel | null {
    return levelDue({
      maxDaysOverdue: due.maxDaysOverdue,
      thresholds: this.thresholds,
      items: due.contracts.flatMap((k) =>
        k.shares.map((s) => ({ contractId: k.contractId, share: s.share, outstanding: s.outstanding })),
      ),
      last: last && { level: last.level, items: last.items },
    });
  }

  /**
   * The statement the mail attaches. Decision (issue #21): the customer's latest statement when it is current —
   * issued today, as of today, and its closing balance still the account's (no payment or contract since) — else a
   * fresh as-of-today statement issued through the statements service's own issuing code. It is not mailed by
   * itself (it rides on the dunning mail) and so carries no confirmation code: the customer can still answer a
   * statement mailed by a statement run or by hand.
   */
  private async currentStatement(
    actor: Actor,
    customerId: string,
    today: DateOnly,
    locale: Locale,
  ): Promise<{ id: string; number: string; document: { id: string; version: number } }> {
    const [latest] = (await this.statements.list({ customerId }, 1, 1)).items;
    if (
      latest?.document &&
      latest.issuedOn === today &&
      latest.period.from === null &&
      latest.period.to === today &&
      latest.locale === locale &&
      compare(latest.closingBalance, (await this.receivables.account(customerId, today)).closingBalance) === 0
    ) {
      return { id: latest.id, number: latest.number, document: latest.document };
    }
    const { statement } = await this.statements.issue(actor, customerId, { from: null, to: today, locale });
    if (!statement.document) throw new Error(`statement ${statement.id} was issued without a document`);
    return { id: statement.id, number: statement.number, document: statement.document };
  }

  private async letterCompany(): Promise<LetterCompany> {
    const p = await this.company.findProfile();
    if (!p) {
      throw AppException.unprocessable(
        CompanyError.COMPANY_PROFILE_NOT_SET,
        'A dunning letter names its issuer and the account to pay into: set up the company profile first (PUT /api/company)',
      );
    }
    const bank = p.bankAccounts[0];
    return {
      name: p.legalNameZh,
      nameEn: p.legalNameEn,
      address: p.addressZh,
      phone: p.phone,
      taxId: p.creditCode,
      bank: bank ? { name: [bank.bankName, bank.branch].filter(Boolean).join(''), account: bank.accountNumber } : null,
    };
  }

  private async mustFind(id: string): Promise<DunningLetter> {
    const row = await this.letters.findById(id);
    if (!row) throw AppException.notFound(DunningError.DUNNING_LETTER_NOT_FOUND, 'No such dunning letter', { id });
    return row;
  }

  private async view(r: DunningLetter): Promise<DunningLetterView> {
    const [customer] = await this.customers.findByIds([r.customerId]);
    const mail = await this.outbox.forSubject(SUBJECT, r.id);
    return letterView(r, customer, mail);
  }
}

function letterView(
  r: DunningLetter,
  customer: CustomerView | undefined,
  mail: OutboxMessageView[],
): DunningLetterView {
  return {
    id: r.id,
    number: r.number,
    customer: { id: r.customerId, name: customer?.name ?? '' },
    level: r.level,
    issuedOn: r.issuedOn,
    currency: r.currency,
    locale: r.locale,
    total: r.total,
    maxDaysOverdue: r.maxDaysOverdue,
    items: r.items,
    document: { id: r.documentId, version: r.documentVersion },
    statementId: r.statementId,
    mailSkipReason: r.mailSkipReason,
    mail: mail.map((m) => ({
      id: m.id,
      to: m.to,
      cc: m.cc,
      status: m.status,
      lastError: m.lastError,
      sentAt: m.sentAt,
    })),
    createdAt: r.createdAt,
    createdBy: { id: r.createdBy, name: r.createdByName },
  };
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { driverError?: { code?: string } })?.driverError?.code === '23505';
}
