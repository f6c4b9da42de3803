import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import type { Page } from '../../common/pagination.js';
import { todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import type { Locale } from '../../rendering/rendering.types.js';
import { AuditService } from '../audit/audit.service.js';
import { hasRole, type AuthUser } from '../auth/auth-user.js';
import { canSeePrices } from '../auth/price-visibility.js';
import type { Role } from '../auth/roles.js';
import { CompanyService } from '../company/company.service.js';
import { contractRedactor } from '../contracts/contract-amounts.js';
import type { ContractView } from '../contracts/contract.view.js';
import type { ContractStatus } from '../contracts/contract.entity.js';
import { ContractsService } from '../contracts/contracts.service.js';
import { CustomersService } from '../customers/customers.service.js';
import type { DocumentFormat } from '../documents/document-file.entity.js';
import { DocumentsService, type DocumentView, type FileView } from '../documents/documents.service.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { OutboxStatus } from '../outbox/outbox-message.entity.js';
import { OutboxService, type OutboxMessageView } from '../outbox/outbox.service.js';
import { ReceivablesService } from '../receivables/receivables.service.js';
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
import { noticeData, type NoticeCompany } from './views/delivery-notice.view.js';
import { OwnershipService } from '../auth/ownership.service.js';

export const DELIVERY_JOB = 'delivery.render';
const TEMPLATE = 'delivery-notice';
const DOCUMENT_TYPE = 'delivery-notice';
const LOCALE: Locale = 'zh-CN';
export const MAIL_AUDIENCES = ['production', 'customer'] as const;

/** Goods ship only on a contract in these statuses (also GET /api/meta's statusSets). */
export const SHIPPABLE: readonly ContractStatus[] = ['approved', 'active'];
export type MailAudience = (typeof MAIL_AUDIENCES)[number];

type Actor = Pick<AuthUser, 'id' | 'name'>;

const subjectOf = (id: string) => ({ type: 'delivery' as const, id });
/** Version 1's messages keep the key they always had; a corrected notice (version n > 1) gets its own. */
const mailKey = (id: string, audience: MailAudience, version = 1) =>
  version > 1 ? `delivery:${id}:${audience}:v${version}` : `delivery:${id}:${audience}`;
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
 * line (issues on one contract queue on its row lock). After the commit the `delivery.render` job renders the
 * notice (signed PDF + DOCX), stores it and queues its mail to production scheduling and to the customer through
 * the outbox. issued -> shipped -> delivered; the last arrival of a contract's goods records its on_delivery
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
    private readonly rendering: RenderingService,
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
    const reason = input.override?.reason.trim() ?? null;
    if (input.override && !hasRole(actor, 'manager')) {
      throw AppException.forbidden(
        'GATE_OVERRIDE_FORBIDDEN',
        'Only a manager may let goods ship before the payment due before delivery',
        { roles: actor.roles },
      );
    }
    await this.ownership.checkReference(actor, 'contract', input.contractId, 'contractId');
    const id = await this.tx.run(async () => {
      // Issues on one contract queue here: the quantities read below cannot be taken by another notice meanwhile.
      const locked = await this.contracts.lockForUpdate(input.contractId);
      if (!SHIPPABLE.includes(locked.status)) {
        throw AppException.conflict(
          'CONTRACT_NOT_APPROVED',
          `Contract ${locked.number} is ${locked.status}: goods ship only on an approved or active contract`,
          { contractId: locked.id, status: locked.status },
        );
      }
      const contract = await this.contracts.get(locked.id);
      const progress = lineProgress(contract.lines, await this.deliveries.forContract(contract.id));
      const check = checkItems(progress, input.items);
      if (check.unknown.length) {
        throw AppException.unprocessable(
          'DELIVERY_LINE_UNKNOWN',
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
          'DELIVERY_EXCEEDS_REMAINING',
          `More than remains to deliver on contract ${contract.number}: ` +
            check.exceeding.map((e) => `line ${e.line} asks ${e.asked}, ${e.remaining} remain`).join('; '),
          { contractId: contract.id, lines: check.exceeding },
        );
      }

      const due = gateShares(await this.receivables.dueBeforeDelivery(contract.id));
      const at = new Date().toISOString();
      let gate: DeliveryGate;
      if (!due.shares.length) {
        gate = { result: 'paid', outstanding: [], approvedBy: null, reason: null, at };
      } else if (!input.override || !reason) {
        throw AppException.conflict(
          'PAYMENT_OUTSTANDING',
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
      } else {
        gate = {
          result: 'approved',
          outstanding: due.shares,
          approvedBy: { id: actor.id, name: actor.name },
          reason,
          at,
        };
      }

      const year = Number(todayIso().slice(0, 4));
      const number = deliveryNumber(year, await this.deliveries.nextSequence(year));
      const lines = new Map(contract.lines.map((l) => [l.line, l]));
      const items: DeliveryItem[] = input.items.map((i) => {
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
      const delivery = await this.deliveries.create({
        number,
        contractId: contract.id,
        customerId: locked.customerId,
        items,
        shipDate: input.shipDate,
        estimatedArrival: input.estimatedArrival ?? null,
        consignee: input.consignee.trim(),
        address: input.address.trim(),
        contactPhone: input.contactPhone.trim(),
        customerEmail: input.customerEmail ?? (await this.firstContactEmail(locked.customerId)),
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
          items: items.map((i) => ({ line: i.line, qty: i.qty })),
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
            reason,
            outstanding: due.shares,
            totalDue: due.total,
          },
        });
      }
      await this.tx.afterCommit(async () => {
        await this.enqueueRender(actor, delivery.id);
      });
      return delivery.id;
    });
    return this.view(actor, id);
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
        'SHIPPED_AT_IN_FUTURE',
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
          'ARRIVAL_DATE_INVALID',
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
        'DELIVERY_STATUS_CONFLICT',
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
      this.deliveries.contractNumbers(rows.map((r) => r.contractId)),
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
        'DELIVERY_NOTICE_NOT_RENDERED',
        `Delivery notice ${d.number} has not been rendered yet`,
        {
          id,
          renderJobId: d.renderJobId,
        },
      );
    }
    return this.documents.file(d.documentId, format, version);
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
   * Renders the notice (outside any transaction: Chromium holds no lock), then in one transaction stores it as
   * this job (a retry stores nothing twice), sets the delivery's document and queues the two messages (one per
   * key: a retry queues nothing twice). A notice cancelled before it was rendered is neither rendered nor mailed.
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
    // A reissue (transport details changed by /ship) prints a new version; the first job prints version 1 once.
    const rendered =
      d.documentId && !reissue
        ? null
        : await this.rendering.render({
            template: TEMPLATE,
            data: noticeData(d, contract, contract.customer, company),
            formats: ['pdf', 'docx'],
            sign: true,
            locale: LOCALE,
          });
    await progress(80);
    const outcome = await this.tx.run(async () => {
      const locked = await this.mustLock(deliveryId);
      if (rendered && !sameTransport(d, locked)) {
        // /ship changed what the notice prints while it was being printed: the retry prints the new details.
        throw new Error(`delivery ${deliveryId}: its transport details changed while the notice was rendered`);
      }
      let doc: DocumentView;
      if (locked.documentId && !reissue) {
        doc = await this.documents.get(locked.documentId);
      } else {
        if (!rendered) throw new Error(`delivery ${deliveryId}: its document went missing`);
        doc = await this.documents.store(actor, {
          type: DOCUMENT_TYPE,
          subject: subjectOf(deliveryId),
          record: { type: 'delivery-notice', number: d.number },
          title: `发货通知单 ${d.number}`,
          locale: rendered.locale,
          signed: true,
          templateVersions: rendered.templateVersions,
          files: rendered.files,
          bundle: false,
          fileBaseName: `delivery-notice-${d.number}`,
          auditDetails: { deliveryId, number: d.number },
          jobId,
        });
        await this.deliveries.update(deliveryId, { documentId: doc.id });
      }
      const queued: Record<string, string> = {};
      for (const audience of MAIL_AUDIENCES) {
        const to = this.addressOf(locked, audience);
        if (!to) {
          queued[audience] = 'no_address';
          continue;
        }
        const message = this.message(locked, contract, company, audience, doc.latestVersion);
        const m = await this.outbox.queue(actor, {
          key: mailKey(deliveryId, audience, doc.latestVersion),
          about: subjectOf(deliveryId),
          audience,
          to: [to],
          subject: message.subject,
          text: message.text,
          attachments: [
            { documentId: doc.id, version: doc.latestVersion, format: 'pdf', fileName: `发货通知单-${d.number}.pdf` },
          ],
        });
        queued[audience] = m.id;
      }
      return { documentId: doc.id, version: doc.latestVersion, mail: queued };
    });
    return { deliveryId, number: d.number, ...outcome };
  }

  private message(
    d: Delivery,
    contract: ContractView,
    company: NoticeCompany | null,
    audience: MailAudience,
    version = 1,
  ): { subject: string; text: string } {
    // A corrected notice says so first: same number, new transport details.
    const corrected = version > 1 ? `【更正 第${version}版】` : '';
    const items = d.items
      .map(
        (i, n) =>
          `  ${n + 1}. ${i.name}${i.specification ? `（${i.specification}）` : ''} ${formatQty(i.qty)} ${i.unit}`,
      )
      .join('\n');
    const eta = d.estimatedArrival ? `，预计 ${d.estimatedArrival} 到货` : '';
    const transport = [
      d.carrier && `承运单位：${d.carrier}`,
      d.driverName && `司机：${d.driverName}${d.driverPhone ? `（${d.driverPhone}）` : ''}`,
      d.licencePlate && `车牌号：${d.licencePlate}`,
    ]
      .filter(Boolean)
      .join('；');
    const approval = d.gate.result === 'approved' ? `【凭审批发货】审批人：${d.gate.approvedBy?.name ?? ''}\n` : '';
    const body =
      `发货通知单号：${d.number}\n货物清单：\n${items}\n\n` +
      `收货人：${d.consignee}（${d.contactPhone}）\n收货地址：${d.address}\n` +
      (transport ? `${transport}\n` : '') +
      `\n附件为发货通知单 PDF（电子签名）。\n`;
    switch (audience) {
      case 'production':
        return {
          subject: `发货通知 ${d.number}${corrected}：合同 ${contract.number}（${contract.customer.name}），${d.shipDate} 发货`,
          text:
            `生产调度：\n\n合同 ${contract.number}（${contract.customer.name}，${contract.projectName}）的货物定于 ` +
            `${d.shipDate} 发货${eta}，请安排出库。\n${approval}\n${body}`,
        };
      case 'customer':
        return {
          subject: `发货通知 ${d.number}${corrected}${company ? `（${company.name}）` : ''}`,
          text:
            `尊敬的${contract.customer.name}：\n\n贵司合同 ${contract.number}（${contract.projectName}）项下的货物定于 ` +
            `${d.shipDate} 发运${eta}，请做好接收准备，到货后请在发货通知单上签收。\n\n${body}` +
            (company ? `\n${company.name}${company.phone ? `  电话：${company.phone}` : ''}\n` : ''),
        };
    }
  }

  private async companyForNotice(): Promise<NoticeCompany | null> {
    try {
      const p = await this.company.get();
      return { name: p.legalNameZh, nameEn: p.legalNameEn, address: p.addressZh, phone: p.phone, taxId: p.creditCode };
    } catch (err) {
      // A notice prints without a letterhead before the company profile is set.
      if (err instanceof AppException && err.code === 'COMPANY_PROFILE_NOT_SET') return null;
      throw err;
    }
  }
}

const ACTION_DONE: Record<DeliveryAction, string> = {
  ship: 'shipped',
  deliver: 'confirmed delivered',
  cancel: 'cancelled',
};

function notFound(id: string): AppException {
  return AppException.notFound('DELIVERY_NOT_FOUND', `No delivery notice ${id}`, { id });
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
