import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import {
  ContractError,
  contractRedactor,
  type ContractView,
  type ContractStatus,
  ContractsService,
} from '../contracts/index.js';
import { DeliveryError } from './deliveries.errors.js';
import type { Page } from '../../common/pagination.js';
import { todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import type { Locale } from '../../rendering/rendering.types.js';
import { AuditService } from '../audit/index.js';
import { hasRole, type AuthUser, canSeePrices, type Role, OwnershipService } from '../auth/index.js';
import { CompanyService } from '../company/index.js';
import { CustomersService } from '../customers/index.js';
import type { DocumentFormat } from '../../rendering/rendering.types.js';
import {
  DocumentsService,
  type DocumentView,
  type FileView,
  DocumentIssuer,
  type IssueOutcome,
  type IssueRequest,
} from '../documents/index.js';
import { JobsService } from '../jobs/index.js';
import { type OutboxStatus, OutboxService, type OutboxMessageView } from '../outbox/index.js';
import { ReceivablesService } from '../receivables/index.js';
import { DeliveriesRepository, type DeliveryPatch } from './deliveries.repository.js';
import type { Delivery, DeliveryGate, DeliveryItem, DeliveryStatus } from './delivery.entity.js';
import {
  checkItems,
  deliveryNumber,
  describeShare,
  formatQty,
  fullyDelivered,
  gateShares,
  lineProgress,
  requiredStatus,
  transition,
  type DeliveryAction,
  type LineProgress,
} from './delivery-rules.js';
import { MAIL_AUDIENCES, mailKey, noticeMails, type MailAudience } from './delivery.mail.js';
import { noticeData, type NoticeCompany } from './views/delivery-notice.view.js';

export const DELIVERY_JOB = 'delivery.render';
const TEMPLATE = 'delivery-notice';
const DOCUMENT_TYPE = 'delivery-notice';
export { MAIL_AUDIENCES, type MailAudience } from './delivery.mail.js';

/** Goods ship only on a contract in these statuses (also GET /api/meta's statusSets). */
export const SHIPPABLE: readonly ContractStatus[] = ['approved', 'active'];

type Actor = Pick<AuthUser, 'id' | 'name'>;

const subjectOf = (id: string) => ({ type: 'delivery' as const, id });
/** The transport details printed on the notice, which /ship may change. */
const TRANSPORT = ['carrier', 'driverName', 'driverPhone', 'licencePlate'] as const;
const sameTransport = (a: Pick<Delivery, (typeof TRANSPORT)[number]>, b: Pick<Delivery, (typeof TRANSPORT)[number]>) =>
  TRANSPORT.every((k) => a[k] === b[k]);

/**
 * The payment gate as a reader sees it: the unpaid shares' amounts and the approval's reason are for the roles
 * that deal with money; production and engineering read whether the notice was paid or approved, by whom and when.
 */
export type GateView =
  DeliveryGate | { result: DeliveryGate['result']; approvedBy: DeliveryGate['approvedBy']; at: string };

export interface DeliveryMailView {
  audience: MailAudience;
  /** The address it goes (or went) to; null: none known (status no_address). */
  to: string | null;
  /**
   * The outbox message's status; `no_address`: nobody to send it to (not an error); `not_queued`: the notice is
   * not rendered yet (the message is queued with the rendered PDF).
   */
  status: OutboxStatus | 'no_address' | 'not_queued';
  messageId: string | null;
  outboxId: string | null;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
}

export interface DeliveryDocumentView {
  id: string;
  latestVersion: number;
  versions: { version: number; createdAt: Date; signed: boolean; files: (FileView & { url: string })[] }[];
}

export interface DeliveryView {
  id: string;
  number: string;
  status: DeliveryStatus;
  contract: { id: string; number: string; projectName: string; projectNumber: string | null };
  customer: { id: string; name: string };
  items: DeliveryItem[];
  shipDate: DateOnly;
  estimatedArrival: DateOnly | null;
  consignee: string;
  address: string;
  contactPhone: string;
  customerEmail: string | null;
  carrier: string | null;
  driverName: string | null;
  driverPhone: string | null;
  licencePlate: string | null;
  remarks: string | null;
  gate: GateView;
  shippedAt: Date | null;
  arrivedOn: DateOnly | null;
  arrivalNote: string | null;
  document: DeliveryDocumentView | null;
  mail: DeliveryMailView[];
  /** The render-and-mail job (GET /api/jobs/{id} for the one who issued the notice or a manager). */
  renderJobId: string | null;
  createdBy: { id: string | null; name: string };
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryListItem {
  id: string;
  number: string;
  status: DeliveryStatus;
  contract: { id: string; number: string | null; projectNumber: string | null };
  customer: { id: string; name: string | null };
  items: DeliveryItem[];
  shipDate: DateOnly;
  estimatedArrival: DateOnly | null;
  consignee: string;
  gate: { result: DeliveryGate['result'] };
  shippedAt: Date | null;
  arrivedOn: DateOnly | null;
  documentId: string | null;
  createdAt: Date;
}

export interface RemainingView {
  contractId: string;
  contractNumber: string;
  revision: number;
  /** Every line has arrived in full (confirmed deliveries). */
  fullyDelivered: boolean;
  lines: LineProgress[];
}

export interface IssueInput {
  contractId: string;
  items: { line: number; qty: string }[];
  shipDate: DateOnly;
  estimatedArrival?: DateOnly;
  consignee: string;
  address: string;
  contactPhone: string;
  customerEmail?: string;
  carrier?: string;
  driverName?: string;
  driverPhone?: string;
  licencePlate?: string;
  remarks?: string;
  override?: { reason: string };
}

export interface ShipInput {
  shippedAt?: string;
  carrier?: string;
  driverName?: string;
  driverPhone?: string;
  licencePlate?: string;
}

/** How far ahead of the server's clock a shipping time may be (clocks of the people typing it differ a little). */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Delivery notices (发货通知单): issued against the payment gate (the shares due before delivery paid, or a
 * manager's approval with a reason), numbered FH{YYYY}-{SEQ:4} without gaps, never more than remains of a contract
 * line (issues on one contract queue on its row lock). After the commit the `delivery.render` job issues the
 * notice through the document issuer (signed PDF + DOCX) with its mails to production scheduling and to the customer
 * (templates/mail/delivery-notice, data from delivery.mail.ts) through the outbox. issued -> shipped -> delivered; the last arrival of a contract's goods records its on_delivery
 * milestone. Nothing here carries a price.
 */
@Injectable()
export class DeliveriesService implements OnModuleInit {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly contracts: ContractsService,
    private readonly customers: CustomersService,
    private readonly receivables: ReceivablesService,
    private readonly documents: DocumentsService,
    private readonly issuer: DocumentIssuer,
    private readonly outbox: OutboxService,
    private readonly jobs: JobsService,
    private readonly company: CompanyService,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly ownership: OwnershipService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ deliveryId: string; actor: Actor; reissue?: boolean }>(
      DELIVERY_JOB,
      ({ deliveryId, actor, reissue }, ctx) =>
        this.renderAndMail(deliveryId, actor, ctx.jobId, ctx.progress, reissue === true),
      // Queued after the notice committed: never refused for a full queue, or the notice would never go out.
      { kind: 'render', bounded: false, retryLimit: 8, retryDelaySeconds: 5, retryBackoff: true },
    );
  }

  // ---- issue ----

  /**
   * 404 CONTRACT_NOT_FOUND, 409 CONTRACT_NOT_APPROVED, 422 DELIVERY_LINE_UNKNOWN, 422 DELIVERY_EXCEEDS_REMAINING,
   * 409 PAYMENT_OUTSTANDING, 403 GATE_OVERRIDE_FORBIDDEN. A refusal writes nothing (no row, no number taken).
   */
  async issue(actor: AuthUser, input: IssueInput): Promise<DeliveryView> {
    const reason = overrideReason(actor, input);
    await this.ownership.checkReference(actor, 'contract', input.contractId, 'contractId');
    const id = await this.tx.run(async () => {
      // Issues on one contract queue here: the quantities read below cannot be taken by another notice meanwhile.
      const locked = await this.lockShippableContract(input.contractId);
      const contract = await this.contracts.get(locked.id);
      await this.checkRemaining(contract, input.items);
      const { gate, due } = await this.passGate(actor, contract, input, reason);
      const delivery = await this.createNotice(actor, input, contract, locked.customerId, gate);
      await this.recordIssue(actor, delivery, contract, input, due);
      await this.tx.afterCommit(async () => {
        await this.enqueueRender(actor, delivery.id);
      });
      return delivery.id;
    });
    return this.view(actor, id);
  }

  /** The contract locked for this issue; 409 CONTRACT_NOT_APPROVED unless it is approved or active. */
  private async lockShippableContract(contractId: string) {
    const locked = await this.contracts.lockForUpdate(contractId);
    if (!SHIPPABLE.includes(locked.status)) {
      throw AppException.conflict(
        ContractError.CONTRACT_NOT_APPROVED,
        `Contract ${locked.number} is ${locked.status}: goods ship only on an approved or active contract`,
        { contractId: locked.id, status: locked.status },
      );
    }
    return locked;
  }

  /** 422 DELIVERY_LINE_UNKNOWN, 422 DELIVERY_EXCEEDS_REMAINING: only lines of the contract, never more than remains. */
  private async checkRemaining(contract: ContractView, asked: IssueInput['items']): Promise<void> {
    const progress = lineProgress(contract.lines, await this.deliveries.forContract(contract.id));
    const check = checkItems(progress, asked);
    if (check.unknown.length) {
      throw AppException.unprocessable(
        DeliveryError.DELIVERY_LINE_UNKNOWN,
        `Contract ${contract.number} (revision ${contract.revision}) has no line ${check.unknown.join(', ')}`,
        {
          contractId: contract.id,
          revision: contract.revision,
          lines: check.unknown,
          known: progress.map((p) => p.line),
        },
      );
    }
    if (check.exceeding.length) {
      throw AppException.unprocessable(
        DeliveryError.DELIVERY_EXCEEDS_REMAINING,
        `More than remains to deliver on contract ${contract.number}: ` +
          check.exceeding.map((e) => `line ${e.line} asks ${e.asked}, ${e.remaining} remain`).join('; '),
        { contractId: contract.id, lines: check.exceeding },
      );
    }
  }

  /**
   * The payment gate: passed when the shares due before delivery are paid, or on a manager's approval with a reason
   * (overrideReason checked the role); otherwise 409 PAYMENT_OUTSTANDING listing the unpaid shares.
   */
  private async passGate(
    actor: AuthUser,
    contract: ContractView,
    input: IssueInput,
    reason: string | null,
  ): Promise<{ gate: DeliveryGate; due: ReturnType<typeof gateShares> }> {
    const due = gateShares(await this.receivables.dueBeforeDelivery(contract.id));
    const at = new Date().toISOString();
    if (!due.shares.length)
      return { gate: { result: 'paid', outstanding: [], approvedBy: null, reason: null, at }, due };
    if (!input.override || !reason) {
      throw AppException.conflict(
        DeliveryError.PAYMENT_OUTSTANDING,
        `Contract ${contract.number}: ${due.total} ${contract.currency} due before delivery is unpaid — ` +
          `${due.shares.map(describeShare).join('; ')}. Record the payments, or a manager issues the notice with override.reason`,
        {
          contractId: contract.id,
          contractNumber: contract.number,
          currency: contract.currency,
          shares: due.shares,
          totalDue: due.total,
        },
      );
    }
    return {
      gate: { result: 'approved', outstanding: due.shares, approvedBy: { id: actor.id, name: actor.name }, reason, at },
      due,
    };
  }

  /** The notice's row, numbered FH{YYYY}-{SEQ:4} (the year's counter, without gaps), its items from the contract. */
  private async createNotice(
    actor: AuthUser,
    input: IssueInput,
    contract: ContractView,
    customerId: string,
    gate: DeliveryGate,
  ): Promise<Delivery> {
    const year = Number(todayIso().slice(0, 4));
    const number = deliveryNumber(year, await this.deliveries.nextSequence(year));
    return this.deliveries.create({
      number,
      contractId: contract.id,
      customerId,
      items: itemsFrom(contract, input.items),
      shipDate: input.shipDate,
      estimatedArrival: input.estimatedArrival ?? null,
      consignee: input.consignee.trim(),
      address: input.address.trim(),
      contactPhone: input.contactPhone.trim(),
      customerEmail: input.customerEmail ?? (await this.firstContactEmail(customerId)),
      carrier: blankToNull(input.carrier),
      driverName: blankToNull(input.driverName),
      driverPhone: blankToNull(input.driverPhone),
      licencePlate: blankToNull(input.licencePlate),
      remarks: blankToNull(input.remarks),
      status: 'issued',
      gate,
      shippedAt: null,
      arrivedOn: null,
      arrivalNote: null,
      documentId: null,
      renderJobId: null,
      createdBy: actor.id,
      createdByName: actor.name,
    });
  }

  /** In the issue's transaction: the contract's before_delivery milestone, the audit entry and the gate's override. */
  private async recordIssue(
    actor: AuthUser,
    delivery: Delivery,
    contract: ContractView,
    input: IssueInput,
    due: ReturnType<typeof gateShares>,
  ): Promise<void> {
    const { gate, number } = delivery;
    await this.receivables.recordMilestone(actor, {
      contractId: contract.id,
      event: 'before_delivery',
      date: input.shipDate,
      source: 'delivery',
      deliveryId: delivery.id,
    });
    await this.audit.record({
      actor,
      action: 'delivery.issue',
      entityType: 'delivery',
      entityId: delivery.id,
      details: {
        number,
        contractId: contract.id,
        contractNumber: contract.number,
        items: delivery.items.map((i) => ({ line: i.line, qty: i.qty })),
        shipDate: input.shipDate,
        gate: gate.result,
        customerEmail: delivery.customerEmail,
      },
    });
    if (gate.result === 'approved') {
      await this.audit.record({
        actor,
        action: 'delivery.gate.override',
        entityType: 'delivery',
        entityId: delivery.id,
        details: {
          number,
          contractId: contract.id,
          contractNumber: contract.number,
          reason: gate.reason,
          outstanding: due.shares,
          totalDue: due.total,
        },
      });
    }
  }

  private async enqueueRender(actor: Actor, deliveryId: string, reissue = false): Promise<void> {
    const job = await this.jobs.enqueue(
      DELIVERY_JOB,
      { deliveryId, actor: { id: actor.id, name: actor.name }, ...(reissue ? { reissue: true } : {}) },
      actor,
    );
    await this.deliveries.update(deliveryId, { renderJobId: job.id });
  }

  /** The customer's first contact (by position) with an e-mail address, or null. */
  private async firstContactEmail(customerId: string): Promise<string | null> {
    const customer = await this.customers.get(customerId);
    return customer.contacts.find((c) => c.email)?.email ?? null;
  }

  // ---- status ----

  /** issued -> shipped, with the transport details known by then. 409 DELIVERY_STATUS_CONFLICT, 422 SHIPPED_AT_IN_FUTURE. */
  async ship(actor: AuthUser, id: string, input: ShipInput): Promise<DeliveryView> {
    const shippedAt = input.shippedAt ? new Date(input.shippedAt) : new Date();
    if (shippedAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw AppException.unprocessable(
        DeliveryError.SHIPPED_AT_IN_FUTURE,
        'shippedAt is in the future: record a shipment once the goods have left',
        {
          shippedAt: input.shippedAt,
        },
      );
    }
    await this.tx.run(async () => {
      const d = await this.mustLock(id);
      const to = this.mustTransition(d, 'ship');
      const transport: DeliveryPatch = {};
      for (const k of TRANSPORT) {
        if (input[k] !== undefined) transport[k] = blankToNull(input[k]);
      }
      await this.deliveries.update(id, { status: to, shippedAt, ...transport });
      // The notice already printed other transport details: a corrected version is rendered and mailed again. (Not yet
      // printed: its render job reads the new details, and renders again if they change while it prints.)
      if (d.documentId && !sameTransport(d, { ...d, ...transport })) {
        await this.tx.afterCommit(() => this.enqueueRender(actor, id, true));
      }
      await this.audit.record({
        actor,
        action: 'delivery.ship',
        entityType: 'delivery',
        entityId: id,
        details: { number: d.number, from: d.status, to, shippedAt: shippedAt.toISOString(), ...transport },
      });
    });
    return this.view(actor, id);
  }

  /**
   * shipped -> delivered: the arrival confirmed. When every line of the contract has then arrived in full, the
   * contract's on_delivery milestone is recorded (an earlier one stays). 409 DELIVERY_STATUS_CONFLICT,
   * 422 ARRIVAL_DATE_INVALID (before the goods shipped or in the future).
   */
  async deliver(actor: AuthUser, id: string, input: { arrivedOn: DateOnly; note?: string }): Promise<DeliveryView> {
    const found = await this.mustFind(id);
    await this.tx.run(async () => {
      // The contract first, as issue does: confirmations of one contract's notices queue up, so the last one sees
      // the others and records the milestone.
      await this.contracts.lockForUpdate(found.contractId);
      const d = await this.mustLock(id);
      const to = this.mustTransition(d, 'deliver');
      const shippedOn = d.shippedAt ? todayIso(d.shippedAt) : d.shipDate;
      const today = todayIso();
      if (input.arrivedOn < shippedOn || input.arrivedOn > today) {
        throw AppException.unprocessable(
          DeliveryError.ARRIVAL_DATE_INVALID,
          `arrivedOn ${input.arrivedOn} must be from ${shippedOn} (shipped) to ${today} (today)`,
          { arrivedOn: input.arrivedOn, shippedOn, today },
        );
      }
      await this.deliveries.update(id, {
        status: to,
        arrivedOn: input.arrivedOn,
        arrivalNote: blankToNull(input.note),
      });
      const contract = await this.contracts.get(d.contractId);
      const complete = fullyDelivered(lineProgress(contract.lines, await this.deliveries.forContract(d.contractId)));
      if (complete) {
        await this.receivables.recordMilestone(actor, {
          contractId: d.contractId,
          event: 'on_delivery',
          date: input.arrivedOn,
          source: 'delivery',
          deliveryId: id,
          overwrite: false,
        });
      }
      await this.audit.record({
        actor,
        action: 'delivery.deliver',
        entityType: 'delivery',
        entityId: id,
        details: {
          number: d.number,
          from: d.status,
          to,
          arrivedOn: input.arrivedOn,
          note: blankToNull(input.note),
          contractFullyDelivered: complete,
        },
      });
    });
    return this.view(actor, id);
  }

  /** issued -> cancelled: its quantities are free again. 409 DELIVERY_STATUS_CONFLICT. */
  async cancel(actor: AuthUser, id: string, reason: string): Promise<DeliveryView> {
    const found = await this.mustFind(id);
    await this.tx.run(async () => {
      await this.contracts.lockForUpdate(found.contractId);
      const d = await this.mustLock(id);
      const to = this.mustTransition(d, 'cancel');
      await this.deliveries.update(id, { status: to });
      await this.audit.record({
        actor,
        action: 'delivery.cancel',
        entityType: 'delivery',
        entityId: id,
        details: { number: d.number, from: d.status, to, reason: reason.trim() },
      });
    });
    return this.view(actor, id);
  }

  private mustTransition(d: Delivery, action: DeliveryAction): DeliveryStatus {
    const to = transition(d.status, action);
    if (!to) {
      throw AppException.conflict(
        DeliveryError.DELIVERY_STATUS_CONFLICT,
        `Delivery notice ${d.number} is ${d.status}: only an ${requiredStatus(action)} notice can be ${ACTION_DONE[action]}`,
        { id: d.id, status: d.status, action, requiredStatus: requiredStatus(action) },
      );
    }
    return to;
  }

  // ---- read ----

  async view(user: Pick<AuthUser, 'roles'>, id: string): Promise<DeliveryView> {
    const found = await this.mustFind(id);
    const contract = await this.contracts.get(found.contractId);
    // Production reads the free text without the contract's amounts, as in its contact sheet copy.
    const redact = canSeePrices(user) ? (t: string | null) => t : contractRedactor(contract);
    const d = canSeePrices(user) ? found : withoutAmountsInText(found, redact);
    const [doc, messages] = await Promise.all([
      d.documentId ? this.documents.get(d.documentId) : Promise.resolve(null),
      this.outbox.forSubject('delivery', d.id),
    ]);
    return {
      id: d.id,
      number: d.number,
      status: d.status,
      contract: {
        id: contract.id,
        number: contract.number,
        projectName: redact(contract.projectName) ?? '',
        projectNumber: contract.projectNumber,
      },
      customer: { id: contract.customer.id, name: contract.customer.name },
      items: d.items,
      shipDate: d.shipDate,
      estimatedArrival: d.estimatedArrival,
      consignee: d.consignee,
      address: d.address,
      contactPhone: d.contactPhone,
      customerEmail: d.customerEmail,
      carrier: d.carrier,
      driverName: d.driverName,
      driverPhone: d.driverPhone,
      licencePlate: d.licencePlate,
      remarks: d.remarks,
      gate: gateFor(user, d.gate),
      shippedAt: d.shippedAt,
      arrivedOn: d.arrivedOn,
      arrivalNote: d.arrivalNote,
      document: doc && documentView(d.id, doc),
      mail: MAIL_AUDIENCES.map((a) => this.mailView(d, a, messages)),
      renderJobId: d.renderJobId,
      createdBy: { id: d.createdBy, name: d.createdByName },
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    };
  }

  private mailView(d: Delivery, audience: MailAudience, messages: OutboxMessageView[]): DeliveryMailView {
    // The messages of the latest version (a corrected notice is mailed again under its own key).
    const base = mailKey(d.id, audience);
    const versionOf = (key: string) =>
      key === base ? 1 : key.startsWith(`${base}:v`) ? Number(key.slice(base.length + 2)) : 0;
    const m = messages.filter((x) => versionOf(x.key) > 0).sort((a, b) => versionOf(b.key) - versionOf(a.key))[0];
    if (m) {
      return {
        audience,
        to: m.to[0] ?? null,
        status: m.status,
        messageId: m.messageId,
        outboxId: m.id,
        attempts: m.attempts,
        lastError: m.lastError,
        sentAt: m.sentAt,
      };
    }
    const to = this.addressOf(d, audience);
    return {
      audience,
      to,
      status: to ? 'not_queued' : 'no_address',
      messageId: null,
      outboxId: null,
      attempts: 0,
      lastError: null,
      sentAt: null,
    };
  }

  private addressOf(d: Pick<Delivery, 'customerEmail'>, audience: MailAudience): string | null {
    switch (audience) {
      case 'production':
        return this.config.departmentEmails.production ?? null;
      case 'customer':
        return d.customerEmail;
    }
  }

  /** A sales user lists only the notices of customers they own (auth/ownership.ts). */
  async list(
    user: AuthUser,
    query: {
      contractId?: string;
      customerId?: string;
      status?: DeliveryStatus;
      page: number;
      pageSize: number;
    },
  ): Promise<Page<DeliveryListItem>> {
    const { page, pageSize, ...filter } = query;
    const customerIds = await this.ownership.customerScope(user, filter.customerId);
    const [found, total] = await this.deliveries.list({ ...filter, customerIds }, page, pageSize);
    let rows = found;
    if (!canSeePrices(user)) {
      // Production's list: item names without the contract's amounts (one redactor per contract on the page).
      const redactors = new Map<string, (t: string | null) => string | null>();
      for (const r of found)
        if (!redactors.has(r.contractId))
          redactors.set(r.contractId, contractRedactor(await this.contracts.get(r.contractId)));
      rows = found.map((r) => withoutAmountsInText(r, redactors.get(r.contractId)!));
    }
    const [contracts, customers] = await Promise.all([
      this.contracts.labels(rows.map((r) => r.contractId)),
      this.customers.findByIds(rows.map((r) => r.customerId)),
    ]);
    const names = new Map(customers.map((c) => [c.id, c.name]));
    return {
      items: rows.map((d) => ({
        id: d.id,
        number: d.number,
        status: d.status,
        contract: {
          id: d.contractId,
          number: contracts.get(d.contractId)?.number ?? null,
          projectNumber: contracts.get(d.contractId)?.projectNumber ?? null,
        },
        customer: { id: d.customerId, name: names.get(d.customerId) ?? null },
        items: d.items,
        shipDate: d.shipDate,
        estimatedArrival: d.estimatedArrival,
        consignee: d.consignee,
        gate: { result: d.gate.result },
        shippedAt: d.shippedAt,
        arrivedOn: d.arrivedOn,
        documentId: d.documentId,
        createdAt: d.createdAt,
      })),
      total,
      page,
      pageSize,
    };
  }

  /** Per line of the contract's current revision: ordered, issued, shipped, delivered, remaining. 404 CONTRACT_NOT_FOUND. */
  async remaining(user: AuthUser, contractId: string): Promise<RemainingView> {
    await this.ownership.checkReference(user, 'contract', contractId, 'contractId');
    const contract = await this.contracts.get(contractId);
    const lines = lineProgress(contract.lines, await this.deliveries.forContract(contractId));
    return {
      contractId,
      contractNumber: contract.number,
      revision: contract.revision,
      fullyDelivered: fullyDelivered(lines),
      lines,
    };
  }

  /** The notice's file; `version` the document version (default: the newest). 404 DELIVERY_NOTICE_NOT_RENDERED. */
  async file(id: string, format: Exclude<DocumentFormat, 'bundle'>, version?: number) {
    const d = await this.mustFind(id);
    if (!d.documentId) {
      throw AppException.notFound(
        DeliveryError.DELIVERY_NOTICE_NOT_RENDERED,
        `Delivery notice ${d.number} has not been rendered yet`,
        {
          id,
          renderJobId: d.renderJobId,
        },
      );
    }
    return this.documents.file(d.documentId, format, version);
  }

  /**
   * The template data of a delivery's notice, as the render job prints it (noticeData), for a template preview
   * (templates module, TemplatePreviewRecords): nothing rendered or stored here. The notice has no price.
   */
  async previewData(id: string): Promise<unknown> {
    const d = await this.mustFind(id);
    const contract = await this.contracts.get(d.contractId);
    const company = await this.companyForNotice();
    return noticeData(d, contract, contract.customer, company);
  }

  private async mustFind(id: string): Promise<Delivery> {
    const d = await this.deliveries.findById(id);
    if (!d) throw notFound(id);
    return d;
  }

  private async mustLock(id: string): Promise<Delivery> {
    const d = await this.deliveries.findByIdForUpdate(id);
    if (!d) throw notFound(id);
    return d;
  }

  // ---- the job: render, store, mail ----

  /**
   * Issues the notice through the document issuer: rendered outside any transaction (Chromium holds no lock), then
   * in one transaction stored as this job's version (a retry stores nothing twice), set as the delivery's document,
   * and its mails queued to production scheduling and the customer (one per key: a retry queues nothing twice). A
   * notice cancelled before it was rendered is neither rendered nor mailed, nor stored when cancelled while it was
   * rendered; a reissue (transport details changed by /ship) prints a new version with "corrected" mails.
   */
  private async renderAndMail(
    deliveryId: string,
    actor: Actor,
    jobId: string,
    progress: (p: number) => Promise<void>,
    reissue: boolean,
  ): Promise<Record<string, unknown>> {
    const d = await this.deliveries.findById(deliveryId);
    if (!d) throw new Error(`delivery ${deliveryId} not found (not committed yet?)`);
    if (d.status === 'cancelled' && !d.documentId) return { deliveryId, cancelled: true };
    const contract = await this.contracts.get(d.contractId);
    const company = await this.companyForNotice();
    const locales = await this.noticeLocales(d.customerId);
    // The first job prints version 1 once; a reissue (after /ship) prints a new version.
    if (d.documentId && !reissue) return this.remailNotice(d, contract, company, actor, locales);
    let locked: Delivery | undefined;
    const outcome = await this.issueUnlessCancelled({
      actor,
      jobId,
      render: {
        template: TEMPLATE,
        data: noticeData(d, contract, contract.customer, company),
        formats: ['pdf', 'docx'],
        sign: true,
        locale: locales.customer,
      },
      afterRender: () => progress(80),
      document: {
        type: DOCUMENT_TYPE,
        subject: subjectOf(deliveryId),
        record: { type: 'delivery-notice', number: d.number },
        title: (rendered) => `${rendered} ${d.number}`,
        bundle: false,
        fileBaseName: `delivery-notice-${d.number}`,
        auditDetails: { deliveryId, number: d.number },
      },
      // The delivery's row first, as /ship takes it, then the version (whose audit entry locks the chain's head).
      before: async () => {
        locked = await this.mustLock(deliveryId);
        if (locked.status === 'cancelled') throw new CancelledWhileRendering();
        if (!sameTransport(d, locked)) {
          // /ship changed what the notice prints while it was being printed: the retry prints the new details.
          throw new Error(`delivery ${deliveryId}: its transport details changed while the notice was rendered`);
        }
      },
      effect: async (issued) => {
        await this.deliveries.update(deliveryId, { documentId: issued.documentId });
        return { deliveryId, number: d.number };
      },
      mails: (issued) => this.noticeMails(locked!, contract, company, issued.version, locales),
    });
    if (!outcome) return { deliveryId, cancelled: true };
    return this.jobResult(outcome);
  }

  /**
   * The issue, or null when the notice was cancelled while it was being printed: its `before` finds the locked row
   * cancelled and rolls the transaction back, so nothing is stored and no mail is
   * queued. A cancel that comes later waits for the row and cancels an issued notice.
   */
  private async issueUnlessCancelled<T extends object>(request: IssueRequest<T>): Promise<IssueOutcome<T> | null> {
    try {
      return await this.issuer.issue(request);
    } catch (err) {
      if (err instanceof CancelledWhileRendering) return null;
      throw err;
    }
  }

  /**
   * The first job finds the notice already stored. Not the ordinary course: a retry of a job whose effect committed
   * is completed by the job runner or replayed by the issuer. Kept from before the issuer: rather than print a second
   * version 1, the mails about the latest version are queued again (once per key: nothing is sent twice).
   */
  private async remailNotice(
    d: Delivery,
    contract: ContractView,
    company: NoticeCompany | null,
    actor: Actor,
    locales: Record<MailAudience, Locale>,
  ): Promise<Record<string, unknown>> {
    return this.tx.run(async () => {
      const locked = await this.mustLock(d.id);
      const doc = await this.documents.get(locked.documentId!);
      const issued = { documentId: doc.id, version: doc.latestVersion };
      const mail = await this.issuer.mail(
        actor,
        issued,
        this.noticeMails(locked, contract, company, issued.version, locales),
      );
      return this.jobResult({ deliveryId: d.id, number: d.number, ...issued, mail });
    });
  }

  private noticeMails(
    d: Delivery,
    contract: ContractView,
    company: NoticeCompany | null,
    version: number,
    locales: Record<MailAudience, Locale>,
  ) {
    return noticeMails({
      delivery: d,
      contract,
      company,
      version,
      addresses: { production: this.addressOf(d, 'production'), customer: this.addressOf(d, 'customer') },
      locales,
    });
  }

  /**
   * Who reads the notice in which language (company/document-locale.ts): the notice itself and the customer's mail
   * in the customer's; the mail to production scheduling in the company's (it carries the same PDF).
   */
  private async noticeLocales(customerId: string): Promise<Record<MailAudience, Locale>> {
    const customer = await this.customers.find(customerId);
    return {
      customer: await this.company.documentLocaleFor({ audience: 'customer', customer }),
      production: await this.company.documentLocaleFor({ audience: 'internal' }),
    };
  }

  /** The job's result as before the issuer: the outbox message per audience, or no_address. */
  private jobResult(outcome: {
    deliveryId: string;
    number: string;
    documentId: string;
    version: number;
    mail: Record<string, string>;
  }): Record<string, unknown> {
    const { deliveryId, number, documentId, version } = outcome;
    const mail = Object.fromEntries(
      MAIL_AUDIENCES.map((a) => [a, outcome.mail[mailKey(deliveryId, a, version)] ?? 'no_address']),
    );
    return { deliveryId, number, documentId, version, mail };
  }

  private async companyForNotice(): Promise<NoticeCompany | null> {
    const p = await this.company.findProfile();
    // A notice prints without a letterhead before the company profile is set.
    if (!p) return null;
    return { name: p.legalNameZh, nameEn: p.legalNameEn, address: p.addressZh, phone: p.phone, taxId: p.creditCode };
  }
}

const ACTION_DONE: Record<DeliveryAction, string> = {
  ship: 'shipped',
  deliver: 'confirmed delivered',
  cancel: 'cancelled',
};

/** Thrown in a notice's issue transaction when its row is cancelled: rolls the issue back. */
class CancelledWhileRendering extends Error {}

function notFound(id: string): AppException {
  return AppException.notFound(DeliveryError.DELIVERY_NOT_FOUND, `No delivery notice ${id}`, { id });
}

function blankToNull(value: string | undefined | null): string | null {
  const v = value?.trim();
  return v ? v : null;
}

/** The roles that deal with money (and admin): production and engineering read no amount here. */
const AMOUNT_READERS: readonly Role[] = ['admin', 'backoffice', 'sales', 'finance', 'manager'];

function gateFor(user: Pick<AuthUser, 'roles'>, gate: DeliveryGate): GateView {
  return user.roles.some((r) => AMOUNT_READERS.includes(r))
    ? gate
    : { result: gate.result, approvedBy: gate.approvedBy, at: gate.at };
}

function documentView(deliveryId: string, doc: DocumentView): DeliveryDocumentView {
  const base = `/api/deliveries/${deliveryId}/file`;
  return {
    id: doc.id,
    latestVersion: doc.latestVersion,
    versions: doc.versions.map((v) => ({
      version: v.version,
      createdAt: v.createdAt,
      signed: v.signed,
      files: v.files
        .filter((f) => f.format !== 'bundle')
        .map((f) => ({ ...f, url: `${base}?format=${f.format}&version=${v.version}` })),
    })),
  };
}

/** A delivery's free text (item names and specifications, remarks, arrival note) through `redact`. */
function withoutAmountsInText(d: Delivery, redact: (t: string | null) => string | null): Delivery {
  return {
    ...d,
    items: d.items.map((i) => ({ ...i, name: redact(i.name) ?? '', specification: redact(i.specification) })),
    remarks: redact(d.remarks),
    arrivalNote: redact(d.arrivalNote),
  };
}

/** The override's reason, trimmed (null without an override); 403 GATE_OVERRIDE_FORBIDDEN unless a manager asks. */
function overrideReason(actor: AuthUser, input: IssueInput): string | null {
  const reason = input.override?.reason.trim() ?? null;
  if (input.override && !hasRole(actor, 'manager')) {
    throw AppException.forbidden(
      DeliveryError.GATE_OVERRIDE_FORBIDDEN,
      'Only a manager may let goods ship before the payment due before delivery',
      { roles: actor.roles },
    );
  }
  return reason;
}

/** The notice's items: the quantities asked, described as the contract's lines (no price). */
function itemsFrom(contract: Pick<ContractView, 'lines'>, asked: IssueInput['items']): DeliveryItem[] {
  const lines = new Map(contract.lines.map((l) => [l.line, l]));
  return asked.map((i) => {
    const l = lines.get(i.line)!;
    return {
      line: l.line,
      productCode: l.productCode,
      name: l.name,
      specification: l.specification,
      qty: formatQty(i.qty),
      unit: l.unit,
    };
  });
}
