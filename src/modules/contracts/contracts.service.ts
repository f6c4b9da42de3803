import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { ContractError } from './contracts.errors.js';
import { ErrorCode, type AppErrorCode } from '../../common/errors/error-codes.js';
import {
  QuotationError,
  type PaymentShareDto,
  type QuotationLineDto,
  checkPaymentTerms,
  fitsAmountColumn,
  lineAmounts,
  totals,
  type Totals,
  type PaymentShare,
  QuotationsService,
  type QuotationView,
} from '../quotations/index.js';
import { CustomersService } from '../customers/index.js';
import { ProductError, ProductsService } from '../products/index.js';
import { dec, round2, type Amount } from '../../common/money.js';
import type { Page } from '../../common/pagination.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { refuseNulls } from '../../common/validation.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService } from '../audit/index.js';
import { hasRole, type AuthUser, canSeePrices, hidePricesFor, OwnershipService } from '../auth/index.js';
import { redactAmounts } from '../../common/amount-redaction.js';
import { ContractEvents } from './contract-events.js';
import { reviewChecks, type QuotedTerms } from './contract-review.js';
import { contractTransition, type ContractAction } from './contract-status.js';
import type {
  ChangeOperation,
  ConfigurationItem,
  Contract,
  ContractChangeRequest,
  ContractLine,
  ContractReview,
  ContractRevision,
  ContractStatus,
} from './contract.entity.js';
import { contractAmounts, contractRedactor } from './contract-amounts.js';
import { CONTRACT_LINE_PRICE_FIELDS, CONTRACT_PRICE_FIELDS, type ContractView } from './contract.view.js';
import { ContractsRepository, type ContractRow, type RevisionSummary } from './contracts.repository.js';
import type { ContractQuery } from './dto/contract-query.dto.js';
import type {
  ConfigurationItemDto,
  CreateChangeDto,
  CreateContractDto,
  UpdateContractDto,
} from './dto/contract.dto.js';
import { checkVersion, type ExpectedVersion } from '../../common/versioning/record-version.js';

type Actor = Pick<AuthUser, 'id' | 'name'>;
type Shown<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** A line without its number and amounts: what a change request asks for (priced when it becomes a revision). */
export type LineInput = Omit<ContractLine, 'line' | 'net' | 'tax' | 'total'>;

export type ContractLineViewFor = Shown<ContractLine, (typeof CONTRACT_LINE_PRICE_FIELDS)[number]>;
export type ContractViewFor = Shown<Omit<ContractView, 'lines'>, (typeof CONTRACT_PRICE_FIELDS)[number]> & {
  lines: ContractLineViewFor[];
};

/** A contract as another module names it: 合同号, the project and, once the advance payment is in, 项目号. */
export interface ContractLabel {
  number: string;
  projectName: string;
  projectNumber: string | null;
}

export interface ContractListItem {
  id: string;
  number: string;
  customer: { id: string; name: string };
  quotation: { id: string; number: string; revision: number } | null;
  projectName: string;
  projectNumber: string | null;
  signingDate: DateOnly;
  deliveryDate: DateOnly | null;
  currency: string;
  status: ContractStatus;
  revision: number;
  total: string;
  createdAt: Date;
  updatedAt: Date;
}
export type ContractListItemFor = Shown<ContractListItem, 'total'>;

export interface ContractReviewResult extends ContractReview {
  status: ContractStatus;
}

export interface ChangeView {
  id: string;
  contractId: string;
  baseRevision: number;
  operations: ChangeOperation[];
  deliveryDate: DateOnly | null;
  configuration: ConfigurationItem[] | null;
  specialRequirements: string | null;
  reason: string;
  status: ContractChangeRequest['status'];
  requestedBy: { id: string | null; name: string };
  requestedAt: Date;
  decidedBy: { id: string | null; name: string } | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  resultRevision: number | null;
}

/** A revision's content: what a change may set. */
interface Content {
  lines: ContractLine[];
  deliveryDate: DateOnly | null;
  configuration: ConfigurationItem[];
  specialRequirements: string | null;
}

/**
 * Contracts: made from an accepted quotation (or by hand), reviewed against it, approved by a manager when a check
 * fails, changed afterwards only through change requests a manager approves (each a new revision; the history
 * stays). The project number arrives with the advance payment (setProjectNumber, called by the payments module).
 */
@Injectable()
export class ContractsService {
  constructor(
    private readonly contracts: ContractsRepository,
    private readonly quotations: QuotationsService,
    private readonly customers: CustomersService,
    private readonly products: ProductsService,
    private readonly events: ContractEvents,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly ownership: OwnershipService,
  ) {}

  // ---- the API other modules use ----

  /** The contract at its current revision (or revision `n`), every field, prices included. 404 CONTRACT_NOT_FOUND. */
  async get(id: string, n?: number): Promise<ContractView> {
    const row = await this.contracts.findById(id);
    if (!row) throw notFound(id);
    const revision = n ?? row.contract.revision;
    const shown = await this.contracts.findRevision(id, revision);
    if (!shown) {
      throw AppException.notFound(
        ContractError.CONTRACT_REVISION_NOT_FOUND,
        `Contract ${row.contract.number} has no revision ${revision}`,
        { id, revision, currentRevision: row.contract.revision },
      );
    }
    return toView(row, shown, await this.contracts.revisionSummaries(id));
  }

  /**
   * What other modules' lists and documents show beside a contract id (deliveries, invoices, statement lines), read
   * in one query; unknown ids are left out.
   */
  async labels(ids: string[]): Promise<Map<string, ContractLabel>> {
    if (!ids.length) return new Map();
    const rows = await this.contracts.labels([...new Set(ids)]);
    return new Map(
      rows.map((r) => [r.id, { number: r.number, projectName: r.projectName, projectNumber: r.projectNumber }]),
    );
  }

  /** Contracts signed from `from` to `to` (inclusive), by signing date then number, at their current revision. */
  async forContactList(filter: {
    from?: DateOnly;
    to?: DateOnly;
    statuses?: ContractStatus[];
    customerIds?: string[];
  }): Promise<ContractView[]> {
    const rows = await this.contracts.contactList(filter);
    const revisions = await this.contracts.revisionsOf(rows.map((r) => r.contract.id));
    return rows.map((row) => {
      const own = revisions.filter((r) => r.contractId === row.contract.id);
      const current = own.find((r) => r.revision === row.contract.revision);
      if (!current) throw new Error(`contract ${row.contract.id} has no revision ${row.contract.revision}`);
      return toView(row, current, own);
    });
  }

  /**
   * Gives the contract its project number (项目号) when the advance payment arrives: approved -> active. Runs in
   * the caller's transaction when there is one; 409 PROJECT_NUMBER_ASSIGNED, CONTRACT_NOT_APPROVED,
   * PROJECT_NUMBER_TAKEN.
   */
  async setProjectNumber(actor: Actor, id: string, projectNumber: string): Promise<ContractView> {
    const value = projectNumber.trim();
    if (!value || value.length > 40) {
      throw AppException.badRequest(ContractError.INVALID_PROJECT_NUMBER, 'A project number has 1 to 40 characters', {
        projectNumber,
      });
    }
    return this.tx.run(async () => {
      const contract = await this.lock(id);
      if (contract.projectNumber) {
        throw AppException.conflict(
          ContractError.PROJECT_NUMBER_ASSIGNED,
          `Contract ${contract.number} already has project number ${contract.projectNumber}`,
          { id, projectNumber: contract.projectNumber },
        );
      }
      if (contract.status !== 'approved' && contract.status !== 'active') {
        throw AppException.conflict(
          ContractError.CONTRACT_NOT_APPROVED,
          `Contract ${contract.number} is ${contract.status}: only an approved contract gets a project number`,
          { id, status: contract.status },
        );
      }
      if (await this.contracts.projectNumberTaken(value)) {
        throw AppException.conflict(
          ContractError.PROJECT_NUMBER_TAKEN,
          `Project number ${value} belongs to another contract`,
          {
            projectNumber: value,
          },
        );
      }
      const from = contract.status;
      contract.projectNumber = value;
      contract.status = 'active';
      await this.contracts.saveContract(contract);
      await this.audit.record({
        actor,
        action: 'contract.project_number',
        entityType: 'contract',
        entityId: id,
        details: { number: contract.number, projectNumber: value, from, to: contract.status },
      });
      return this.get(id);
    });
  }

  /** The contract row locked (pessimistic_write) until the surrounding transaction ends. 404 CONTRACT_NOT_FOUND. */
  lockForUpdate(id: string): Promise<Contract> {
    return this.lock(id);
  }

  // ---- reading, as the user may see it ----

  /** A contract as this user may see it: production users get no price, amount, term, review or approval. */
  viewFor(user: Pick<AuthUser, 'roles'>, view: ContractView): ContractViewFor {
    const shown = canSeePrices(user) ? view : withoutAmountsInText(view);
    const lines = shown.lines.map((l) => hidePricesFor(user, l, CONTRACT_LINE_PRICE_FIELDS));
    return hidePricesFor(user, { ...shown, lines } as ContractViewFor, CONTRACT_PRICE_FIELDS);
  }

  async getFor(user: AuthUser, id: string, n?: number): Promise<ContractViewFor> {
    return this.viewFor(user, await this.get(id, n));
  }

  async listFor(user: AuthUser, query: ContractQuery): Promise<Page<ContractListItemFor>> {
    const { page, pageSize, ...filter } = query;
    // A sales user lists only the contracts of customers they own (auth/ownership.ts).
    const customerIds = await this.ownership.customerScope(user, filter.customerId);
    const [rows, total] = await this.contracts.list(
      {
        ...filter,
        customerIds,
        q: filter.q?.trim() || undefined,
        projectNumber: filter.projectNumber?.trim() || undefined,
      },
      page,
      pageSize,
    );
    // Production's list: the project name without the contract's amounts, as in the production contact sheet.
    const redactors = new Map<string, (t: string | null) => string | null>();
    if (!canSeePrices(user))
      for (const { contract: c } of rows) redactors.set(c.id, contractRedactor(await this.get(c.id)));
    const items = rows.map(({ contract: c, customerName, quotationNumber, deliveryDate }) =>
      hidePricesFor<ContractListItem, 'total'>(
        user,
        {
          id: c.id,
          number: c.number,
          customer: { id: c.customerId, name: customerName },
          quotation: quotationRef(c, quotationNumber),
          projectName: redactors.get(c.id)?.(c.projectName) ?? c.projectName,
          projectNumber: c.projectNumber,
          signingDate: c.signingDate,
          deliveryDate,
          currency: c.currency,
          status: c.status,
          revision: c.revision,
          total: c.total,
          createdAt: c.createdAt,
          updatedAt: c.updatedAt,
        },
        ['total'],
      ),
    );
    return { items, total, page, pageSize };
  }

  async changesFor(user: AuthUser, id: string): Promise<ChangeView[]> {
    if (!(await this.contracts.findById(id))) throw notFound(id);
    const changes = await this.contracts.changes(id);
    const amounts = canSeePrices(user) ? [] : contractAmounts(await this.get(id));
    return changes.map((c) => changeViewFor(user, c, amounts));
  }

  // ---- writing ----

  async create(actor: AuthUser, dto: CreateContractDto): Promise<ContractViewFor> {
    const terms = dto.paymentTerms ? paymentShares(dto.paymentTerms) : null;
    if (terms) checkPaymentTerms(terms);
    return this.tx.run(async () => {
      const source = dto.quotationId ? await this.acceptedQuotation(dto.quotationId) : null;
      let customerId: string;
      let currency: string;
      if (source) {
        if (dto.customerId !== undefined && dto.customerId !== source.customer.id) {
          throw AppException.unprocessable(
            ContractError.CUSTOMER_MISMATCH,
            `Quotation ${source.number} is for ${source.customer.name}, not for customerId`,
            { customerId: dto.customerId, quotationCustomerId: source.customer.id },
          );
        }
        if (dto.currency !== undefined && dto.currency !== source.currency) {
          throw AppException.unprocessable(
            ErrorCode.CURRENCY_MISMATCH,
            `Quotation ${source.number} is in ${source.currency}, not ${dto.currency}`,
            { currency: dto.currency, quotationCurrency: source.currency },
          );
        }
        customerId = source.customer.id;
        currency = source.currency;
        await this.contracts.lockQuotation(source.id);
        const existing = await this.contracts.findLiveByQuotation(source.id);
        if (existing) {
          throw AppException.conflict(
            ContractError.CONTRACT_EXISTS_FOR_QUOTATION,
            `Quotation ${source.number} already has contract ${existing.number}`,
            { quotationId: source.id, contractId: existing.id, contractNumber: existing.number },
          );
        }
      } else {
        customerId = dto.customerId!; // required without a quotation (DTO)
        currency = dto.currency ?? 'CNY';
        await this.customers.requireActive(customerId);
      }
      await this.ownership.checkReference(actor, 'customer', customerId, source ? 'quotationId' : 'customerId');
      const lines = dto.lines ? await this.priceInputs(dto.lines, currency) : source!.lines.map(copyQuotedLine);
      const sums = revisionTotals(lines);
      const number = await this.takeNumber(dto.number, dto.signingDate);
      const contract = await this.contracts.createContract({
        number,
        customerId,
        quotationId: source?.id ?? null,
        quotationRevision: source?.revision ?? null,
        projectName: dto.projectName ?? source!.projectName,
        projectNumber: null,
        signingDate: dto.signingDate,
        currency,
        status: 'draft',
        revision: 1,
        total: sums.total,
        review: null,
        approval: null,
        createdBy: actor.id,
        createdByName: actor.name,
      });
      await this.contracts.createRevision({
        contractId: contract.id,
        revision: 1,
        lines,
        ...sums,
        paymentTerms: terms ?? source!.paymentTerms,
        deliveryDate: dto.deliveryDate !== undefined ? dto.deliveryDate : (source?.deliveryTerms?.date ?? null),
        configuration: configuration(dto.configuration),
        specialRequirements: dto.specialRequirements ?? null,
        changeRequestId: null,
        createdBy: actor.id,
        createdByName: actor.name,
      });
      await this.audit.record({
        actor,
        action: 'contract.create',
        entityType: 'contract',
        entityId: contract.id,
        details: {
          number,
          customerId,
          quotationId: source?.id ?? null,
          quotationRevision: source?.revision ?? null,
          total: sums.total,
          currency,
        },
      });
      return this.viewFor(actor, await this.get(contract.id));
    });
  }

  /**
   * Changes a draft (or a contract whose review failed) in place: back to draft, the review cleared (run it again).
   * After approval the contract changes only through change requests: 409 CONTRACT_LOCKED.
   */
  async update(
    actor: AuthUser,
    id: string,
    dto: UpdateContractDto,
    ifMatch?: ExpectedVersion,
  ): Promise<ContractViewFor> {
    refuseNulls(dto, ['number', 'projectName', 'signingDate', 'lines', 'paymentTerms', 'configuration']);
    const terms = dto.paymentTerms ? paymentShares(dto.paymentTerms) : null;
    if (terms) checkPaymentTerms(terms);
    return this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.contracts.lockVersion(id), { type: 'contract', id });
      const contract = await this.lock(id);
      const step = contractTransition(contract.status, 'edit');
      if (!step.ok) {
        throw AppException.conflict(
          ContractError.CONTRACT_LOCKED,
          `Contract ${contract.number} is ${contract.status}: after approval it changes only through a change request`,
          { id, status: contract.status },
        );
      }
      const revision = await this.mustFindRevision(contract, contract.revision);
      const before = { status: contract.status, total: contract.total, number: contract.number };
      if (dto.number !== undefined && dto.number !== contract.number) {
        await this.checkNumberFree(dto.number);
        contract.number = dto.number;
      }
      if (dto.projectName !== undefined) contract.projectName = dto.projectName;
      if (dto.signingDate !== undefined) contract.signingDate = dto.signingDate;
      if (dto.lines !== undefined) revision.lines = await this.priceInputs(dto.lines, contract.currency);
      if (terms) revision.paymentTerms = terms;
      if (dto.deliveryDate !== undefined) revision.deliveryDate = dto.deliveryDate;
      if (dto.configuration !== undefined) revision.configuration = configuration(dto.configuration);
      if (dto.specialRequirements !== undefined) revision.specialRequirements = dto.specialRequirements;
      Object.assign(revision, revisionTotals(revision.lines));
      await this.contracts.saveRevision(revision);
      contract.total = revision.total;
      contract.status = step.to;
      contract.review = null;
      contract.approval = null;
      contract.updatedAt = new Date(); // the contract changed even when only its revision's row did
      await this.contracts.saveContract(contract);
      await this.audit.record({
        actor,
        action: 'contract.update',
        entityType: 'contract',
        entityId: id,
        details: {
          number: contract.number,
          before,
          after: { status: contract.status, total: contract.total, number: contract.number },
          changed: Object.keys(dto),
        },
      });
      return this.viewFor(actor, await this.get(id));
    });
  }

  /**
   * Reviews the current revision against the quotation revision the contract came from (contract-review.ts):
   * approved when every check passes, review_failed otherwise (a manager may then approve it). Stored and returned.
   */
  async review(actor: AuthUser, id: string): Promise<ContractReviewResult> {
    return this.tx.run(async () => {
      const contract = await this.lock(id);
      this.mustTransition(contract, 'review');
      const revision = await this.mustFindRevision(contract, contract.revision);
      const quotation =
        contract.quotationId !== null
          ? await this.quotations.get(contract.quotationId, contract.quotationRevision ?? undefined)
          : null;
      const checks = reviewChecks(
        { ...revision, signingDate: contract.signingDate },
        quotation ? quotedTerms(quotation) : null,
      );
      const passed = checks.every((c) => c.passed);
      const step = this.mustTransition(contract, 'review', passed);
      const review: ContractReview = {
        at: new Date().toISOString(),
        by: { id: actor.id, name: actor.name },
        revision: revision.revision,
        passed,
        checks,
      };
      contract.review = review;
      contract.status = step.to;
      await this.contracts.saveContract(contract);
      await this.audit.record({
        actor,
        action: 'contract.review',
        entityType: 'contract',
        entityId: id,
        details: {
          number: contract.number,
          revision: revision.revision,
          passed,
          failedChecks: checks.filter((c) => !c.passed).map((c) => c.check),
          from: step.from,
          to: step.to,
        },
      });
      return { ...review, status: contract.status };
    });
  }

  /** A manager lets a failed review through, with a reason: review_failed -> approved; the approval is kept. */
  async approve(actor: AuthUser, id: string, reason: string): Promise<ContractViewFor> {
    if (!hasRole(actor, 'manager')) {
      throw AppException.forbidden(
        ContractError.MANAGER_APPROVAL_REQUIRED,
        'Only a manager can approve a contract that failed review',
      );
    }
    const why = requireReason(reason, ErrorCode.APPROVAL_REASON_REQUIRED, 'Approving a failed review needs a reason');
    return this.tx.run(async () => {
      const contract = await this.lock(id);
      const step = this.mustTransition(contract, 'approve');
      const failedChecks = (contract.review?.checks ?? []).filter((c) => !c.passed).map((c) => c.check);
      contract.approval = {
        at: new Date().toISOString(),
        by: { id: actor.id, name: actor.name },
        reason: why,
        failedChecks,
      };
      contract.status = step.to;
      await this.contracts.saveContract(contract);
      await this.audit.record({
        actor,
        action: 'contract.approve',
        entityType: 'contract',
        entityId: id,
        details: { number: contract.number, reason: why, failedChecks, from: step.from, to: step.to },
      });
      return this.viewFor(actor, await this.get(id));
    });
  }

  async cancel(actor: AuthUser, id: string, reason: string): Promise<ContractViewFor> {
    const why = requireReason(reason, ContractError.CANCEL_REASON_REQUIRED, 'Cancelling a contract needs a reason');
    return this.move(actor, id, 'cancel', { reason: why });
  }

  async complete(actor: AuthUser, id: string): Promise<ContractViewFor> {
    return this.move(actor, id, 'complete', {});
  }

  // ---- changes ----

  /**
   * Asks for a change of an approved or active contract: lines added, removed or replaced (numbers as in the
   * current revision), and optionally a new delivery date, configuration or special requirements. Pending until a
   * manager decides; refused when it would change nothing.
   */
  async requestChange(actor: AuthUser, id: string, dto: CreateChangeDto): Promise<ChangeView> {
    const why = requireReason(dto.reason, ContractError.CHANGE_REASON_REQUIRED, 'A change request needs a reason');
    return this.tx.run(async () => {
      const contract = await this.lock(id);
      this.mustBeChangeable(contract);
      const current = await this.mustFindRevision(contract, contract.revision);
      const numbers = new Set(current.lines.map((l) => l.line));
      const referenced = new Set<number>();
      dto.operations.forEach((op, i) => {
        if (op.op === 'add') return;
        if (!numbers.has(op.line)) {
          throw AppException.unprocessable(
            ContractError.CHANGE_LINE_NOT_FOUND,
            `operations[${i}]: revision ${current.revision} has no line ${op.line}`,
            { field: `operations[${i}].line`, line: op.line, lines: [...numbers] },
          );
        }
        if (referenced.has(op.line)) {
          throw AppException.unprocessable(
            ContractError.CHANGE_LINE_TWICE,
            `operations[${i}]: line ${op.line} is changed twice`,
            {
              field: `operations[${i}].line`,
              line: op.line,
            },
          );
        }
        referenced.add(op.line);
      });
      const resolved = await this.resolveLines(
        dto.operations.flatMap((op) => (op.op === 'add' ? [op.line] : op.op === 'replace' ? [op.with] : [])),
        contract.currency,
        'operations',
      );
      let k = 0;
      const operations: ChangeOperation[] = dto.operations.map((op) => {
        switch (op.op) {
          case 'add':
            return { op: 'add', line: resolved[k++] };
          case 'replace':
            return { op: 'replace', line: op.line, with: resolved[k++] };
          case 'remove':
            return { op: 'remove', line: op.line };
        }
      });
      const change = {
        operations,
        deliveryDate: dto.deliveryDate ?? null,
        configuration: dto.configuration ? configuration(dto.configuration) : null,
        specialRequirements: dto.specialRequirements ?? null,
      };
      const after = applyChange(current, change);
      if (!after.lines.length) {
        throw AppException.unprocessable(
          ContractError.CONTRACT_WITHOUT_LINES,
          'The change would leave the contract without lines',
        );
      }
      revisionTotals(after.lines);
      if (sameContent(current, after)) {
        throw AppException.unprocessable(ContractError.CHANGE_EMPTY, 'The change request changes nothing', {});
      }
      const saved = await this.contracts.createChange({
        contractId: id,
        baseRevision: contract.revision,
        ...change,
        reason: why,
        status: 'pending',
        requestedBy: actor.id,
        requestedByName: actor.name,
        decidedBy: null,
        decidedByName: null,
        decidedAt: null,
        decisionReason: null,
        resultRevision: null,
      });
      await this.audit.record({
        actor,
        action: 'contract.change_request',
        entityType: 'contract',
        entityId: id,
        details: {
          number: contract.number,
          changeId: saved.id,
          baseRevision: contract.revision,
          operations: operations.map((o) => ({ op: o.op, ...(o.op === 'add' ? {} : { line: o.line }) })),
          reason: why,
        },
      });
      return changeViewFor(actor, saved);
    });
  }

  /**
   * A manager approves a pending change: in one transaction the new revision (lines renumbered 1..n and priced
   * again), the contract's revision and total, the change resolved, the audit entry and the ContractEvents
   * listeners (the contact sheet's new version). 409 CHANGE_OUTDATED when another change landed since it was asked.
   */
  async approveChange(actor: AuthUser, id: string, changeId: string, reason?: string): Promise<ContractViewFor> {
    this.mustBeManager(actor);
    return this.tx.run(async () => {
      const contract = await this.lock(id);
      const change = await this.pendingChange(id, changeId);
      this.mustBeChangeable(contract);
      if (change.baseRevision !== contract.revision) {
        throw AppException.conflict(
          ContractError.CHANGE_OUTDATED,
          `The change was asked against revision ${change.baseRevision}; the contract is at revision ${contract.revision}: ask again`,
          { changeId, baseRevision: change.baseRevision, currentRevision: contract.revision },
        );
      }
      const current = await this.mustFindRevision(contract, contract.revision);
      const content = applyChange(current, change);
      const sums = revisionTotals(content.lines);
      const revision = contract.revision + 1;
      await this.contracts.createRevision({
        contractId: id,
        revision,
        ...content,
        ...sums,
        paymentTerms: current.paymentTerms,
        changeRequestId: change.id,
        createdBy: actor.id,
        createdByName: actor.name,
      });
      const totalBefore = contract.total;
      contract.revision = revision;
      contract.total = sums.total;
      await this.contracts.saveContract(contract);
      Object.assign(change, decision(actor, 'approved', reason?.trim() || null), { resultRevision: revision });
      await this.contracts.saveChange(change);
      await this.audit.record({
        actor,
        action: 'contract.change_approve',
        entityType: 'contract',
        entityId: id,
        details: {
          number: contract.number,
          changeId,
          baseRevision: change.baseRevision,
          revision,
          totalBefore,
          totalAfter: sums.total,
          reason: change.decisionReason,
        },
      });
      await this.events.emitRevised({ contractId: id, revision, actor: { id: actor.id, name: actor.name } });
      return this.viewFor(actor, await this.get(id));
    });
  }

  async rejectChange(actor: AuthUser, id: string, changeId: string, reason: string): Promise<ChangeView> {
    this.mustBeManager(actor);
    const why = requireReason(reason, ContractError.REJECT_REASON_REQUIRED, 'Rejecting a change needs a reason');
    return this.tx.run(async () => {
      const contract = await this.lock(id);
      const change = await this.pendingChange(id, changeId);
      Object.assign(change, decision(actor, 'rejected', why));
      await this.contracts.saveChange(change);
      await this.audit.record({
        actor,
        action: 'contract.change_reject',
        entityType: 'contract',
        entityId: id,
        details: { number: contract.number, changeId, baseRevision: change.baseRevision, reason: why },
      });
      return changeViewFor(actor, change);
    });
  }

  // ---- internals ----

  private async move(
    actor: AuthUser,
    id: string,
    action: Extract<ContractAction, 'cancel' | 'complete'>,
    details: Record<string, unknown>,
  ): Promise<ContractViewFor> {
    return this.tx.run(async () => {
      const contract = await this.lock(id);
      const step = this.mustTransition(contract, action);
      contract.status = step.to;
      await this.contracts.saveContract(contract);
      await this.audit.record({
        actor,
        action: `contract.${action}`,
        entityType: 'contract',
        entityId: id,
        details: { number: contract.number, from: step.from, to: step.to, ...details },
      });
      return this.viewFor(actor, await this.get(id));
    });
  }

  private mustTransition(contract: Contract, action: ContractAction, passed = false) {
    const step = contractTransition(contract.status, action, passed);
    if (!step.ok) {
      throw AppException.conflict(
        ErrorCode.INVALID_TRANSITION,
        `Contract ${contract.number} is ${contract.status}: ${action} needs ${step.allowedFrom.join(' or ')}`,
        { id: contract.id, action, from: contract.status, allowedFrom: step.allowedFrom },
      );
    }
    return step;
  }

  private mustBeChangeable(contract: Contract): void {
    if (!contractTransition(contract.status, 'change').ok) {
      throw AppException.conflict(
        ContractError.CONTRACT_NOT_CHANGEABLE,
        `Contract ${contract.number} is ${contract.status}: change requests are for approved or active contracts (a draft is edited directly)`,
        { id: contract.id, status: contract.status },
      );
    }
  }

  private mustBeManager(actor: AuthUser): void {
    if (!hasRole(actor, 'manager')) {
      throw AppException.forbidden(
        ContractError.MANAGER_APPROVAL_REQUIRED,
        'Only a manager decides on contract changes',
      );
    }
  }

  private async pendingChange(contractId: string, changeId: string): Promise<ContractChangeRequest> {
    const change = await this.contracts.findChangeForUpdate(contractId, changeId);
    if (!change) {
      throw AppException.notFound(ContractError.CHANGE_NOT_FOUND, 'No such change request for this contract', {
        contractId,
        changeId,
      });
    }
    if (change.status !== 'pending') {
      throw AppException.conflict(ContractError.CHANGE_NOT_PENDING, `The change request was already ${change.status}`, {
        changeId,
        status: change.status,
      });
    }
    return change;
  }

  private async lock(id: string): Promise<Contract> {
    const contract = await this.contracts.findByIdForUpdate(id);
    if (!contract) throw notFound(id);
    return contract;
  }

  private async mustFindRevision(contract: Contract, n: number): Promise<ContractRevision> {
    const revision = await this.contracts.findRevision(contract.id, n);
    if (!revision) throw new Error(`contract ${contract.id} has no revision ${n}`);
    return revision;
  }

  /** The quotation, accepted: 422 QUOTATION_NOT_FOUND, QUOTATION_NOT_ACCEPTED. */
  private async acceptedQuotation(quotationId: string): Promise<QuotationView> {
    const quotation = await this.quotations.find(quotationId);
    if (!quotation) {
      throw AppException.unprocessable(QuotationError.QUOTATION_NOT_FOUND, 'quotationId is not a quotation', {
        quotationId,
      });
    }
    if (quotation.status !== 'accepted') {
      throw AppException.unprocessable(
        ContractError.QUOTATION_NOT_ACCEPTED,
        `Quotation ${quotation.number} is ${quotation.status}: a contract follows an accepted quotation`,
        { quotationId, status: quotation.status },
      );
    }
    return quotation;
  }

  /** The given number if free (409 CONTRACT_NUMBER_TAKEN), else the next HT{YYYY}-{SEQ:4} of the signing year. */
  private async takeNumber(given: string | undefined, signingDate: DateOnly): Promise<string> {
    if (given !== undefined) {
      await this.checkNumberFree(given);
      return given;
    }
    const year = Number(signingDate.slice(0, 4));
    for (;;) {
      const number = `HT${year}-${String(await this.contracts.nextSequence(year)).padStart(4, '0')}`;
      // A number typed by hand may have taken this one: it is used, so the sequence goes on without a gap.
      if (!(await this.contracts.numberTaken(number))) return number;
    }
  }

  private async checkNumberFree(number: string): Promise<void> {
    if (await this.contracts.numberTaken(number)) {
      throw AppException.conflict(ContractError.CONTRACT_NUMBER_TAKEN, `Contract number ${number} is taken`, {
        number,
      });
    }
  }

  /** Lines from the request, priced and numbered 1..n. */
  private async priceInputs(input: QuotationLineDto[], currency: string): Promise<ContractLine[]> {
    return (await this.resolveLines(input, currency, 'lines')).map((l, i) => priced(l, i + 1));
  }

  /**
   * Lines as asked, completed from the price list (code, name, specification, unit, list price, tax rate) the way
   * quotation lines are. A contract records what was agreed, so an inactive product is fine; a list price in
   * another currency is not.
   */
  private async resolveLines(input: QuotationLineDto[], currency: string, field: string): Promise<LineInput[]> {
    const ids = input.flatMap((l) => (l.productId ? [l.productId] : []));
    const products = new Map((await this.products.findByIds(ids)).map((p) => [p.id, p]));
    return input.map((l, i) => {
      const where = `${field}[${i}]`;
      const p = l.productId ? products.get(l.productId) : undefined;
      if (l.productId && !p) {
        throw AppException.unprocessable(ProductError.PRODUCT_NOT_FOUND, `${where}: no such product`, {
          field: `${where}.productId`,
          productId: l.productId,
        });
      }
      if (p && l.unitPrice === undefined && p.currency !== currency) {
        throw AppException.unprocessable(
          ErrorCode.CURRENCY_MISMATCH,
          `${where}: product ${p.code} is priced in ${p.currency}, the contract in ${currency}: give a unitPrice`,
          { field: `${where}.unitPrice`, productCurrency: p.currency, currency },
        );
      }
      const line: LineInput = {
        productId: p?.id ?? null,
        productCode: p?.code ?? null,
        name: l.name ?? p!.nameZh, // the DTO requires name, unit and unitPrice without a product
        specification: l.specification !== undefined ? l.specification : (p?.specification ?? null),
        qty: l.qty,
        unit: l.unit ?? p!.unit,
        unitPrice: round2(l.unitPrice ?? p!.listPrice),
        discount: l.discount ?? '0',
        taxRate: l.taxRate ?? p?.taxRate ?? '13',
      };
      const amounts = lineAmounts(line);
      for (const [name, value] of Object.entries(amounts)) {
        if (!fitsAmountColumn(value)) {
          throw AppException.badRequest(
            ErrorCode.AMOUNT_TOO_LARGE,
            `${where}: the ${name} amount ${value} has more than 16 digits`,
            {
              field: where,
              [name]: value,
            },
          );
        }
      }
      return line;
    });
  }
}

// ---- pure helpers ----

function notFound(id: string): AppException {
  return AppException.notFound(ContractError.CONTRACT_NOT_FOUND, 'No such contract', { id });
}

function requireReason(reason: string | undefined, code: AppErrorCode, message: string): string {
  const why = reason?.trim();
  if (!why) throw AppException.badRequest(code, `${message} ({ "reason": "…" })`, { field: 'reason' });
  return why;
}

function paymentShares(list: PaymentShareDto[]): PaymentShare[] {
  return list.map((s) => ({ percent: s.percent, event: s.event, days: s.days ?? null, label: s.label ?? null }));
}

function configuration(items: ConfigurationItemDto[] | undefined): ConfigurationItem[] {
  return (items ?? []).map((c) => ({ item: c.item, options: c.options ?? null }));
}

/** A line priced like a quotation line (quotation-amounts.ts: half-up per line amount). */
function priced(l: LineInput, line: number): ContractLine {
  return contractLine(line, l, lineAmounts(l));
}

/** A quotation line as the contract keeps it: the same figures, copied so the contract reads the same later. */
function copyQuotedLine(l: QuotationView['lines'][number]): ContractLine {
  return contractLine(l.line, l, l);
}

function contractLine(
  line: number,
  l: Omit<ContractLine, 'line' | 'net' | 'tax' | 'total'>,
  a: Pick<ContractLine, 'net' | 'tax' | 'total'>,
): ContractLine {
  return {
    line,
    productId: l.productId,
    productCode: l.productCode,
    name: l.name,
    specification: l.specification,
    qty: l.qty,
    unit: l.unit,
    unitPrice: l.unitPrice,
    discount: l.discount,
    taxRate: l.taxRate,
    net: a.net,
    tax: a.tax,
    total: a.total,
  };
}

function revisionTotals(lines: ContractLine[]): Totals {
  const sums = totals(lines);
  if (!fitsAmountColumn(sums.total)) {
    throw AppException.badRequest(ErrorCode.AMOUNT_TOO_LARGE, `The total ${sums.total} has more than 16 digits`, {
      total: sums.total,
    });
  }
  return sums;
}

function quotedTerms(q: QuotationView): QuotedTerms {
  return {
    number: q.number,
    revision: q.revision,
    lines: q.lines.map((l) => ({
      line: l.line,
      productCode: l.productCode,
      name: l.name,
      qty: l.qty,
      unit: l.unit,
      unitPrice: l.unitPrice,
      discount: l.discount,
      total: l.total,
    })),
    subtotal: q.subtotal,
    total: q.total,
    paymentTerms: q.paymentTerms,
    deliveryTerms: q.deliveryTerms,
  };
}

/**
 * The content of the revision a change makes: replaced lines in place, removed ones dropped, added ones at the
 * end, renumbered 1..n and priced again; delivery date, configuration and remarks when the change sets them.
 */
export function applyChange(
  current: Content,
  change: Pick<ContractChangeRequest, 'operations' | 'deliveryDate' | 'configuration' | 'specialRequirements'>,
): Content {
  const removed = new Set<number>();
  const replaced = new Map<number, LineInput>();
  const added: LineInput[] = [];
  for (const op of change.operations) {
    switch (op.op) {
      case 'add':
        added.push(op.line);
        break;
      case 'remove':
        removed.add(op.line);
        break;
      case 'replace':
        replaced.set(op.line, op.with);
        break;
    }
  }
  const kept: LineInput[] = current.lines.filter((l) => !removed.has(l.line)).map((l) => replaced.get(l.line) ?? l);
  return {
    lines: [...kept, ...added].map((l, i) => priced(l, i + 1)),
    deliveryDate: change.deliveryDate ?? current.deliveryDate,
    configuration: change.configuration ?? current.configuration,
    specialRequirements: change.specialRequirements ?? current.specialRequirements,
  };
}

/** Whether a change would leave the content as it is (decimals compared as numbers: "3.000" is "3"). */
function sameContent(a: Content, b: Content): boolean {
  const num = (v: string) => dec(v).toFixed();
  const canon = (c: Content) =>
    JSON.stringify([
      c.lines.map((l) => [
        l.productId,
        l.name,
        l.specification,
        num(l.qty),
        l.unit,
        num(l.unitPrice),
        num(l.discount),
        num(l.taxRate),
      ]),
      c.deliveryDate,
      c.configuration.map((i) => [i.item, i.options]),
      c.specialRequirements,
    ]);
  return canon(a) === canon(b);
}

function decision(
  actor: Actor,
  status: 'approved' | 'rejected',
  reason: string | null,
): Partial<ContractChangeRequest> {
  return { status, decidedBy: actor.id, decidedByName: actor.name, decidedAt: new Date(), decisionReason: reason };
}

function quotationRef(c: Contract, number: string | null): ContractView['quotation'] {
  return c.quotationId !== null
    ? { id: c.quotationId, number: number ?? '', revision: c.quotationRevision ?? 1 }
    : null;
}

function toView(row: ContractRow, shown: ContractRevision, revisions: RevisionSummary[]): ContractView {
  const c = row.contract;
  return {
    id: c.id,
    number: c.number,
    customer: { id: c.customerId, name: row.customerName },
    quotation: quotationRef(c, row.quotationNumber),
    projectName: c.projectName,
    projectNumber: c.projectNumber,
    signingDate: c.signingDate,
    currency: c.currency,
    status: c.status,
    revision: shown.revision,
    currentRevision: c.revision,
    lines: shown.lines,
    subtotal: shown.subtotal,
    taxTotal: shown.taxTotal,
    total: shown.total,
    paymentTerms: shown.paymentTerms,
    deliveryDate: shown.deliveryDate,
    configuration: shown.configuration,
    specialRequirements: shown.specialRequirements,
    review: c.review,
    approval: c.approval,
    revisions: revisions.map((r) => ({
      revision: r.revision,
      createdAt: r.createdAt,
      createdBy: { id: r.createdBy, name: r.createdByName },
      changeRequestId: r.changeRequestId,
    })),
    createdBy: { id: c.createdBy, name: c.createdByName },
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.version,
  };
}

/**
 * A change request as this user may see it: for production the new lines without prices, and its free text without
 * any written form of `contractAmounts` (the contract's) or of the new lines' amounts.
 */
function changeViewFor(
  user: Pick<AuthUser, 'roles'>,
  c: ContractChangeRequest,
  contractAmounts: Amount[] = [],
): ChangeView {
  const show = canSeePrices(user);
  const newLines = c.operations.flatMap((op) => (op.op === 'add' ? [op.line] : op.op === 'replace' ? [op.with] : []));
  const amounts = [...contractAmounts, ...newLines.map((l) => l.unitPrice)];
  const redact = (t: string | null) => (show ? t : redactAmounts(t, amounts));
  const strip = <T extends { name: string; specification: string | null }>(line: T): T =>
    show
      ? line
      : (hidePricesFor(
          user,
          { ...line, name: redact(line.name) ?? '', specification: redact(line.specification) },
          CONTRACT_LINE_PRICE_FIELDS as never,
        ) as T);
  return {
    id: c.id,
    contractId: c.contractId,
    baseRevision: c.baseRevision,
    operations: c.operations.map((op) => {
      switch (op.op) {
        case 'add':
          return { ...op, line: strip(op.line) };
        case 'replace':
          return { ...op, with: strip(op.with) };
        case 'remove':
          return op;
      }
    }),
    deliveryDate: c.deliveryDate,
    configuration:
      c.configuration?.map((x) => ({ ...x, item: redact(x.item) ?? '', options: redact(x.options) })) ?? null,
    specialRequirements: redact(c.specialRequirements),
    reason: redact(c.reason) ?? '',
    status: c.status,
    requestedBy: { id: c.requestedBy, name: c.requestedByName },
    requestedAt: c.requestedAt,
    decidedBy: c.decidedByName !== null ? { id: c.decidedBy, name: c.decidedByName } : null,
    decidedAt: c.decidedAt,
    decisionReason: redact(c.decisionReason),
    resultRevision: c.resultRevision,
  };
}

/** The contract as production reads it: its free text (names, specifications, configuration, remarks) without its amounts. */
function withoutAmountsInText(view: ContractView): ContractView {
  const redact = contractRedactor(view);
  return {
    ...view,
    projectName: redact(view.projectName) ?? '',
    specialRequirements: redact(view.specialRequirements),
    lines: view.lines.map((l) => ({ ...l, name: redact(l.name) ?? '', specification: redact(l.specification) })),
    configuration: view.configuration.map((x) => ({ ...x, item: redact(x.item) ?? '', options: redact(x.options) })),
  };
}
