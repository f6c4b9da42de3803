import { Injectable, Logger } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { PaymentError } from './payments.errors.js';
import { ContractError, type ContractStatus, type ContractView, ContractsService } from '../contracts/index.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { CustomerError, CustomersService } from '../customers/index.js';
import { dec, round2, type Amount } from '../../common/money.js';
import type { Page } from '../../common/pagination.js';
import { todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService } from '../audit/index.js';
import { type AuthUser, OwnershipService } from '../auth/index.js';
import { ContactSheetsService } from '../contact-sheets/index.js';
import type { JobView } from '../jobs/index.js';
import type { CreatePaymentDto, PaymentQuery } from './dto/payment.dto.js';
import type { Payment, PaymentMethod, PaymentNature } from './payment.entity.js';
import { PaymentsRepository } from './payments.repository.js';
import { formatProjectNumber, yearOf } from './project-number.js';

/** A contract takes payments once approved (and while active or completed); a draft, a failed review or a cancelled one does not. */
/** The contract statuses a payment may be recorded against (also GET /api/meta's statusSets). */
export const PAYABLE: readonly ContractStatus[] = ['approved', 'active', 'completed'];

export interface PaymentView {
  id: string;
  customer: { id: string; name: string };
  contract: { id: string; number: string | null; projectNumber: string | null } | null;
  date: DateOnly;
  amount: Amount;
  currency: string;
  method: PaymentMethod;
  nature: PaymentNature;
  reference: string | null;
  note: string | null;
  /** The payment this one reverses (a reversal has the negative amount). */
  reverses: string | null;
  createdBy: { id: string | null; name: string };
  createdAt: Date;
}

/** A payment's nature and method, and whether it reverses another (a negative correction). */
export interface PaymentKinds {
  nature: PaymentNature;
  method: PaymentMethod;
  reversal: boolean;
}

export interface PaymentRecorded extends PaymentView {
  /** The contract's project number: given by this payment (`projectNumberAssigned`) or earlier. */
  projectNumber: string | null;
  projectNumberAssigned: boolean;
  /** The contact sheet this advance payment issued, and the job rendering and mailing its three copies. */
  contactSheet: { version: number; status: 'open'; job: Pick<JobView, 'id' | 'status'> | null } | null;
}

/**
 * Payments received (回款), the receivables ledger's credit side. Never edited: a mistake is reversed. The advance
 * payment (预付款) on an approved contract gives it its project number and issues its contact sheet, in the same
 * transaction as the payment; the copies are rendered by a job queued after the commit, so no render holds the
 * project number counter's lock.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly contracts: ContractsService,
    private readonly customers: CustomersService,
    private readonly contactSheets: ContactSheetsService,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly ownership: OwnershipService,
  ) {}

  async create(actor: AuthUser, dto: CreatePaymentDto): Promise<PaymentRecorded> {
    const done = await this.tx.run(async () => {
      const customer = await this.customer(dto.customerId);
      let contract: ContractView | null = null;
      if (dto.contractId) {
        // Locked first: two advance payments of one contract queue here, and only the first numbers it.
        await this.contracts.lockForUpdate(dto.contractId);
        contract = await this.contracts.get(dto.contractId);
        if (contract.customer.id !== dto.customerId) {
          throw AppException.unprocessable(
            PaymentError.PAYMENT_CUSTOMER_MISMATCH,
            `Contract ${contract.number} is with another customer`,
            {
              customerId: dto.customerId,
              contractId: contract.id,
              contractCustomerId: contract.customer.id,
            },
          );
        }
        if (!PAYABLE.includes(contract.status)) {
          throw AppException.conflict(
            ContractError.CONTRACT_NOT_APPROVED,
            `Contract ${contract.number} is ${contract.status}: a payment needs an approved contract`,
            {
              contractId: contract.id,
              status: contract.status,
            },
          );
        }
        if (dto.currency && dto.currency !== contract.currency) {
          throw AppException.unprocessable(
            ErrorCode.CURRENCY_MISMATCH,
            `Contract ${contract.number} is in ${contract.currency}, not ${dto.currency}`,
            {
              currency: dto.currency,
              contractCurrency: contract.currency,
            },
          );
        }
      }
      const payment = await this.payments.create({
        customerId: customer.id,
        contractId: contract?.id ?? null,
        date: dto.date,
        amount: round2(dto.amount),
        currency: dto.currency ?? contract?.currency ?? 'CNY',
        method: dto.method,
        nature: dto.nature,
        reference: dto.reference?.trim() || null,
        reverses: null,
        note: dto.note?.trim() || null,
        createdBy: actor.id,
        createdByName: actor.name,
      });

      let projectNumber = contract?.projectNumber ?? null;
      let sheet: { id: string; version: number } | null = null;
      if (dto.nature === 'advance' && contract && !contract.projectNumber) {
        const year = yearOf(dto.date);
        projectNumber = formatProjectNumber(
          this.config.projectNumberPattern,
          year,
          await this.payments.nextProjectSequence(year),
        );
        const numbered = await this.contracts.setProjectNumber(actor, contract.id, projectNumber);
        contract = numbered;
        sheet = await this.contactSheets.open(actor, numbered);
      }
      await this.audit.record({
        actor,
        action: 'payment.create',
        entityType: 'payment',
        entityId: payment.id,
        details: {
          customerId: customer.id,
          contractId: contract?.id ?? null,
          date: payment.date,
          amount: payment.amount,
          currency: payment.currency,
          method: payment.method,
          nature: payment.nature,
          reference: payment.reference,
          projectNumberAssigned: sheet ? projectNumber : null,
        },
      });
      return { payment, customer, contract, projectNumber, sheet };
    });
    // After the commit: the render job must see the sheet, and Chromium must not run under the counter lock.
    let job: JobView | null = null;
    if (done.sheet) {
      try {
        job = await this.contactSheets.enqueueSync(actor, done.sheet.id);
      } catch (err) {
        // The payment and the sheet are recorded; POST /api/contracts/{id}/contact-sheet/render queues the copies again.
        this.logger.error(`queueing the contact sheet of contract ${done.contract?.id} failed: ${String(err)}`);
      }
    }
    return {
      ...view(done.payment, done.customer, done.contract),
      projectNumber: done.projectNumber,
      projectNumberAssigned: done.sheet !== null,
      contactSheet: done.sheet
        ? { version: done.sheet.version, status: 'open', job: job && { id: job.id, status: job.status } }
        : null,
    };
  }

  /**
   * Corrects a payment by recording its negative (today, same customer, contract and nature). A project number the
   * payment gave stays: it is never taken back.
   */
  async reverse(actor: AuthUser, id: string, reason: string): Promise<PaymentView> {
    return this.tx.run(async () => {
      const original = await this.payments.findByIdForUpdate(id);
      if (!original) throw notFound(id);
      if (original.reverses) {
        throw AppException.conflict(
          PaymentError.PAYMENT_IS_REVERSAL,
          'A reversal cannot be reversed: record the payment again',
          {
            id,
            reverses: original.reverses,
          },
        );
      }
      const earlier = await this.payments.findReversalOf(id);
      if (earlier)
        throw AppException.conflict(PaymentError.PAYMENT_ALREADY_REVERSED, 'This payment has been reversed already', {
          id,
          reversal: earlier.id,
        });
      const reversal = await this.payments.create({
        customerId: original.customerId,
        contractId: original.contractId,
        date: todayIso(),
        amount: round2(dec(original.amount).negated()),
        currency: original.currency,
        method: original.method,
        nature: original.nature,
        reference: original.reference,
        reverses: original.id,
        note: reason.trim(),
        createdBy: actor.id,
        createdByName: actor.name,
      });
      await this.audit.record({
        actor,
        action: 'payment.reverse',
        entityType: 'payment',
        entityId: reversal.id,
        details: { reverses: original.id, amount: reversal.amount, reason: reason.trim() },
      });
      return this.get(reversal.id);
    });
  }

  /** What other modules' documents say of these payments (a statement's lines); unknown ids are left out. */
  async kindsOf(ids: string[]): Promise<Map<string, PaymentKinds>> {
    if (!ids.length) return new Map();
    const rows = await this.payments.kindsOf([...new Set(ids)]);
    return new Map(rows.map((p) => [p.id, { nature: p.nature, method: p.method, reversal: p.reverses !== null }]));
  }

  async get(id: string): Promise<PaymentView> {
    const payment = await this.payments.findById(id);
    if (!payment) throw notFound(id);
    const [customer] = await this.customers.findByIds([payment.customerId]);
    const contract = payment.contractId ? await this.contracts.get(payment.contractId) : null;
    return view(payment, customer ?? { id: payment.customerId, name: '' }, contract);
  }

  /** A sales user lists only the payments of customers they own (auth/ownership.ts). */
  async list(user: AuthUser, query: PaymentQuery): Promise<Page<PaymentView>> {
    const { page, pageSize, ...filter } = query;
    const customerIds = await this.ownership.customerScope(user, filter.customerId);
    const [items, total] = await this.payments.list({ ...filter, customerIds }, page, pageSize);
    const customers = new Map((await this.customers.findByIds(items.map((p) => p.customerId))).map((c) => [c.id, c]));
    return {
      items: items.map((p) => view(p, customers.get(p.customerId) ?? { id: p.customerId, name: '' }, null)),
      total,
      page,
      pageSize,
    };
  }

  /** A customer the payment is from: 422 when there is none (the id is in the body, not the path). */
  private async customer(id: string): Promise<{ id: string; name: string }> {
    const [customer] = await this.customers.findByIds([id]);
    if (!customer)
      throw AppException.unprocessable(CustomerError.CUSTOMER_NOT_FOUND, 'No such customer', { customerId: id });
    return customer;
  }
}

function notFound(id: string): AppException {
  return AppException.notFound(PaymentError.PAYMENT_NOT_FOUND, 'No such payment', { id });
}

function view(
  p: Payment,
  customer: { id: string; name: string },
  contract: Pick<ContractView, 'id' | 'number' | 'projectNumber'> | null,
): PaymentView {
  return {
    id: p.id,
    customer: { id: customer.id, name: customer.name },
    contract: p.contractId
      ? { id: p.contractId, number: contract?.number ?? null, projectNumber: contract?.projectNumber ?? null }
      : null,
    date: p.date,
    amount: p.amount,
    currency: p.currency,
    method: p.method,
    nature: p.nature,
    reference: p.reference,
    note: p.note,
    reverses: p.reverses,
    createdBy: { id: p.createdBy, name: p.createdByName },
    createdAt: p.createdAt,
  };
}
