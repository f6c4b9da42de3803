import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { hashToken, isTokenShaped } from '../../common/public-links/link-token.js';
import type { PublicPage } from '../../common/public-links/public-page.js';
import { TransactionRunner } from '../../database/transaction.js';
import { appendPages } from '../../rendering/assembly/append.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import { CONTENT_TYPES } from '../../rendering/rendering.types.js';
import { TemplateEngine } from '../../rendering/templates/template-engine.js';
import { CompanyService } from '../company/index.js';
import { CustomersService } from '../customers/index.js';
import { DocumentIssuer, DocumentsService, type FileBytes, type IssueMail } from '../documents/index.js';
import { UsersService } from '../users/index.js';
import { parseAcceptance, type AcceptanceAnswer, type AcceptanceError } from './acceptance-answer.js';
import type { QuotationAnswer, QuotationLink } from './quotation-link.entity.js';
import { QuotationError } from './quotations.errors.js';
import { QuotationsRepository } from './quotations.repository.js';
import { QuotationsService, type QuotationView } from './quotations.service.js';
import {
  answeredPage,
  closedPage,
  expiredPage,
  invalidLinkPage,
  quotationPage,
  renderAcceptancePage,
  thanksPage,
  type AcceptancePage,
  type PageCompany,
} from './views/acceptance-page.js';
import { recordTime, type AcceptanceRecordData } from './views/acceptance-record.js';

type Lookup =
  | { kind: 'invalid' }
  | { kind: 'answered'; link: QuotationLink }
  | { kind: 'closed'; link: QuotationLink }
  | { kind: 'expired'; link: QuotationLink }
  | { kind: 'open'; link: QuotationLink };
type Closed = Exclude<Lookup, { kind: 'open' }>;

/** What the JSON form of the answer gets back. */
export interface AcceptanceRecorded {
  number: string;
  revision: number;
  answer: QuotationAnswer;
  at: string;
  /** accepted: the document version with the signed acceptance record appended */
  document: { id: string; version: number } | null;
}

const RECORD_TEMPLATE = 'quotation-acceptance-record';
const NOTICE_MAIL = 'quotation-accepted';

/** Refused inside the answer's transaction: the link was answered or closed meanwhile (rolled back, nothing kept). */
class LinkNoLongerOpen extends Error {}

/**
 * The customer's side of a sent quotation (no login): the page of its acceptance link, the PDF they were sent, and
 * their answer. An acceptance appends a signed acceptance record (who, when, from where, the hash of the PDF they
 * saw) to that PDF as a new version of the quotation's document, through the DocumentIssuer; accepted or declined,
 * the quotation moves on and its sales owner is told through the outbox.
 */
@Injectable()
export class QuotationAcceptanceService {
  constructor(
    private readonly repo: QuotationsRepository,
    private readonly quotations: QuotationsService,
    private readonly company: CompanyService,
    private readonly customers: CustomersService,
    private readonly users: UsersService,
    private readonly documents: DocumentsService,
    private readonly issuer: DocumentIssuer,
    private readonly rendering: RenderingService,
    private readonly templates: TemplateEngine,
    private readonly tx: TransactionRunner,
  ) {}

  /** GET /quotations/accept/{token}. */
  async page(token: string): Promise<PublicPage> {
    const found = await this.lookup(token);
    if (found.kind !== 'open') return this.closedPage(found);
    await this.repo.markOpened(found.link.id);
    return { status: 200, html: await this.quotationHtml(token, found.link, [], {}) };
  }

  /** The PDF the customer was sent, while the link is open. */
  async pdf(token: string): Promise<{ page: PublicPage } | FileBytes> {
    const found = await this.lookup(token);
    if (found.kind !== 'open') return { page: await this.closedPage(found) };
    await this.repo.markOpened(found.link.id);
    return this.documents.file(found.link.documentId, 'pdf', found.link.documentVersion);
  }

  /**
   * POST /quotations/accept/{token}: records the answer once. A refused form gives the page again with its errors
   * (400) and records nothing; with `json`, refusals are the API's error bodies and the answer comes back as data.
   */
  async answer(
    token: string,
    body: unknown,
    client: { ip: string | null; userAgent: string | null },
    json: boolean,
  ): Promise<{ page: PublicPage } | { recorded: AcceptanceRecorded }> {
    const found = await this.lookup(token);
    if (found.kind !== 'open') return this.refuse(found, json);
    const parsed = parseAcceptance(body);
    if (!parsed.answer) {
      if (json) {
        throw AppException.badRequest(
          ErrorCode.VALIDATION_FAILED,
          `Invalid answer: ${parsed.errors.map((e) => e.field).join(', ')}`,
          { fields: parsed.errors.map((e) => ({ field: e.field, messages: [`${e.field}: ${e.problem}`] })) },
        );
      }
      const values = {
        action: rawText(body, 'action'),
        name: rawText(body, 'name'),
        position: rawText(body, 'position'),
        reason: rawText(body, 'reason'),
      };
      return { page: { status: 400, html: await this.quotationHtml(token, found.link, parsed.errors, values) } };
    }
    const link = found.link;
    const quotation = await this.quotations.get(link.quotationId, link.revision);
    const at = new Date();
    let recorded: AcceptanceRecorded;
    try {
      recorded =
        parsed.answer.action === 'accept'
          ? await this.accept(link, quotation, parsed.answer, client, at)
          : await this.decline(link, quotation, parsed.answer, client, at);
    } catch (err) {
      if (!(err instanceof LinkNoLongerOpen)) throw err;
      // Answered or closed between the lookup and the transaction: say so, as a fresh request would be told.
      const again = await this.lookup(token);
      return this.refuse(again.kind === 'open' ? { kind: 'closed', link: again.link } : again, json);
    }
    if (json) return { recorded };
    const company = await this.pageCompany();
    return {
      page: {
        status: 200,
        html: this.render(
          thanksPage({
            locale: link.locale,
            company,
            number: quotation.number,
            answer: recorded.answer,
            name: parsed.answer.name,
            at,
          }),
        ),
      },
    };
  }

  // ---- the two answers ----

  private async accept(
    link: QuotationLink,
    quotation: QuotationView,
    answer: AcceptanceAnswer,
    client: { ip: string | null; userAgent: string | null },
    at: Date,
  ): Promise<AcceptanceRecorded> {
    // The PDF the customer was sent, checked against the hash kept when it was sent.
    const seen = await this.documents.file(link.documentId, 'pdf', link.documentVersion);
    if (seen.file.sha256 !== link.documentSha256) {
      throw new Error(`quotation link ${link.id}: the stored PDF is not the one sent (sha256 differs)`);
    }
    const data: AcceptanceRecordData = {
      quotationNo: quotation.number,
      revision: quotation.revision,
      projectName: quotation.projectName,
      customerName: quotation.customer.name,
      total: quotation.total,
      currency: quotation.currency,
      name: answer.name,
      position: answer.position ?? '',
      remark: answer.reason,
      at: recordTime(at),
      ip: client.ip ?? '',
      userAgent: client.userAgent ?? '',
      sentTo: link.sentTo,
      documentVersion: link.documentVersion,
      documentSha256: link.documentSha256,
    };
    // Rendered, appended and signed outside any transaction (Chromium holds no lock), as the issuer would.
    const record = await this.rendering.render({
      template: RECORD_TEMPLATE,
      data,
      formats: ['pdf'],
      sign: false,
      locale: link.locale,
    });
    const doc = await this.documents.get(link.documentId);
    const merged = await appendPages(seen.bytes, record.files[0]!.bytes, doc.title);
    const signed = await this.rendering.signPdf(merged, { title: doc.title, locale: link.locale });
    const actor = customerActor(answer.name);
    const outcome = await this.issuer.issue({
      actor,
      rendered: {
        title: doc.title,
        locale: link.locale,
        templateVersions: record.templateVersions,
        files: [{ format: 'pdf', bytes: signed, contentType: CONTENT_TYPES.pdf, extension: 'pdf' }],
      },
      document: {
        type: 'quotation',
        subject: { type: 'quotation', id: quotation.id },
        record: { type: 'quotation', number: quotation.number },
        title: doc.title,
        signed: true,
        bundle: false,
        auditDetails: { acceptanceRecord: true, appendedTo: { version: link.documentVersion } },
      },
      before: () => this.lockOpen(link),
      effect: async (issued) => {
        await this.saveAnswer(link, 'accepted', answer, client, at, issued.version);
        const moved = await this.quotations.recordCustomerAnswer(quotation.id, link.revision, 'accept', actor, {
          name: answer.name,
          position: answer.position,
          remark: answer.reason,
          ip: client.ip,
          userAgent: client.userAgent,
          documentSha256: link.documentSha256,
          acceptanceRecord: issued,
        });
        if (!moved) throw new LinkNoLongerOpen();
        return {};
      },
      mails: () => this.ownerNotice(link, quotation, 'accepted', answer, at),
    });
    return {
      number: quotation.number,
      revision: link.revision,
      answer: 'accepted',
      at: at.toISOString(),
      document: { id: outcome.documentId, version: outcome.version },
    };
  }

  private async decline(
    link: QuotationLink,
    quotation: QuotationView,
    answer: AcceptanceAnswer,
    client: { ip: string | null; userAgent: string | null },
    at: Date,
  ): Promise<AcceptanceRecorded> {
    const mails = await this.ownerNotice(link, quotation, 'declined', answer, at);
    await this.tx.run(async () => {
      await this.lockOpen(link);
      await this.saveAnswer(link, 'declined', answer, client, at, null);
      const actor = customerActor(answer.name);
      const moved = await this.quotations.recordCustomerAnswer(quotation.id, link.revision, 'reject', actor, {
        name: answer.name,
        position: answer.position,
        reason: answer.reason,
        ip: client.ip,
        userAgent: client.userAgent,
        documentSha256: link.documentSha256,
      });
      if (!moved) throw new LinkNoLongerOpen();
      // About the version the customer saw; nothing new is issued for a decline.
      await this.issuer.mail(actor, { documentId: link.documentId, version: link.documentVersion }, mails);
    });
    return {
      number: quotation.number,
      revision: link.revision,
      answer: 'declined',
      at: at.toISOString(),
      document: null,
    };
  }

  /** The link locked and still unanswered (else the transaction rolls back and the caller shows the closed page). */
  private async lockOpen(link: QuotationLink): Promise<void> {
    const row = await this.repo.findLinkForUpdate(link.id);
    if (!row || row.answer !== null || row.expiresAt.getTime() < Date.now()) throw new LinkNoLongerOpen();
  }

  private saveAnswer(
    link: QuotationLink,
    answer: QuotationAnswer,
    given: AcceptanceAnswer,
    client: { ip: string | null; userAgent: string | null },
    at: Date,
    auditVersion: number | null,
  ): Promise<void> {
    return this.repo.saveAnswer(link.id, {
      answer,
      answeredAt: at,
      name: given.name,
      position: given.position,
      reason: given.reason,
      ip: client.ip,
      userAgent: client.userAgent,
      auditVersion,
    });
  }

  /**
   * The sales owner's notice (none when the customer has no sales owner with an e-mail address), with the PDF it is
   * about attached: the new version with the acceptance record, or the version that was declined.
   */
  private async ownerNotice(
    link: QuotationLink,
    quotation: QuotationView,
    answer: QuotationAnswer,
    given: AcceptanceAnswer,
    at: Date,
  ): Promise<IssueMail[]> {
    const customer = await this.customers.get(quotation.customer.id);
    const ownerId = customer.salesOwner?.id;
    const email = ownerId ? (await this.users.names([ownerId])).get(ownerId)?.email : null;
    if (!email) return [];
    return [
      {
        key: `quotation-answer:${link.id}`,
        about: { type: 'quotation', id: quotation.id },
        audience: 'sales-owner',
        to: [email],
        template: NOTICE_MAIL,
        locale: link.locale,
        data: {
          answer,
          number: quotation.number,
          revision: link.revision,
          customerName: quotation.customer.name,
          projectName: quotation.projectName,
          total: quotation.total,
          currency: quotation.currency,
          name: given.name,
          position: given.position,
          reason: given.reason,
          at: at.toISOString(),
          documentSha256: link.documentSha256,
        },
        attach: [{ format: 'pdf', fileName: `${quotation.number}-r${link.revision}-${answer}.pdf` }],
      },
    ];
  }

  // ---- the link ----

  private async lookup(token: string): Promise<Lookup> {
    // Found by the hash of what was presented (an indexed lookup): no secret is compared in our code.
    if (!isTokenShaped(token)) return { kind: 'invalid' };
    const link = await this.repo.findLinkByTokenHash(hashToken(token));
    if (!link) return { kind: 'invalid' };
    if (link.answer !== null) return { kind: 'answered', link };
    const quotation = await this.repo.findById(link.quotationId);
    if (!quotation || quotation.revision !== link.revision || quotation.status !== 'sent') {
      return { kind: 'closed', link };
    }
    if (link.expiresAt.getTime() < Date.now()) return { kind: 'expired', link };
    return { kind: 'open', link };
  }

  private async refuse(found: Closed, json: boolean): Promise<{ page: PublicPage }> {
    if (json) throw closedError(found);
    return { page: await this.closedPage(found) };
  }

  private async closedPage(found: Closed): Promise<PublicPage> {
    if (found.kind === 'invalid') return { status: 404, html: this.render(invalidLinkPage()) };
    const company = await this.pageCompany();
    const { link } = found;
    switch (found.kind) {
      case 'expired':
        return { status: 410, html: this.render(expiredPage(link.locale, company)) };
      case 'closed':
        return { status: 409, html: this.render(closedPage(link.locale, company)) };
      case 'answered': {
        const number = (await this.quotations.numbers([link.quotationId])).get(link.quotationId) ?? '';
        const at = link.answeredAt ?? link.createdAt;
        return {
          status: 409,
          html: this.render(answeredPage({ locale: link.locale, company, number, answer: link.answer!, at })),
        };
      }
    }
  }

  private async quotationHtml(
    token: string,
    link: QuotationLink,
    errors: AcceptanceError[],
    values: { action?: string; name?: string; position?: string; reason?: string },
  ): Promise<string> {
    return this.render(
      quotationPage({
        locale: link.locale,
        company: await this.pageCompany(),
        quotation: await this.quotations.get(link.quotationId, link.revision),
        path: `/quotations/accept/${token}`, // token-shaped (checked by lookup): nothing to escape
        errors,
        values,
      }),
    );
  }

  private render(page: AcceptancePage): string {
    return renderAcceptancePage(this.templates, page);
  }

  private async pageCompany(): Promise<PageCompany | null> {
    const p = await this.company.findProfile();
    return p ? { name: p.legalNameZh, nameEn: p.legalNameEn, phone: p.phone } : null;
  }
}

/** The audit log keeps a null actor id for whoever is not a user, named as they typed. */
function customerActor(name: string): { id: null; name: string } {
  return { id: null, name: `customer: ${name}`.slice(0, 100) };
}

/** A field of the posted form as typed (shown again with the errors). */
function rawText(body: unknown, key: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function closedError(found: Closed): AppException {
  switch (found.kind) {
    case 'invalid':
      return AppException.notFound(QuotationError.QUOTATION_LINK_INVALID, 'This quotation link is not valid');
    case 'expired':
      return new AppException(410, QuotationError.QUOTATION_LINK_EXPIRED, 'This quotation link has expired');
    case 'closed':
      return AppException.conflict(
        QuotationError.QUOTATION_LINK_CLOSED,
        'This quotation has been revised or answered since the link was sent',
      );
    case 'answered':
      return AppException.conflict(QuotationError.QUOTATION_LINK_ANSWERED, 'This quotation link has been answered', {
        answer: found.link.answer,
        at: found.link.answeredAt,
      });
  }
}
