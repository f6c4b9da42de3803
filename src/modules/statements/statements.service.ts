import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { StatementError } from './statements.errors.js';
import { CompanyError, CompanyService } from '../company/index.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import type { Amount } from '../../common/money.js';
import type { Page } from '../../common/pagination.js';
import { addDays, todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { AppConfig } from '../../config/app-config.js';
import type { PublicPage } from '../../common/public-links/public-page.js';
import { TransactionRunner } from '../../database/transaction.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import { TemplateEngine } from '../../rendering/templates/template-engine.js';
import type { DocumentFormat, Locale } from '../../rendering/rendering.types.js';
import { AuditService } from '../audit/index.js';
import { type AuthUser, OwnershipService } from '../auth/index.js';
import { ContractsService } from '../contracts/index.js';
import { CustomersService, type CustomerView } from '../customers/index.js';
import { DocumentsService, type DocumentView, type FileBytes, DocumentIssuer } from '../documents/index.js';
import { InvoicesService } from '../invoices/index.js';
import { JobsService } from '../jobs/index.js';
import { OutboxService, type OutboxMessageView } from '../outbox/index.js';
import { PaymentsService } from '../payments/index.js';
import { buildStatement, ReceivablesService } from '../receivables/index.js';
import { parseAnswer, type AnswerError, type StatementAnswer } from './statement-answer.js';
import { codeMatches, hashCode, newCode } from './statement-code.js';
import { STATEMENT_MAIL, statementMailData } from './statement.mail.js';
import { confirmationUrl as urlFor, endOfDay, hashToken, isTokenShaped, newToken } from './statement-token.js';
import type {
  StatementFigures,
  StatementRecord,
  StatementResponse,
  StatementResponseStatus,
} from './statement.entity.js';
import { StatementsRepository, type StatementFilter } from './statements.repository.js';
import {
  answeredPage,
  expiredPage,
  invalidLinkPage,
  lockedPage,
  renderConfirmationPage,
  statementPage,
  thanksPage,
  type ConfirmationPage,
  type PageCompany,
} from './views/confirmation-page.js';
import {
  issuedFigures,
  issuedLines,
  lineRecords,
  templateData,
  type IssuedFigures,
  type LineSources,
  type StatementCompany,
} from './views/statement-document.js';

export type Actor = Pick<AuthUser, 'id' | 'name'>;

export interface IssueStatementRequest {
  /** null: an as-of statement (everything up to `to`). */
  from: DateOnly | null;
  to: DateOnly;
  locale?: Locale;
  /** Days the customer has to answer (reply-by date and token expiry); default STATEMENT_REPLY_DAYS. */
  replyDays?: number;
  /** Issued by a statement run. */
  runId?: string | null;
  /** The job issuing it: a retried job returns the statement it already issued instead of a second one. */
  jobId?: string | null;
  /**
   * Mail it to this address through the outbox, in the same transaction as the record (the mail carries the
   * confirmation link, whose token exists in clear only in the PDF and the mail, and the confirmation code, which
   * exists in clear only in the mail). null/omitted: not mailed, and so not answerable online (no code).
   */
  mailTo?: string | null;
}

export interface StatementView {
  id: string;
  number: string;
  customer: { id: string; name: string };
  period: { from: DateOnly | null; to: DateOnly };
  issuedOn: DateOnly;
  currency: string;
  locale: Locale;
  figures: StatementFigures;
  closingBalance: Amount;
  document: { id: string; version: number } | null;
  runId: string | null;
  replyBy: DateOnly;
  tokenExpiresAt: Date;
  /** Whether a confirmation code was mailed (the code itself is never shown), and answers tried with one. */
  confirmationCode: { sent: boolean; attempts: number; attemptsAllowed: number };
  response: { status: StatementResponseStatus; detail: StatementResponse | null };
  /** The outbox messages about it (GET shows their status). */
  mail: { id: string; to: string[]; status: string; attempts: number; lastError: string | null; sentAt: Date | null }[];
  createdAt: Date;
  createdBy: { id: string | null; name: string };
}

/** What POST /api/customers/{id}/statements asks for (the DTO, checked). */
export interface IssueForCustomerRequest {
  from?: DateOnly;
  to?: DateOnly;
  asOf?: DateOnly;
  locale?: Locale;
  replyDays?: number;
  sendTo?: string;
  sendToBilling?: boolean;
}

/** What the JSON form of the answer gets back. */
export interface AnswerRecorded {
  number: string;
  responseStatus: 'confirmed' | 'disputed';
  response: StatementResponse;
}

const TEMPLATE = 'customer-statement';
export const DOCUMENT_TYPE = 'customer-statement';
const SUBJECT = 'statement' as const;
/** The confirmation link printed on a template preview: not a token (isTokenShaped refuses it). */
const PREVIEW_TOKEN = 'template-preview';

type Lookup =
  | { kind: 'invalid' }
  | { kind: 'answered'; statement: StatementRecord }
  | { kind: 'expired'; statement: StatementRecord }
  | { kind: 'open'; statement: StatementRecord };

/**
 * Customer statements (对账单). SIGNATURES ARE SHARED: statement runs call `issue`.
 */
@Injectable()
export class StatementsService {
  constructor(
    private readonly statements: StatementsRepository,
    private readonly receivables: ReceivablesService,
    private readonly contracts: ContractsService,
    private readonly payments: PaymentsService,
    private readonly invoices: InvoicesService,
    private readonly customers: CustomersService,
    private readonly company: CompanyService,
    private readonly rendering: RenderingService,
    private readonly templates: TemplateEngine,
    private readonly documents: DocumentsService,
    private readonly issuer: DocumentIssuer,
    private readonly outbox: OutboxService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
    private readonly ownership: OwnershipService,
  ) {}

  /**
   * Computes the statement from the ledger, renders it (signed PDF + DOCX, the confirmation link printed on it),
   * stores the document and the record. Returns the view and the confirmation URL (the only time the token is
   * in clear; null when `jobId` finds the statement an earlier attempt of that job issued, which is returned). 404 CUSTOMER_NOT_FOUND; 422 on a period that ends before it starts or in the future.
   * With `mailTo`, the outbox message is written with the record (see IssueStatementRequest.mailTo).
   */
  async issue(
    actor: Actor,
    customerId: string,
    request: IssueStatementRequest,
  ): Promise<{ statement: StatementView; confirmationUrl: string | null; outboxMessageId: string | null }> {
    const issued = await this.issueRecord(actor, customerId, request);
    return {
      statement: await this.get(issued.statementId),
      confirmationUrl: issued.confirmationUrl,
      outboxMessageId: issued.outboxMessageId,
    };
  }

  /**
   * `issue` without reading the statement back: a statement run needs only the ids (the view is five queries, of
   * the ~50 a run's statement cost). confirmationUrl is null when an earlier attempt of the job had issued it.
   */
  async issueRecord(
    actor: Actor,
    customerId: string,
    request: IssueStatementRequest,
  ): Promise<{ statementId: string; confirmationUrl: string | null; outboxMessageId: string | null }> {
    const customer = await this.customers.get(customerId);
    const today = todayIso();
    const { from, to } = request;
    if ((from !== null && from > to) || to > today) {
      throw AppException.unprocessable(
        StatementError.STATEMENT_PERIOD_INVALID,
        from !== null && from > to
          ? `The period ends (${to}) before it starts (${from})`
          : `The statement cannot end after today (${today}): ${to}`,
        { from, to, today },
      );
    }
    if (request.jobId && !request.runId) {
      // Cheap check before any work (no number taken, nothing rendered): a retried job that already issued its
      // statement does nothing again. (The issuer checks once more under the job's lock, where it counts.) A run's
      // item job has just looked for the statement the run issued for this customer (StatementRunsService.renderItem):
      // no need to look here too.
      const earlier = await this.jobs.effectOf(request.jobId);
      if (earlier) return replayedEffect(earlier);
    }
    // For the customer: the request's language, else the customer's, else the company's (company/document-locale.ts).
    const locale = await this.company.documentLocaleFor({ audience: 'customer', requested: request.locale, customer });
    const replyDays = request.replyDays ?? this.config.statements.replyDays;
    if (request.mailTo) this.checkAddress(request.mailTo); // before anything is rendered or stored
    const company = await this.statementCompany();

    const ledger = await this.receivables.ledger(customerId, to);
    const statement = buildStatement({
      from,
      to,
      contracts: ledger.contracts,
      invoices: ledger.invoices,
      payments: ledger.payments,
    });
    const records = lineRecords(statement, ledger);
    const kinds = statement.lines.map((l) => l.kind);
    const sources = await this.lineSources({
      contracts: records.filter((_, i) => kinds[i] === 'contract'),
      payments: records.filter((_, i) => kinds[i] === 'payment'),
      invoices: records.filter((_, i) => kinds[i] === 'invoice'),
    });
    const figures = issuedFigures(statement, issuedLines(statement, ledger, sources, locale));

    const id = randomUUID();
    const replyBy = addDays(today, replyDays);
    const token = newToken();
    const url = urlFor(this.config.publicUrl, token);
    // The code answers for the customer: only the mail carries it (never the PDF/DOCX, the API or the audit log).
    const code = request.mailTo ? newCode() : null;
    // The number is taken in a short transaction of its own, so no counter lock is held while Chromium renders.
    // The price: a render or store that fails after this leaves a gap in the year's DZ numbers (the entity's
    // "gap-free" holds only for statements that were issued without such a failure).
    // One statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING): atomic by itself, no BEGIN/COMMIT around it.
    const sequence = await this.statements.nextSequence(Number(today.slice(0, 4)));
    const number = `DZ${today.slice(0, 4)}-${String(sequence).padStart(5, '0')}`;

    // Rendered here rather than by the issuer (`rendered`, not `render`): the mail's attachment is named after the
    // rendered title. Outside any transaction, as the issuer would.
    const rendered = await this.rendering.render({
      template: TEMPLATE,
      data: templateData({
        number,
        issuedOn: today,
        from,
        to,
        currency: ledger.customer.currency,
        company,
        customer: {
          name: customer.name,
          taxId: customer.taxId,
          address: customer.address,
          contact: customer.billingContact
            ? { name: customer.billingContact.name, email: customer.billingContact.email }
            : null,
        },
        figures,
        confirmation: { url, replyBy },
      }),
      formats: ['pdf', 'docx'],
      sign: true,
      locale,
    });

    const mailTo = request.mailTo ?? null;
    const outcome = await this.issuer.issue<{ statementId: string }>({
      actor,
      rendered,
      document: {
        type: DOCUMENT_TYPE,
        subject: { type: SUBJECT, id },
        record: { type: 'statement', number },
        title: `${rendered.title} ${number}`,
        signed: true,
        // A statement issued by hand also gets the signed bundle; a run's thousand do not (it was a third of a
        // run's time per statement, docs/benchmarks.md) and can be issued again by hand when one is wanted.
        bundle: !request.runId,
        fileBaseName: `statement-${number}`,
        auditDetails: { statementId: id, number, customerId },
      },
      // A retry of the job returns the statement its first attempt issued (and queues no second mail).
      jobId: request.jobId ?? undefined,
      effect: async (doc) => {
        await this.statements.insert({
          id,
          number,
          customerId,
          periodFrom: from,
          periodTo: to,
          issuedOn: today,
          currency: ledger.customer.currency,
          locale,
          figures,
          closingBalance: figures.closingBalance,
          documentId: doc.documentId,
          runId: request.runId ?? null,
          tokenHash: hashToken(token),
          tokenExpiresAt: endOfDay(replyBy),
          codeHash: code ? hashCode(token, code) : null,
          codeAttempts: 0,
          replyBy,
          responseStatus: 'pending',
          response: null,
          createdBy: actor.id,
          createdByName: actor.name,
        });
        await this.audit.record({
          actor,
          action: 'statement.issue',
          entityType: SUBJECT,
          entityId: id,
          details: {
            number,
            customerId,
            from,
            to,
            closingBalance: figures.closingBalance,
            documentId: doc.documentId,
            runId: request.runId ?? null,
            jobId: request.jobId ?? null,
            mailTo,
          },
        });
        return { statementId: id };
      },
      mails: () =>
        mailTo && code
          ? [
              {
                key: mailKey(id, mailTo),
                about: { type: SUBJECT, id },
                audience: 'billing',
                to: [mailTo],
                template: STATEMENT_MAIL,
                locale,
                data: statementMailData({
                  number,
                  customerName: customer.name,
                  from,
                  to,
                  closingBalance: figures.closingBalance,
                  currency: ledger.customer.currency,
                  replyBy,
                  url,
                  code,
                  company,
                }),
                attach: [{ format: 'pdf', fileName: `${rendered.title}-${number}.pdf` }],
              },
            ]
          : [],
    });
    if (outcome.replayed) return replayedEffect(outcome);
    return {
      statementId: outcome.statementId,
      confirmationUrl: url,
      outboxMessageId: mailTo ? (outcome.mail[mailKey(id, mailTo)] ?? null) : null,
    };
  }

  /**
   * POST /api/customers/{id}/statements: a period (from + to) or an as-of date (asOf, default today), mailed to
   * `sendTo` or to the customer's billing contact. Rendered synchronously: one statement is one small document.
   */
  async issueForCustomer(
    user: AuthUser,
    customerId: string,
    dto: IssueForCustomerRequest,
  ): Promise<{ statement: StatementView; confirmationUrl: string | null }> {
    let mailTo: string | null = dto.sendTo ?? null;
    if (dto.sendToBilling) {
      const customer = await this.customers.get(customerId);
      mailTo = billingEmail(customer);
      if (!mailTo) {
        throw AppException.unprocessable(
          StatementError.NO_BILLING_EMAIL,
          `${customer.name} has no billing contact with an e-mail address`,
          { customerId, billingContact: customer.billingContact?.name ?? null },
        );
      }
    }
    const period =
      dto.asOf !== undefined || (dto.from === undefined && dto.to === undefined)
        ? { from: null, to: dto.asOf ?? todayIso() }
        : { from: dto.from!, to: dto.to! };
    const { statement, confirmationUrl } = await this.issue(user, customerId, {
      ...period,
      locale: dto.locale,
      replyDays: dto.replyDays,
      mailTo,
    });
    return { statement, confirmationUrl };
  }

  /** A sales user lists only the statements of customers they own (auth/ownership.ts). */
  async listFor(user: AuthUser, filter: StatementFilter, page: number, pageSize: number): Promise<Page<StatementView>> {
    const customerIds = await this.ownership.customerScope(user, filter.customerId);
    return this.list({ ...filter, customerIds }, page, pageSize);
  }

  async list(filter: StatementFilter, page: number, pageSize: number): Promise<Page<StatementView>> {
    const [rows, total] = await this.statements.list(filter, page, pageSize);
    const customers = await this.customers.findByIds(rows.map((r) => r.customerId));
    const mail = await this.outbox.forSubjects(
      SUBJECT,
      rows.map((r) => r.id),
    );
    const docs: (DocumentView | null)[] = [];
    for (const r of rows) docs.push(r.documentId ? await this.documents.get(r.documentId) : null);
    const names = new Map(customers.map((c) => [c.id, c.name]));
    return {
      items: rows.map((r, i) =>
        view(r, names.get(r.customerId) ?? '', docs[i]?.latestVersion ?? null, mail.get(r.id) ?? [], this.codeAttempts),
      ),
      total,
      page,
      pageSize,
    };
  }

  async get(id: string): Promise<StatementView> {
    const row = await this.mustFind(id);
    // One after the other: inside a transaction (a job's replay) they share one connection.
    const customer = await this.customers.findByIds([row.customerId]);
    const mail = await this.outbox.forSubject(SUBJECT, id);
    const doc = row.documentId ? await this.documents.get(row.documentId) : null;
    return view(row, customer[0]?.name ?? '', doc?.latestVersion ?? null, mail, this.codeAttempts);
  }

  /**
   * The template data of an issued statement, as issueRecord rendered it (templateData over the figures kept on the
   * record, the company profile and the customer as they are now), for a template preview (templates module,
   * TemplatePreviewRecords): nothing rendered or stored here. The confirmation link is a placeholder: the token
   * exists in clear only in the customer's copy.
   */
  async previewData(id: string): Promise<Record<string, unknown>> {
    const row = await this.mustFind(id);
    const company = await this.statementCompany();
    const customer = await this.customers.get(row.customerId);
    return templateData({
      number: row.number,
      issuedOn: row.issuedOn,
      from: row.periodFrom,
      to: row.periodTo,
      currency: row.currency,
      company,
      customer: {
        name: customer.name,
        taxId: customer.taxId,
        address: customer.address,
        contact: customer.billingContact
          ? { name: customer.billingContact.name, email: customer.billingContact.email }
          : null,
      },
      figures: row.figures as IssuedFigures,
      confirmation: { url: urlFor(this.config.publicUrl, PREVIEW_TOKEN), replyBy: row.replyBy },
    });
  }

  async file(id: string, format: DocumentFormat): Promise<FileBytes> {
    const row = await this.mustFind(id);
    if (!row.documentId) {
      throw AppException.notFound(StatementError.STATEMENT_DOCUMENT_NOT_FOUND, 'The statement has no stored document', {
        id,
      });
    }
    return this.documents.file(row.documentId, format);
  }

  // ---- the confirmation page (no login) ----

  /** GET /statements/confirm/{token}. */
  async confirmationPage(token: string): Promise<PublicPage> {
    const found = await this.lookup(token);
    if (found.kind !== 'open') return this.closedPage(found);
    return { status: 200, html: await this.statementHtml(token, found.statement, [], {}) };
  }

  /** The PDF behind the page's link, while the link is open (not answered, not expired). */
  async confirmationPdf(token: string): Promise<{ page: PublicPage } | FileBytes> {
    const found = await this.lookup(token);
    if (found.kind !== 'open') return { page: await this.closedPage(found) };
    if (!found.statement.documentId) return { page: { status: 404, html: this.page(invalidLinkPage()) } };
    return this.documents.file(found.statement.documentId, 'pdf');
  }

  /**
   * POST /statements/confirm/{token}: records the answer once (confirmed or disputed), audited as the customer.
   * A refused form gives the page again with its errors (400) and records nothing. With `json`, the same refusals
   * are thrown as AppExceptions (the API's error body) and the answer comes back as data.
   */
  async answer(
    token: string,
    body: unknown,
    client: { ip: string | null; userAgent: string | null },
    json: boolean,
  ): Promise<{ page: PublicPage } | { recorded: AnswerRecorded }> {
    const found = await this.lookup(token);
    if (found.kind !== 'open') {
      if (json) throw closedError(found);
      return { page: await this.closedPage(found) };
    }
    const parsed = parseAnswer(body, found.statement.locale);
    if (!parsed.answer) {
      if (json) {
        throw AppException.badRequest(
          ErrorCode.VALIDATION_FAILED,
          `Invalid answer: ${parsed.errors.map((e) => e.field).join(', ')}`,
          { fields: parsed.errors.map((e) => ({ field: e.field, messages: [`${e.field}: ${e.problem}`] })) },
        );
      }
      const values = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      const text = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
      return {
        page: {
          status: 400,
          html: await this.statementHtml(token, found.statement, parsed.errors, {
            action: text('action'),
            amount: text('amount'),
            reason: text('reason'),
            name: text('name'),
          }),
        },
      };
    }
    const statement = found.statement;
    const answer: StatementAnswer = parsed.answer;
    const refusal = await this.checkCode(token, statement, answer.code);
    if (refusal) {
      if (json) throw refusal.error;
      if (refusal.kind === 'wrong') {
        const values = {
          action: answer.action,
          amount: rawText(body, 'amount'),
          reason: rawText(body, 'reason'),
          name: rawText(body, 'name'),
        };
        const html = await this.statementHtml(token, statement, [{ field: 'code', problem: 'wrong' }], values);
        return { page: { status: 400, html } };
      }
      return { page: { status: 403, html: this.page(lockedPage(statement.locale, await this.pageCompany())) } };
    }
    const response: StatementResponse = {
      status: answer.action === 'confirm' ? 'confirmed' : 'disputed',
      amount: answer.amount,
      reason: answer.reason,
      name: answer.name,
      at: new Date().toISOString(),
      ip: client.ip,
      userAgent: client.userAgent ? client.userAgent.slice(0, 500) : null,
    };
    const recorded = await this.tx.run(async () => {
      if (!(await this.statements.recordResponse(statement.id, response, new Date()))) return false;
      await this.audit.record({
        // The audit log keeps a null actor id for whoever is not a user; AuditEvent's type names only the system
        // (see the report on issue #7).
        actor: { id: null, name: `customer: ${answer.name}`.slice(0, 100) },
        action: response.status === 'confirmed' ? 'statement.confirm' : 'statement.dispute',
        entityType: SUBJECT,
        entityId: statement.id,
        details: {
          number: statement.number,
          customerId: statement.customerId,
          closingBalance: statement.closingBalance,
          amount: response.amount,
          reason: response.reason,
          name: response.name,
          ip: response.ip,
          userAgent: response.userAgent,
        },
      });
      return true;
    });
    if (!recorded) {
      // Answered (or expired) between the lookup and the update: say so, as a fresh request would be told.
      const again = await this.lookup(token);
      const closed: Exclude<Lookup, { kind: 'open' }> =
        again.kind === 'open' ? { kind: 'expired', statement: again.statement } : again;
      if (json) throw closedError(closed);
      return { page: await this.closedPage(closed) };
    }
    if (json) return { recorded: { number: statement.number, responseStatus: response.status, response } };
    const company = await this.pageCompany();
    return {
      page: {
        status: 200,
        html: this.page(
          thanksPage({
            locale: statement.locale,
            company: company ?? { name: '', nameEn: null, phone: null },
            number: statement.number,
            status: response.status,
            amount: response.amount ?? statement.closingBalance,
            currency: statement.currency,
            name: response.name ?? '',
            at: new Date(response.at),
          }),
        ),
      },
    };
  }

  // ---- helpers ----

  private get codeAttempts(): number {
    return this.config.statements.codeAttempts;
  }

  /**
   * The answer's confirmation code against the statement's. Each answer with a code takes one of the statement's
   * attempts before it is compared (so parallel guesses cannot exceed them); null when the code is right.
   */
  private async checkCode(
    token: string,
    statement: StatementRecord,
    code: string,
  ): Promise<{ kind: 'wrong' | 'closed'; error: AppException } | null> {
    if (!statement.codeHash) {
      return {
        kind: 'closed',
        error: AppException.forbidden(
          StatementError.STATEMENT_CODE_NOT_SENT,
          'This statement was not mailed with a confirmation code and cannot be answered online',
        ),
      };
    }
    if (!(await this.statements.takeCodeAttempt(statement.id, this.codeAttempts))) {
      return {
        kind: 'closed',
        error: AppException.forbidden(
          StatementError.STATEMENT_CODE_LOCKED,
          'Too many wrong confirmation codes: this statement can no longer be answered online',
          { attemptsAllowed: this.codeAttempts },
        ),
      };
    }
    if (codeMatches(token, code, statement.codeHash)) return null;
    return {
      kind: 'wrong',
      error: AppException.forbidden(
        StatementError.STATEMENT_CODE_INVALID,
        'The confirmation code does not match the one in the statement e-mail',
        { attemptsLeft: Math.max(0, this.codeAttempts - (statement.codeAttempts + 1)) },
      ),
    };
  }

  private async lookup(token: string): Promise<Lookup> {
    // Found by the hash of what was presented (an indexed lookup): no secret is compared in our code.
    if (!isTokenShaped(token)) return { kind: 'invalid' };
    const statement = await this.statements.findByTokenHash(hashToken(token));
    if (!statement) return { kind: 'invalid' };
    if (statement.responseStatus !== 'pending') return { kind: 'answered', statement };
    if (statement.tokenExpiresAt.getTime() < Date.now()) return { kind: 'expired', statement };
    return { kind: 'open', statement };
  }

  private async closedPage(found: Exclude<Lookup, { kind: 'open' }>): Promise<PublicPage> {
    switch (found.kind) {
      case 'invalid':
        return { status: 404, html: this.page(invalidLinkPage()) };
      case 'expired':
        return { status: 410, html: this.page(expiredPage(found.statement.locale, await this.pageCompany())) };
      case 'answered': {
        const company = await this.pageCompany();
        return {
          status: 409,
          html: this.page(
            answeredPage({
              locale: found.statement.locale,
              company: company ?? { name: '', nameEn: null, phone: null },
              number: found.statement.number,
              status: found.statement.responseStatus === 'disputed' ? 'disputed' : 'confirmed',
              at: found.statement.response?.at ?? found.statement.updatedAt.toISOString(),
            }),
          ),
        };
      }
    }
  }

  private async statementHtml(
    token: string,
    statement: StatementRecord,
    errors: AnswerError[],
    values: { action?: string; amount?: string; reason?: string; name?: string },
  ): Promise<string> {
    const [customer] = await this.customers.findByIds([statement.customerId]);
    const figures = statement.figures as IssuedFigures;
    // Attempts used, counting the wrong code this page answers (taken after `statement` was read).
    const used = statement.codeAttempts + (errors.some((e) => e.problem === 'wrong') ? 1 : 0);
    return this.page(
      statementPage({
        locale: statement.locale,
        company: (await this.pageCompany()) ?? { name: '', nameEn: null, phone: null },
        customerName: customer?.name ?? '',
        number: statement.number,
        from: statement.periodFrom,
        to: statement.periodTo,
        issuedOn: statement.issuedOn,
        replyBy: statement.replyBy,
        currency: statement.currency,
        openingBalance: figures.openingBalance,
        closingBalance: figures.closingBalance,
        totals: figures.totals,
        lines: figures.lines ?? [],
        aging: figures.aging,
        path: `/statements/confirm/${token}`, // token-shaped (checked by lookup): nothing to escape
        errors,
        values,
        answerable: !statement.codeHash ? 'notMailed' : used >= this.codeAttempts ? 'locked' : 'open',
      }),
    );
  }

  /** A confirmation page's HTML, from templates/statement-confirmation by the one template engine. */
  private page(page: ConfirmationPage): string {
    return renderConfirmationPage(this.templates, page);
  }

  /** 400 INVALID_EMAIL now, before a number is taken or anything rendered (the outbox would refuse it later). */
  private checkAddress(address: string): void {
    this.outbox.checkRecipients([address]);
  }

  private async pageCompany(): Promise<PageCompany | null> {
    const p = await this.company.findProfile();
    return p ? { name: p.legalNameZh, nameEn: p.legalNameEn, phone: p.phone } : null;
  }

  /** The issuer printed on the statement; a statement needs one (422 COMPANY_PROFILE_NOT_SET). */
  private async statementCompany(): Promise<StatementCompany> {
    const p = await this.company.findProfile();
    if (!p) {
      throw AppException.unprocessable(
        CompanyError.COMPANY_PROFILE_NOT_SET,
        'A statement names its issuer: set up the company profile first (PUT /api/company)',
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

  /** What the lines say besides the ledger's figures, asked of the modules that own the records. */
  private async lineSources(ids: {
    contracts: string[];
    payments: string[];
    invoices: string[];
  }): Promise<LineSources> {
    // One after the other: a caller's transaction has one connection.
    const contracts = await this.contracts.labels(ids.contracts);
    const payments = await this.payments.kindsOf(ids.payments);
    const invoices = await this.invoices.kindsOf(ids.invoices);
    return { contracts, payments, invoices };
  }

  private async mustFind(id: string): Promise<StatementRecord> {
    const row = await this.statements.findById(id);
    if (!row) throw AppException.notFound(StatementError.STATEMENT_NOT_FOUND, 'No such statement', { id });
    return row;
  }
}

/** A field of the posted form as typed (shown again with the errors). */
function rawText(body: unknown, key: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The billing contact's address: the contact marked billing, if it has an e-mail. */
export function billingEmail(customer: Pick<CustomerView, 'contacts' | 'billingContact'>): string | null {
  const contact = customer.billingContact ?? customer.contacts.find((c) => c.billing && c.email);
  return contact?.email?.trim() || null;
}

function closedError(found: Exclude<Lookup, { kind: 'open' }>): AppException {
  switch (found.kind) {
    case 'invalid':
      return AppException.notFound(StatementError.STATEMENT_LINK_INVALID, 'This confirmation link is not valid');
    case 'expired':
      return new AppException(410, StatementError.STATEMENT_LINK_EXPIRED, 'This confirmation link has expired');
    case 'answered':
      return AppException.conflict(
        StatementError.STATEMENT_ALREADY_ANSWERED,
        'This statement has been answered already',
        {
          status: found.statement.responseStatus,
          at: found.statement.response?.at ?? null,
        },
      );
  }
}

function view(
  r: StatementRecord,
  customerName: string,
  documentVersion: number | null,
  mail: OutboxMessageView[],
  attemptsAllowed: number,
): StatementView {
  return {
    id: r.id,
    number: r.number,
    customer: { id: r.customerId, name: customerName },
    period: { from: r.periodFrom, to: r.periodTo },
    issuedOn: r.issuedOn,
    currency: r.currency,
    locale: r.locale,
    figures: r.figures,
    closingBalance: r.closingBalance,
    document: r.documentId && documentVersion !== null ? { id: r.documentId, version: documentVersion } : null,
    runId: r.runId,
    replyBy: r.replyBy,
    tokenExpiresAt: r.tokenExpiresAt,
    confirmationCode: { sent: r.codeHash !== null, attempts: r.codeAttempts, attemptsAllowed },
    response: { status: r.responseStatus, detail: r.response },
    mail: mail.map((m) => ({
      id: m.id,
      to: m.to,
      status: m.status,
      attempts: m.attempts,
      lastError: m.lastError,
      sentAt: m.sentAt,
    })),
    createdAt: r.createdAt,
    createdBy: { id: r.createdBy, name: r.createdByName },
  };
}

/** One statement mail per statement and address, however often its job runs. */
function mailKey(statementId: string, address: string): string {
  return `statement:${statementId}:${address.toLowerCase()}`;
}

/**
 * What an earlier attempt of the job issued (the effect it saved): the statement and its mail, and no URL (the
 * token exists in clear only in the PDF and the mail). Effects saved before the issuer ({ statementId,
 * outboxMessageId }) read the same.
 */
function replayedEffect(effect: { statementId?: unknown; mail?: unknown; outboxMessageId?: unknown }): {
  statementId: string;
  confirmationUrl: null;
  outboxMessageId: string | null;
} {
  if (typeof effect.statementId !== 'string') {
    // A job's result is saved only by its effect or when it completes (and a completed job does not run again).
    throw new Error(`the job's saved effect names no statement: ${JSON.stringify(effect)}`);
  }
  const mail = typeof effect.mail === 'object' && effect.mail !== null ? Object.values(effect.mail) : [];
  const first = mail.find((m): m is string => typeof m === 'string');
  return {
    statementId: effect.statementId,
    confirmationUrl: null,
    outboxMessageId: first ?? (typeof effect.outboxMessageId === 'string' ? effect.outboxMessageId : null),
  };
}
