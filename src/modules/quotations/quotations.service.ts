import { createHash } from 'node:crypto';
import { HttpStatus, Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { QuotationError } from './quotations.errors.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { ProductError, ProductQuery, canSeeFloorPrice, ProductsService, type ProductView } from '../products/index.js';
import { CustomersService, CustomerQuery } from '../customers/index.js';
import { compare, dec, round2, type Amount } from '../../common/money.js';
import type { Page } from '../../common/pagination.js';
import { todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AppConfig } from '../../config/app-config.js';
import { endOfDay, hashToken, newToken } from '../../common/public-links/link-token.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import { OutboxService } from '../outbox/index.js';
import type { Locale } from '../../rendering/rendering.types.js';
import { AuditService, SYSTEM_ACTOR, type AuditEvent } from '../audit/index.js';
import { type AuthUser, canSeePrices, hidePricesFor, type Role, OwnershipService } from '../auth/index.js';
import { redactAmounts } from '../../common/amount-redaction.js';
import { CompanyService, companyProfileNotSet, type CompanyProfileWithSeals } from '../company/index.js';
import { DocumentsService, type DocumentView, DocumentIssuer } from '../documents/index.js';
import { DemoDataRegistry } from '../setup/index.js';
import { DEMO_QUOTATIONS } from './demo-data.js';
import type { RenderFormat } from './dto/quotation-query.dto.js';
import type { QuotationQuery } from './dto/quotation-query.dto.js';
import type {
  CreateQuotationDto,
  DeliveryTermsDto,
  PaymentShareDto,
  QuotationLineDto,
  UpdateQuotationDto,
} from './dto/quotation.dto.js';
import {
  effectiveUnitPrice,
  fitsAmountColumn,
  lineAmounts,
  checkPaymentTerms,
  totals,
  type Totals,
} from './quotation-amounts.js';
import { quotationDocument } from './quotation-document.js';
import type { QuotationLine } from './quotation-line.entity.js';
import type { BelowFloorLine, DeliveryTerms, PaymentShare, QuotationRevision } from './quotation-revision.entity.js';
import {
  editMode,
  effectiveStatus,
  transition,
  type QuotationAction,
  type QuotationStatus,
  type StoredStatus,
} from './quotation-status.js';
import type { Quotation } from './quotation.entity.js';
import type { QuotationAnswer } from './quotation-link.types.js';
import { QuotationsRepository, type LineData, type RevisionData } from './quotations.repository.js';
import { checkVersion, type ExpectedVersion } from '../../common/versioning/record-version.js';

export interface SendOptions {
  /** Mail the issued PDF with its acceptance link to this address. */
  sendTo?: string;
  locale?: Locale;
}

/**
 * Who acts on a quotation: a signed-in user, or the demo data loader acting as a named person (its audit
 * entries are the system's; the approval names the person).
 */
export interface QuotationActor {
  id: string | null;
  name: string;
  roles: Role[];
}

export interface QuotationLineView {
  line: number;
  productId: string | null;
  productCode: string | null;
  name: string;
  specification: string | null;
  qty: string;
  unit: string;
  unitPrice: Amount;
  discount: string;
  taxRate: string;
  net: Amount;
  tax: Amount;
  /** net + tax */
  total: Amount;
  /** The product's current floor price and whether the price after discount is below it (floor-price roles only). */
  floorPrice?: Amount | null;
  belowFloor?: boolean;
}

export interface ApprovalView {
  by: { id: string | null; name: string };
  at: Date;
  reason?: string | null;
  /** the lines approved below their floor price */
  belowFloorLines?: BelowFloorLine[];
}

export interface RevisionSummary {
  revision: number;
  issueDate: DateOnly;
  validUntil: DateOnly;
  createdBy: { id: string | null; name: string };
  createdAt: Date;
}

/** A customer's answer through the acceptance link of a sent revision (quotation_links). */
export interface CustomerAnswerView {
  revision: number;
  answer: QuotationAnswer;
  at: Date;
  name: string;
  position: string | null;
  /** why they declined, or a remark with an acceptance */
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  sentTo: string;
  /** The document version they were sent and its PDF's sha256; recordVersion: the version with the record page. */
  document: { id: string; sentVersion: number; sha256: string; recordVersion: number | null };
}

/** A sent quotation about to expire, as the reminders read it (no prices). */
export interface ExpiringQuotation {
  id: string;
  number: string;
  customerId: string;
  customerName: string;
  validUntil: DateOnly;
}

/** An acceptance link as the quotation's page shows it: where it went, until when, and its state. */
export interface OnlineLinkView {
  revision: number;
  sentTo: string;
  sentAt: Date;
  expiresAt: Date;
  /** When the customer first opened its page or PDF; null: not yet. */
  openedAt: Date | null;
  /**
   * sent: not opened yet; opened: opened, not answered; expired: unanswered past its end; accepted / declined: the
   * customer's answer.
   */
  state: 'sent' | 'opened' | 'expired' | 'accepted' | 'declined';
}

/** A quotation at one revision (the current one unless asked otherwise), with every field. */
export interface QuotationView {
  id: string;
  number: string;
  /** The quotation's status today (expired derived from the current revision's validity date). */
  status: QuotationStatus;
  customer: { id: string; name: string };
  /** The revision shown here. */
  revision: number;
  currentRevision: number;
  projectName: string;
  currency: string;
  issueDate: DateOnly;
  validUntil: DateOnly;
  lines: QuotationLineView[];
  subtotal: Amount;
  taxTotal: Amount;
  total: Amount;
  paymentTerms: PaymentShare[];
  deliveryTerms: DeliveryTerms | null;
  notes: string | null;
  approval: ApprovalView | null;
  revisions: RevisionSummary[];
  /** What the customer answered through acceptance links, newest first (every revision). */
  customerAnswers: CustomerAnswerView[];
  /** Every acceptance link mailed (POST /send with sendTo), newest first, with its state. */
  onlineLinks: OnlineLinkView[];
  createdBy: { id: string | null; name: string };
  createdAt: Date;
  updatedAt: Date;
  /** The quotation's version (any change, a new revision included, raises it): the ETag of GET, If-Match of PATCH. */
  version: number;
}

export interface QuotationListItem {
  id: string;
  number: string;
  status: QuotationStatus;
  customer: { id: string; name: string };
  revision: number;
  projectName: string;
  currency: string;
  issueDate: DateOnly;
  validUntil: DateOnly;
  subtotal: Amount;
  taxTotal: Amount;
  total: Amount;
  createdAt: Date;
  updatedAt: Date;
}

/** Every price, amount, discount or commercial-term field: absent (not zero) for users who may not see prices. */
export const LINE_PRICE_FIELDS = [
  'unitPrice',
  'discount',
  'taxRate',
  'net',
  'tax',
  'total',
  'floorPrice',
  'belowFloor',
] as const;
export const QUOTATION_PRICE_FIELDS = ['subtotal', 'taxTotal', 'total', 'paymentTerms'] as const;

type Shown<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
export type QuotationLineViewFor = Shown<QuotationLineView, (typeof LINE_PRICE_FIELDS)[number]>;
export type QuotationViewFor = Shown<Omit<QuotationView, 'lines'>, (typeof QUOTATION_PRICE_FIELDS)[number]> & {
  lines: QuotationLineViewFor[];
};
export type QuotationListItemFor = Shown<QuotationListItem, 'subtotal' | 'taxTotal' | 'total'>;

/** The fields of a revision a change can set (the rest is bookkeeping). */
interface RevisionContent {
  projectName: string;
  currency: string;
  issueDate: DateOnly;
  validUntil: DateOnly;
  paymentTerms: PaymentShare[];
  deliveryTerms: DeliveryTerms | null;
  notes: string | null;
}

const isManager = (actor: QuotationActor) => actor.roles.includes('admin') || actor.roles.includes('manager');
const auditActor = (actor: QuotationActor): AuditEvent['actor'] =>
  actor.id === null ? SYSTEM_ACTOR : { id: actor.id, name: actor.name };

function paymentTerms(list: PaymentShareDto[]): PaymentShare[] {
  return list.map((s) => ({ percent: s.percent, event: s.event, days: s.days ?? null, label: s.label ?? null }));
}

function deliveryTerms(dto: DeliveryTermsDto | null | undefined): DeliveryTerms | null {
  if (!dto) return null;
  return {
    daysAfterAdvance: dto.daysAfterAdvance ?? null,
    date: dto.date ?? null,
    place: dto.place ?? null,
    incoterm: dto.incoterm ?? null,
  };
}

/** Rules on a revision's terms, checked before anything is written. */
function checkContent(c: RevisionContent): void {
  if (c.validUntil < c.issueDate) {
    throw AppException.badRequest(
      QuotationError.VALIDITY_BEFORE_ISSUE_DATE,
      'validUntil cannot be before the issue date',
      {
        issueDate: c.issueDate,
        validUntil: c.validUntil,
      },
    );
  }
  checkPaymentTerms(c.paymentTerms);
}

/** The revision's totals from its priced lines; refused when the total outgrows numeric(18,2). */
function revisionTotals(lines: LineData[]): Totals {
  const sums = totals(lines.map((l) => ({ net: l.net, tax: l.tax, total: round2(dec(l.net).plus(l.tax)) })));
  if (!fitsAmountColumn(sums.total)) {
    throw AppException.badRequest(ErrorCode.AMOUNT_TOO_LARGE, `The total ${sums.total} has more than 16 digits`, {
      total: sums.total,
    });
  }
  return sums;
}

function lineView(l: QuotationLine): QuotationLineView {
  return {
    line: l.position,
    productId: l.productId,
    productCode: l.productCode,
    name: l.name,
    specification: l.specification,
    qty: l.qty,
    unit: l.unit,
    unitPrice: l.unitPrice,
    discount: l.discount,
    taxRate: l.taxRate,
    net: l.net,
    tax: l.tax,
    total: round2(dec(l.net).plus(l.tax)),
  };
}

function approvalView(r: QuotationRevision): ApprovalView | null {
  if (!r.approvedAt) return null;
  return {
    by: { id: r.approvedBy, name: r.approvedByName ?? '' },
    at: r.approvedAt,
    reason: r.approvalReason,
    belowFloorLines: r.approvalBelowFloor ?? [],
  };
}

/** The lines whose price after discount is below their product's floor price (the price list as it is now). */
function belowFloor(lines: QuotationLineView[], products: Map<string, ProductView>) {
  return lines.flatMap((l) => {
    const p = l.productId ? products.get(l.productId) : undefined;
    if (!p || compare(effectiveUnitPrice(l), p.floorPrice) >= 0) return [];
    return [
      {
        line: l.line,
        productCode: p.code,
        unitPrice: l.unitPrice,
        discount: l.discount,
        effectiveUnitPrice: effectiveUnitPrice(l).toFixed(),
        floorPrice: p.floorPrice,
      },
    ];
  });
}

/**
 * Quotations: numbering, revisions, the status machine, the floor-price approval rule, price visibility and the
 * rendered document. Written by backoffice and sales; approved by backoffice or, below the floor price, only by a
 * manager; read by everyone, prices as the caller may see them.
 */
@Injectable()
export class QuotationsService implements OnModuleInit {
  constructor(
    private readonly quotations: QuotationsRepository,
    private readonly customers: CustomersService,
    private readonly products: ProductsService,
    private readonly company: CompanyService,
    private readonly documents: DocumentsService,
    private readonly issuer: DocumentIssuer,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly demo: DemoDataRegistry,
    private readonly ownership: OwnershipService,
    private readonly rendering: RenderingService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // After company (10), customers (20) and products (30): the demo quotations use them.
    this.demo.register({ name: 'quotations', order: 40, load: () => this.loadDemo() });
  }

  // ---- reading ----

  /** The quotation at its current revision (or revision `n`), every field: for other services. */
  async get(id: string, n?: number): Promise<QuotationView> {
    const found = await this.find(id, n);
    if (!found) throw notFound(id);
    return found;
  }

  /** The same, or null when there is no such quotation (a revision `n` it lacks is still 404 QUOTATION_REVISION_NOT_FOUND). */
  async find(id: string, n?: number): Promise<QuotationView | null> {
    const quotation = await this.quotations.findById(id);
    if (!quotation) return null;
    const current = await this.quotations.findRevision(id, quotation.revision);
    const shown = n === undefined || n === quotation.revision ? current : await this.quotations.findRevision(id, n);
    if (!current) throw new Error(`quotation ${id} has no revision ${quotation.revision}`);
    if (!shown) {
      throw AppException.notFound(
        QuotationError.QUOTATION_REVISION_NOT_FOUND,
        `Quotation ${quotation.number} has no revision ${n}`,
        {
          id,
          revision: n,
          currentRevision: quotation.revision,
        },
      );
    }
    const revisions = await this.quotations.revisions(id);
    return this.view(quotation, current, shown, revisions);
  }

  /** A quotation as this user may see it: no floor price below the floor-price roles, no price at all for production. */
  viewFor(user: Pick<AuthUser, 'roles'>, given: QuotationView): QuotationViewFor {
    const floor = canSeeFloorPrice(user);
    const view = canSeePrices(user) ? given : withoutAmountsInText(given);
    const lines = view.lines.map((l) => {
      const shown: QuotationLineViewFor = { ...l };
      if (!floor) {
        delete shown.floorPrice;
        delete shown.belowFloor;
      }
      return hidePricesFor(user, shown, LINE_PRICE_FIELDS);
    });
    // Who approved is no secret; why (often a price argument) and which lines were below the floor are.
    const approval =
      view.approval && !canSeePrices(user) ? { by: view.approval.by, at: view.approval.at } : view.approval;
    return hidePricesFor(user, { ...view, lines, approval } as QuotationViewFor, QUOTATION_PRICE_FIELDS);
  }

  /** Quotation numbers by id, for other modules' lists (tenders); unknown ids are left out. */
  async numbers(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.quotations.numbers([...new Set(ids)]);
    return new Map(rows.map((q) => [q.id, q.number]));
  }

  /**
   * For the reminders (a system reader, no user): sent quotations whose current revision's validity ends between
   * `from` and `to` (inclusive), with what a reminder names and no price.
   */
  async expiringBetween(from: DateOnly, to: DateOnly): Promise<ExpiringQuotation[]> {
    return this.quotations.sentValidUntilBetween(from, to);
  }

  async getFor(user: AuthUser, id: string, n?: number): Promise<QuotationViewFor> {
    return this.viewFor(user, await this.get(id, n));
  }

  async listFor(user: AuthUser, query: QuotationQuery): Promise<Page<QuotationListItemFor>> {
    const { page, pageSize, ...filter } = query;
    const today = todayIso();
    // A sales user lists only the quotations of customers they own (auth/ownership.ts).
    const customerIds = await this.ownership.customerScope(user, filter.customerId);
    const [rows, total] = await this.quotations.list(
      { ...filter, customerIds, q: filter.q?.trim() || undefined, today },
      page,
      pageSize,
    );
    const items = rows.map(({ quotation: q, current: r }) =>
      hidePricesFor<QuotationListItem, 'subtotal' | 'taxTotal' | 'total'>(
        user,
        {
          id: q.id,
          number: q.number,
          status: effectiveStatus(q.status, r.validUntil, today),
          customer: { id: q.customerId, name: q.customer?.name ?? '' },
          revision: q.revision,
          projectName: r.projectName,
          currency: r.currency,
          issueDate: r.issueDate,
          validUntil: r.validUntil,
          subtotal: r.subtotal,
          taxTotal: r.taxTotal,
          total: r.total,
          createdAt: q.createdAt,
          updatedAt: q.updatedAt,
        },
        ['subtotal', 'taxTotal', 'total'],
      ),
    );
    return { items, total, page, pageSize };
  }

  // ---- writing: each returns the quotation as the actor may see it ----

  async create(actor: QuotationActor, dto: CreateQuotationDto): Promise<QuotationViewFor> {
    const content: RevisionContent = {
      projectName: dto.projectName,
      currency: dto.currency ?? 'CNY',
      issueDate: dto.issueDate ?? todayIso(),
      validUntil: dto.validUntil,
      paymentTerms: paymentTerms(dto.paymentTerms),
      deliveryTerms: deliveryTerms(dto.deliveryTerms),
      notes: dto.notes ?? null,
    };
    checkContent(content);
    return this.tx.run(async () => {
      const customer = await this.customers.requireActive(dto.customerId);
      this.ownership.assert(
        actor,
        { salesOwnerId: customer.salesOwner?.id ?? null },
        'customerId is a customer of another sales owner',
        {
          field: 'customerId',
          customerId: dto.customerId,
        },
      );
      const lines = await this.buildLines(dto.lines, content.currency, new Set());
      const sums = revisionTotals(lines);
      // The number is taken last, after every check, so the counter row stays locked as briefly as possible.
      const year = Number(todayIso().slice(0, 4));
      const number = `Q${year}-${String(await this.quotations.nextSequence(year)).padStart(4, '0')}`;
      const quotation = await this.quotations.createQuotation({
        number,
        customerId: dto.customerId,
        status: 'draft',
        revision: 1,
        createdBy: actor.id,
        createdByName: actor.name,
      });
      await this.quotations.createRevision(this.revisionData(quotation.id, 1, content, sums, actor), lines);
      const saved = await this.get(quotation.id);
      await this.audit.record({
        actor: auditActor(actor),
        action: 'quotation.create',
        entityType: 'quotation',
        entityId: saved.id,
        details: { number, revision: 1, customerId: dto.customerId, total: saved.total, currency: saved.currency },
      });
      return this.viewFor(actor, saved);
    });
  }

  /**
   * Changes a quotation. A draft changes in place; once it has left the draft (submitted, approved, sent,
   * rejected, or expired after one of these) the change becomes revision N+1, a draft again, and the old
   * revision stays as it was. An accepted quotation is final (409 QUOTATION_LOCKED).
   */
  async update(
    actor: QuotationActor,
    id: string,
    dto: UpdateQuotationDto,
    ifMatch?: ExpectedVersion,
  ): Promise<QuotationViewFor> {
    return this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.quotations.lockVersion(id), { type: 'quotation', id });
      const quotation = await this.lock(id);
      const current = await this.mustFindRevision(quotation, quotation.revision);
      const mode = editMode(quotation.status);
      if (mode === 'locked') {
        throw AppException.conflict(
          QuotationError.QUOTATION_LOCKED,
          `Quotation ${quotation.number} was accepted and cannot change`,
          {
            id,
            status: quotation.status,
          },
        );
      }
      const newRevision = mode === 'new_revision';
      const content: RevisionContent = {
        projectName: dto.projectName ?? current.projectName,
        currency: dto.currency ?? current.currency,
        // A new revision is a new offer: dated today unless told otherwise.
        issueDate: dto.issueDate ?? (newRevision ? todayIso() : current.issueDate),
        validUntil: dto.validUntil ?? current.validUntil,
        paymentTerms: dto.paymentTerms ? paymentTerms(dto.paymentTerms) : current.paymentTerms,
        deliveryTerms: dto.deliveryTerms !== undefined ? deliveryTerms(dto.deliveryTerms) : current.deliveryTerms,
        notes: dto.notes !== undefined ? dto.notes : current.notes,
      };
      checkContent(content);
      // Products already on the quotation may stay on it after they leave the price list.
      const onQuotation = new Set((current.lines ?? []).flatMap((l) => (l.productId ? [l.productId] : [])));
      const lines = await this.buildLines(
        dto.lines ?? (current.lines ?? []).map(lineInput),
        content.currency,
        onQuotation,
      );
      const before = { revision: current.revision, status: quotation.status, total: current.total };

      if (newRevision) {
        const revision = quotation.revision + 1;
        await this.quotations.createRevision(
          this.revisionData(id, revision, content, revisionTotals(lines), actor),
          lines,
        );
        quotation.revision = revision;
        quotation.status = 'draft';
      } else {
        Object.assign(current, content, revisionTotals(lines));
        await this.quotations.saveRevision(current);
        await this.quotations.replaceLines(current.id, lines);
      }
      quotation.updatedAt = new Date(); // the quotation changed even when only its revision's row did
      await this.quotations.saveQuotation(quotation);
      const saved = await this.get(id);
      await this.audit.record({
        actor: auditActor(actor),
        action: newRevision ? 'quotation.revise' : 'quotation.update',
        entityType: 'quotation',
        entityId: id,
        details: {
          number: quotation.number,
          before,
          after: { revision: saved.revision, status: saved.status, total: saved.total },
          changed: Object.keys(dto),
        },
      });
      return this.viewFor(actor, saved);
    });
  }

  submit(actor: QuotationActor, id: string): Promise<QuotationViewFor> {
    return this.move(actor, id, 'submit');
  }

  /**
   * approved → sent. With `sendTo`, the approved revision is issued as a new signed PDF version of the quotation's
   * document and mailed there with its acceptance link (one per sent revision: quotation_links), all in one
   * transaction; the link's token exists in clear only in that mail. Without it, the quotation is only marked sent.
   */
  async send(actor: QuotationActor, id: string, options: SendOptions = {}): Promise<QuotationViewFor> {
    if (!options.sendTo) return this.move(actor, id, 'send');
    const sendTo = options.sendTo;
    this.outbox.checkRecipients([sendTo]); // 400 INVALID_EMAIL before anything is rendered
    const quotation = await this.get(id);
    // Checked again under the lock (before): this one spares a render that could not be sent.
    const step = transition(quotation.status, 'send');
    if (!step.ok) throw invalidTransition(quotation, 'send', step);
    const [company, customer] = await Promise.all([this.companyProfile(), this.customers.get(quotation.customer.id)]);
    const locale = await this.documentLocale(options.locale, customer);
    const rendered = await this.rendering.render({
      template: 'quotation',
      data: quotationDocument(quotation, company, customer, locale),
      formats: ['pdf'],
      sign: true,
      locale,
    });
    const pdf = rendered.files.find((f) => f.format === 'pdf')!;
    const token = newToken();
    const url = `${this.config.publicUrl.replace(/\/+$/, '')}/quotations/accept/${token}`;
    let locked: Quotation | null = null;
    await this.issuer.issue({
      actor: auditActor(actor),
      rendered,
      document: {
        type: 'quotation',
        subject: { type: 'quotation', id },
        record: { type: 'quotation', number: quotation.number },
        title: (title) => title,
        signed: true,
        bundle: false,
        auditDetails: { formats: ['pdf'], sentTo: sendTo },
      },
      before: async () => {
        locked = await this.lock(id);
        const revision = await this.mustFindRevision(locked, locked.revision);
        // What was rendered must still be what is on offer: a revision made meanwhile is sent on its own.
        if (locked.revision !== quotation.revision) {
          throw invalidTransition(quotation, 'send', { from: 'draft', to: 'sent' });
        }
        this.checkTransition(locked, revision, 'send');
      },
      effect: async (issued) => {
        const q = locked!;
        q.status = 'sent';
        await this.quotations.saveQuotation(q);
        const expiresAt = endOfDay(quotation.validUntil);
        await this.quotations.insertLink({
          quotationId: id,
          revision: q.revision,
          documentId: issued.documentId,
          documentVersion: issued.version,
          documentSha256: createHash('sha256').update(pdf.bytes).digest('hex'),
          tokenHash: hashToken(token),
          expiresAt,
          sentTo: sendTo,
          locale,
          answer: null,
          answeredAt: null,
          name: null,
          position: null,
          reason: null,
          ip: null,
          userAgent: null,
          auditVersion: null,
          createdBy: actor.id,
          createdByName: actor.name,
        });
        await this.audit.record({
          actor: auditActor(actor),
          action: 'quotation.send',
          entityType: 'quotation',
          entityId: id,
          details: {
            number: q.number,
            revision: q.revision,
            from: 'approved',
            to: 'sent',
            sentTo: sendTo,
            document: issued,
            linkExpiresAt: expiresAt.toISOString(),
          },
        });
        return {};
      },
      mails: () => [
        {
          key: `quotation:${id}:r${quotation.revision}:${sendTo.toLowerCase()}`,
          about: { type: 'quotation', id },
          audience: 'customer',
          to: [sendTo],
          template: 'quotation',
          locale,
          data: {
            number: quotation.number,
            revision: quotation.revision,
            customerName: quotation.customer.name,
            projectName: quotation.projectName,
            total: quotation.total,
            currency: quotation.currency,
            validUntil: quotation.validUntil,
            url,
            contact: [company.profile.legalNameZh, company.profile.phone].filter(Boolean).join(' '),
          },
          attach: [{ format: 'pdf', fileName: `${rendered.title}-${quotation.number}.pdf` }],
        },
      ],
    });
    return this.viewFor(actor, await this.get(id));
  }

  /**
   * The customer's answer through the acceptance link of `revision` (quotation-acceptance.service.ts), in the
   * caller's transaction: sent → accepted or rejected, audited as the customer. False, changing nothing, when the
   * quotation is no longer sent at that revision (revised, answered by staff, expired).
   */
  async recordCustomerAnswer(
    id: string,
    revision: number,
    action: 'accept' | 'reject',
    actor: { id: null; name: string },
    details: Record<string, unknown>,
  ): Promise<boolean> {
    const quotation = await this.lock(id);
    if (quotation.revision !== revision) return false;
    const current = await this.mustFindRevision(quotation, quotation.revision);
    const step = transition(effectiveStatus(quotation.status, current.validUntil, todayIso()), action);
    if (!step.ok) return false;
    quotation.status = step.to;
    await this.quotations.saveQuotation(quotation);
    await this.audit.record({
      actor,
      action: `quotation.${action}`,
      entityType: 'quotation',
      entityId: id,
      details: { number: quotation.number, revision, from: step.from, to: step.to, via: 'link', ...details },
    });
    return true;
  }

  accept(actor: QuotationActor, id: string): Promise<QuotationViewFor> {
    return this.move(actor, id, 'accept');
  }

  reject(actor: QuotationActor, id: string, reason?: string): Promise<QuotationViewFor> {
    return this.move(actor, id, 'reject', { reason: reason?.trim() || null });
  }

  /**
   * Approves the current revision. A line priced (after discount) below its product's floor price may be let
   * through only by a manager (or admin), with a reason: others get 403 BELOW_FLOOR_NEEDS_MANAGER listing the
   * lines, a manager without a reason 400 APPROVAL_REASON_REQUIRED. The approval records who, when and why.
   */
  async approve(actor: QuotationActor, id: string, reason?: string): Promise<QuotationViewFor> {
    const why = reason?.trim() || null;
    return this.tx.run(async () => {
      const quotation = await this.lock(id);
      const revision = await this.mustFindRevision(quotation, quotation.revision);
      const step = this.checkTransition(quotation, revision, 'approve');
      const lines = (revision.lines ?? []).map(lineView);
      const below = belowFloor(lines, await this.productMap(lines));
      if (below.length && !isManager(actor)) {
        // Only floor-price roles may approve at all (backoffice, manager), so the floor prices can be listed.
        throw AppException.forbidden(
          QuotationError.BELOW_FLOOR_NEEDS_MANAGER,
          `Lines ${below.map((b) => `${b.line} (${b.productCode})`).join(', ')} are below the floor price: only a manager can approve`,
          { lines: canSeeFloorPrice(actor) ? below : below.map((b) => ({ line: b.line, productCode: b.productCode })) },
        );
      }
      if (below.length && !why) {
        throw AppException.badRequest(
          ErrorCode.APPROVAL_REASON_REQUIRED,
          'Approving prices below the floor price needs a reason ({ "reason": "…" })',
          { lines: below.map((b) => ({ line: b.line, productCode: b.productCode })) },
        );
      }
      revision.approvedBy = actor.id;
      revision.approvedByName = actor.name;
      revision.approvedAt = new Date();
      revision.approvalReason = why;
      revision.approvalBelowFloor = below.map((b) => ({ line: b.line, productCode: b.productCode }));
      await this.quotations.saveRevision(revision);
      return this.finishMove(actor, quotation, step, {
        approvedBy: { id: actor.id, name: actor.name },
        reason: why,
        belowFloor: below,
      });
    });
  }

  /**
   * Renders the current revision as the customer gets it (template `quotation`, signed) and stores it as a new
   * version of the quotation's document, through the document issuer (nothing is mailed). Only an approved revision
   * goes out (409 QUOTATION_NOT_APPROVED).
   */
  async render(actor: AuthUser, id: string, formats: RenderFormat[], locale?: Locale): Promise<DocumentView> {
    const quotation = await this.get(id);
    if (!quotation.approval) {
      throw AppException.conflict(
        QuotationError.QUOTATION_NOT_APPROVED,
        `Revision ${quotation.revision} of ${quotation.number} has not been approved: only approved quotations are rendered`,
        { id, revision: quotation.revision, status: quotation.status },
      );
    }
    const [company, customer] = await Promise.all([this.companyProfile(), this.customers.get(quotation.customer.id)]);
    const docLocale = await this.documentLocale(locale, customer);
    const asked = [...new Set(formats)];
    const issued = await this.issuer.issue({
      actor,
      render: {
        template: 'quotation',
        data: quotationDocument(quotation, company, customer, docLocale),
        formats: asked.filter((f): f is Exclude<RenderFormat, 'bundle'> => f !== 'bundle'),
        sign: true,
        locale: docLocale,
      },
      document: {
        type: 'quotation',
        subject: { type: 'quotation', id },
        record: { type: 'quotation', number: quotation.number },
        title: (rendered) => rendered,
        bundle: asked.includes('bundle'),
        auditDetails: { formats: asked },
      },
    });
    return this.documents.get(issued.documentId);
  }

  // ---- internals ----

  private async move(
    actor: QuotationActor,
    id: string,
    action: Exclude<QuotationAction, 'approve'>,
    details: Record<string, unknown> = {},
  ): Promise<QuotationViewFor> {
    return this.tx.run(async () => {
      const quotation = await this.lock(id);
      const revision = await this.mustFindRevision(quotation, quotation.revision);
      return this.finishMove(actor, quotation, this.checkTransition(quotation, revision, action), details);
    });
  }

  private checkTransition(
    quotation: Quotation,
    revision: QuotationRevision,
    action: QuotationAction,
  ): { from: QuotationStatus; to: StoredStatus; action: QuotationAction } {
    const step = transition(effectiveStatus(quotation.status, revision.validUntil, todayIso()), action);
    if (!step.ok) throw invalidTransition(quotation, action, step);
    return { from: step.from, to: step.to, action };
  }

  private async finishMove(
    actor: QuotationActor,
    quotation: Quotation,
    step: { from: QuotationStatus; to: StoredStatus; action: QuotationAction },
    details: Record<string, unknown>,
  ): Promise<QuotationViewFor> {
    quotation.status = step.to;
    await this.quotations.saveQuotation(quotation);
    await this.audit.record({
      actor: auditActor(actor),
      action: `quotation.${step.action}`,
      entityType: 'quotation',
      entityId: quotation.id,
      details: { number: quotation.number, revision: quotation.revision, from: step.from, to: step.to, ...details },
    });
    return this.viewFor(actor, await this.get(quotation.id));
  }

  /** Lines from the request, filled from the price list and priced (quotation-amounts.ts). */
  private async buildLines(
    input: QuotationLineDto[],
    currency: string,
    allowInactive: Set<string>,
  ): Promise<LineData[]> {
    const ids = input.flatMap((l) => (l.productId ? [l.productId] : []));
    const products = new Map((await this.products.findByIds(ids)).map((p) => [p.id, p]));
    return input.map((l, i) => {
      const field = `lines[${i}]`;
      const p = l.productId ? products.get(l.productId) : undefined;
      if (l.productId && !p) {
        throw AppException.unprocessable(ProductError.PRODUCT_NOT_FOUND, `${field}: no such product`, {
          field: `${field}.productId`,
          productId: l.productId,
        });
      }
      if (p && !p.active && !allowInactive.has(p.id)) {
        throw AppException.unprocessable(
          QuotationError.PRODUCT_INACTIVE,
          `${field}: product ${p.code} is no longer offered`,
          {
            field: `${field}.productId`,
            productCode: p.code,
          },
        );
      }
      // A price-list price is in the product's currency: mixing currencies would make the floor rule meaningless.
      if (p && p.currency !== currency) {
        throw AppException.unprocessable(
          ErrorCode.CURRENCY_MISMATCH,
          `${field}: product ${p.code} is priced in ${p.currency}, the quotation in ${currency}`,
          { field: `${field}.productId`, productCurrency: p.currency, currency },
        );
      }
      const pricing = {
        qty: l.qty,
        unitPrice: l.unitPrice ?? p!.listPrice, // the DTO requires unitPrice when there is no product
        discount: l.discount ?? '0',
        taxRate: l.taxRate ?? p?.taxRate ?? '13',
      };
      const amounts = lineAmounts(pricing);
      for (const [name, value] of Object.entries(amounts)) {
        if (!fitsAmountColumn(value)) {
          throw AppException.badRequest(
            ErrorCode.AMOUNT_TOO_LARGE,
            `${field}: the ${name} amount ${value} has more than 16 digits`,
            {
              field,
              [name]: value,
            },
          );
        }
      }
      return {
        productId: p?.id ?? null,
        productCode: p?.code ?? null,
        name: l.name ?? p!.nameZh,
        specification: l.specification !== undefined ? l.specification : (p?.specification ?? null),
        unit: l.unit ?? p!.unit,
        ...pricing,
        net: amounts.net,
        tax: amounts.tax,
      };
    });
  }

  private revisionData(
    quotationId: string,
    revision: number,
    content: RevisionContent,
    sums: Totals,
    actor: QuotationActor,
  ): RevisionData {
    return {
      quotationId,
      revision,
      ...content,
      ...sums,
      approvedBy: null,
      approvedByName: null,
      approvedAt: null,
      approvalReason: null,
      approvalBelowFloor: null,
      createdBy: actor.id,
      createdByName: actor.name,
    };
  }

  private async view(
    q: Quotation,
    current: QuotationRevision,
    shown: QuotationRevision,
    revisions: QuotationRevision[],
  ): Promise<QuotationView> {
    const lines = (shown.lines ?? []).map(lineView);
    const products = await this.productMap(lines);
    const links = await this.quotations.links(q.id);
    const answered = links
      .filter((l) => l.answer !== null)
      .sort((a, b) => b.answeredAt!.getTime() - a.answeredAt!.getTime());
    const now = new Date();
    for (const l of lines) {
      const p = l.productId ? products.get(l.productId) : undefined;
      l.floorPrice = p?.floorPrice ?? null;
      l.belowFloor = p ? compare(effectiveUnitPrice(l), p.floorPrice) < 0 : false;
    }
    return {
      id: q.id,
      number: q.number,
      status: effectiveStatus(q.status, current.validUntil, todayIso()),
      customer: { id: q.customerId, name: q.customer?.name ?? '' },
      revision: shown.revision,
      currentRevision: q.revision,
      projectName: shown.projectName,
      currency: shown.currency,
      issueDate: shown.issueDate,
      validUntil: shown.validUntil,
      lines,
      subtotal: shown.subtotal,
      taxTotal: shown.taxTotal,
      total: shown.total,
      paymentTerms: shown.paymentTerms,
      deliveryTerms: shown.deliveryTerms,
      notes: shown.notes,
      approval: approvalView(shown),
      revisions: revisions.map((r) => ({
        revision: r.revision,
        issueDate: r.issueDate,
        validUntil: r.validUntil,
        createdBy: { id: r.createdBy, name: r.createdByName },
        createdAt: r.createdAt,
      })),
      onlineLinks: links.map((l) => ({
        revision: l.revision,
        sentTo: l.sentTo,
        sentAt: l.createdAt,
        expiresAt: l.expiresAt,
        openedAt: l.openedAt,
        state:
          l.answer === 'accepted'
            ? 'accepted'
            : l.answer
              ? 'declined'
              : l.expiresAt < now
                ? 'expired'
                : l.openedAt
                  ? 'opened'
                  : 'sent',
      })),
      customerAnswers: answered.map((l) => ({
        revision: l.revision,
        answer: l.answer!,
        at: l.answeredAt!,
        name: l.name ?? '',
        position: l.position,
        reason: l.reason,
        ip: l.ip,
        userAgent: l.userAgent,
        sentTo: l.sentTo,
        document: {
          id: l.documentId,
          sentVersion: l.documentVersion,
          sha256: l.documentSha256,
          recordVersion: l.auditVersion,
        },
      })),
      createdBy: { id: q.createdBy, name: q.createdByName },
      createdAt: q.createdAt,
      updatedAt: q.updatedAt,
      version: q.version,
    };
  }

  private async productMap(lines: { productId: string | null }[]): Promise<Map<string, ProductView>> {
    const ids = lines.flatMap((l) => (l.productId ? [l.productId] : []));
    return new Map((await this.products.findByIds(ids)).map((p) => [p.id, p]));
  }

  /**
   * The template data of a quotation's current revision, as `send` renders it (quotationDocument), for a template
   * preview (templates module, TemplatePreviewRecords): nothing rendered or stored here.
   */
  async previewData(id: string, locale: Locale): Promise<unknown> {
    const quotation = await this.get(id);
    const [company, customer] = await Promise.all([this.companyProfile(), this.customers.get(quotation.customer.id)]);
    return quotationDocument(quotation, company, customer, locale);
  }

  /** For the customer: the language asked for, else the customer's, else the company's (company/document-locale.ts). */
  private documentLocale(requested: Locale | undefined, customer: { locale: Locale | null }): Promise<Locale> {
    return this.company.documentLocaleFor({ audience: 'customer', requested, customer });
  }

  /** The seller for the letterhead; without a profile there is nothing to put on the document (409). */
  private async companyProfile(): Promise<CompanyProfileWithSeals> {
    const company = await this.company.findProfileWithSeals();
    if (!company) throw companyProfileNotSet(HttpStatus.CONFLICT);
    return company;
  }

  private async lock(id: string): Promise<Quotation> {
    const quotation = await this.quotations.findByIdForUpdate(id);
    if (!quotation) throw notFound(id);
    return quotation;
  }

  private async mustFindRevision(quotation: Quotation, n: number): Promise<QuotationRevision> {
    const revision = await this.quotations.findRevision(quotation.id, n);
    if (!revision) throw new Error(`quotation ${quotation.id} has no revision ${n}`);
    return revision;
  }

  /** Two quotations of the demo company: one sent, one with a below-floor line approved by the general manager. */
  private async loadDemo(): Promise<void> {
    const [customers, products] = await Promise.all([
      this.customers.list(SYSTEM_ACTOR, Object.assign(new CustomerQuery(), { pageSize: 200 })),
      this.products.listFor(DEMO_READER, Object.assign(new ProductQuery(), { pageSize: 200 })),
    ]);
    const customerId = (name: string) => customers.items.find((c) => c.name === name)?.id;
    const productId = (code: string) => products.items.find((p) => p.code === code)?.id;
    const today = todayIso();
    for (const demo of DEMO_QUOTATIONS(today)) {
      const id = customerId(demo.customer);
      if (!id) throw new Error(`demo quotation: no demo customer ${demo.customer}`);
      const created = await this.create(DEMO_BACKOFFICE, {
        ...demo.quotation,
        customerId: id,
        lines: demo.quotation.lines.map(({ productCode, ...l }) => {
          const pid = productCode ? productId(productCode) : undefined;
          if (productCode && !pid) throw new Error(`demo quotation: no demo product ${productCode}`);
          return { ...l, ...(pid ? { productId: pid } : {}) };
        }),
      });
      await this.submit(DEMO_BACKOFFICE, created.id);
      await this.approve(DEMO_MANAGER, created.id, demo.approvalReason);
      if (demo.sent) await this.send(DEMO_BACKOFFICE, created.id);
    }
  }
}

/** The demo's people: the loader acts for them; audit entries are the system's (no such users exist). */
const DEMO_BACKOFFICE: QuotationActor = { id: null, name: '李静（销售内勤）', roles: ['backoffice'] };
const DEMO_MANAGER: QuotationActor = { id: null, name: '王志远（总经理）', roles: ['manager'] };
const DEMO_READER: AuthUser = { id: '00000000-0000-0000-0000-000000000000', name: 'system', roles: ['admin'] };

function invalidTransition(
  quotation: { id: string; number: string },
  action: QuotationAction,
  step: { from: QuotationStatus; to: StoredStatus },
): AppException {
  return AppException.conflict(
    ErrorCode.INVALID_TRANSITION,
    `Quotation ${quotation.number} is ${step.from}: it cannot become ${step.to} (${action})`,
    { id: quotation.id, action, from: step.from, to: step.to },
  );
}

function notFound(id: string): AppException {
  return AppException.notFound(QuotationError.QUOTATION_NOT_FOUND, 'No such quotation', { id });
}

/** A stored line as it would be sent again (a new revision carries the lines over unchanged). */
function lineInput(l: QuotationLine): QuotationLineDto {
  return {
    ...(l.productId ? { productId: l.productId } : {}),
    name: l.name,
    specification: l.specification,
    qty: l.qty,
    unit: l.unit,
    unitPrice: l.unitPrice,
    discount: l.discount,
    taxRate: l.taxRate,
  };
}

/** The quotation as production reads it: project name, line names and specifications, notes without its amounts. */
function withoutAmountsInText(view: QuotationView): QuotationView {
  const amounts = [
    ...view.lines.flatMap((l) => [l.unitPrice, l.net, l.tax, l.total, ...(l.floorPrice ? [l.floorPrice] : [])]),
    view.subtotal,
    view.taxTotal,
    view.total,
  ];
  const redact = (t: string | null) => redactAmounts(t, amounts);
  return {
    ...view,
    projectName: redact(view.projectName) ?? '',
    notes: redact(view.notes),
    lines: view.lines.map((l) => ({ ...l, name: redact(l.name) ?? '', specification: redact(l.specification) })),
    customerAnswers: view.customerAnswers.map((a) => ({ ...a, reason: redact(a.reason) })),
  };
}
