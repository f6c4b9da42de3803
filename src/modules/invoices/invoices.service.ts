import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { InvoiceError } from './invoices.errors.js';
import { ContractError, type ContractStatus, type ContractView, ContractsService } from '../contracts/index.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { CustomerError, CustomersService } from '../customers/index.js';
import { compare, dec, round2, type Amount } from '../../common/money.js';
import type { Page } from '../../common/pagination.js';
import { todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService } from '../audit/index.js';
import { type AuthUser, OwnershipService } from '../auth/index.js';
import type { CreateInvoiceDto, InvoiceQuery } from './dto/invoice.dto.js';
import type { Invoice, InvoiceKind } from './invoice.entity.js';
import { InvoicesRepository } from './invoices.repository.js';

/** Contracts that can be invoiced: those in the receivables ledger (not a draft, a failed review or a cancelled one). */
/** The contract statuses an invoice may be recorded against (also GET /api/meta's statusSets). */
export const INVOICEABLE: readonly ContractStatus[] = ['approved', 'active', 'completed'];

export interface InvoiceView {
  id: string;
  number: string;
  kind: InvoiceKind;
  customer: { id: string; name: string };
  contract: { id: string; number: string | null } | null;
  date: DateOnly;
  /** incl. VAT */
  amount: Amount;
  tax: Amount;
  /** amount - tax */
  net: Amount;
  currency: string;
  note: string | null;
  /** The invoice this red-letter invoice cancels. */
  reverses: string | null;
  /** The red-letter invoice that cancels this one. */
  reversedBy: string | null;
  createdBy: { id: string | null; name: string };
  createdAt: Date;
}

/**
 * VAT invoices issued (开票): listed on statements for reconciliation, never moving the balance (the contract
 * amount did). Never edited: a wrong invoice is cancelled by a red-letter invoice (红字发票) with its own number,
 * the negative amount and tax, and `reverses` set. A contract is never invoiced beyond its total.
 */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly invoices: InvoicesRepository,
    private readonly contracts: ContractsService,
    private readonly customers: CustomersService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly ownership: OwnershipService,
  ) {}

  async create(actor: AuthUser, dto: CreateInvoiceDto): Promise<InvoiceView> {
    const number = dto.number.trim();
    const id = await this.tx.run(async () => {
      const customer = await this.customer(dto.customerId);
      let contract: ContractView | null = null;
      if (dto.contractId) {
        // Locked first: two invoices of one contract queue here, so both cannot pass the total check.
        await this.contracts.lockForUpdate(dto.contractId);
        contract = await this.contracts.get(dto.contractId);
        if (contract.customer.id !== customer.id) {
          throw AppException.unprocessable(
            InvoiceError.INVOICE_CUSTOMER_MISMATCH,
            `Contract ${contract.number} is with another customer`,
            { customerId: customer.id, contractId: contract.id, contractCustomerId: contract.customer.id },
          );
        }
        if (!INVOICEABLE.includes(contract.status)) {
          throw AppException.conflict(
            ContractError.CONTRACT_NOT_APPROVED,
            `Contract ${contract.number} is ${contract.status}: an invoice needs an approved contract`,
            { contractId: contract.id, status: contract.status },
          );
        }
        if (dto.currency && dto.currency !== contract.currency) {
          throw AppException.unprocessable(
            ErrorCode.CURRENCY_MISMATCH,
            `Contract ${contract.number} is in ${contract.currency}, not ${dto.currency}`,
            { currency: dto.currency, contractCurrency: contract.currency },
          );
        }
        const invoiced = await this.invoices.invoicedOnContract(contract.id);
        const after = round2(dec(invoiced).plus(dto.amount));
        if (compare(after, contract.total) > 0) {
          throw AppException.unprocessable(
            InvoiceError.INVOICE_EXCEEDS_CONTRACT,
            `Contract ${contract.number} totals ${contract.total}; ${invoiced} is invoiced already, ${dto.amount} more would make ${after}`,
            {
              contractId: contract.id,
              contractTotal: contract.total,
              invoiced,
              amount: round2(dto.amount),
              remaining: round2(dec(contract.total).minus(invoiced)),
            },
          );
        }
      }
      await this.takeNumber(number);
      const invoice = await this.invoices.create({
        number,
        kind: dto.kind ?? 'special',
        customerId: customer.id,
        contractId: contract?.id ?? null,
        date: dto.date,
        amount: round2(dto.amount),
        tax: round2(dto.tax),
        currency: dto.currency ?? contract?.currency ?? 'CNY',
        reverses: null,
        note: dto.note?.trim() || null,
        createdBy: actor.id,
        createdByName: actor.name,
      });
      await this.audit.record({
        actor,
        action: 'invoice.create',
        entityType: 'invoice',
        entityId: invoice.id,
        details: {
          number: invoice.number,
          kind: invoice.kind,
          customerId: invoice.customerId,
          contractId: invoice.contractId,
          date: invoice.date,
          amount: invoice.amount,
          tax: invoice.tax,
          currency: invoice.currency,
        },
      });
      return invoice.id;
    });
    return this.get(id);
  }

  /** Cancels an invoice by a red-letter invoice: its own number, the negative amount and tax, `reverses` set. */
  async reverse(
    actor: AuthUser,
    id: string,
    input: { number: string; reason: string; date?: DateOnly },
  ): Promise<InvoiceView> {
    const number = input.number.trim();
    const reversalId = await this.tx.run(async () => {
      const original = await this.invoices.findByIdForUpdate(id);
      if (!original) throw notFound(id);
      if (original.reverses) {
        throw AppException.conflict(
          InvoiceError.INVOICE_IS_REVERSAL,
          'A red-letter invoice cannot be reversed: issue the invoice again',
          {
            id,
            reverses: original.reverses,
          },
        );
      }
      const earlier = await this.invoices.findReversalOf(id);
      if (earlier) {
        throw AppException.conflict(
          InvoiceError.INVOICE_ALREADY_REVERSED,
          `Invoice ${original.number} has been reversed already`,
          {
            id,
            reversal: earlier.id,
            reversalNumber: earlier.number,
          },
        );
      }
      const date = input.date ?? todayIso();
      if (date < original.date) {
        throw AppException.unprocessable(
          InvoiceError.INVOICE_DATE_BEFORE_ORIGINAL,
          `A red-letter invoice cannot be dated before the invoice it cancels (${original.date})`,
          { date, originalDate: original.date },
        );
      }
      await this.takeNumber(number);
      const reason = input.reason.trim();
      const reversal = await this.invoices.create({
        number,
        kind: original.kind,
        customerId: original.customerId,
        contractId: original.contractId,
        date,
        amount: round2(dec(original.amount).negated()),
        tax: round2(dec(original.tax).negated()),
        currency: original.currency,
        reverses: original.id,
        note: reason,
        createdBy: actor.id,
        createdByName: actor.name,
      });
      await this.audit.record({
        actor,
        action: 'invoice.reverse',
        entityType: 'invoice',
        entityId: reversal.id,
        details: { reverses: original.id, number, date, amount: reversal.amount, tax: reversal.tax, reason },
      });
      return reversal.id;
    });
    return this.get(reversalId);
  }

  /** What other modules' documents say of these invoices (a statement's lines); unknown ids are left out. */
  async kindsOf(ids: string[]): Promise<Map<string, { kind: InvoiceKind }>> {
    if (!ids.length) return new Map();
    const rows = await this.invoices.kindsOf([...new Set(ids)]);
    return new Map(rows.map((i) => [i.id, { kind: i.kind }]));
  }

  async get(id: string): Promise<InvoiceView> {
    const invoice = await this.invoices.findById(id);
    if (!invoice) throw notFound(id);
    const [views] = await this.views([invoice]);
    return views!;
  }

  /** A sales user lists only the invoices of customers they own (auth/ownership.ts). */
  async list(user: AuthUser, query: InvoiceQuery): Promise<Page<InvoiceView>> {
    const { page, pageSize, ...filter } = query;
    const customerIds = await this.ownership.customerScope(user, filter.customerId);
    const [items, total] = await this.invoices.list({ ...filter, customerIds }, page, pageSize);
    return { items: await this.views(items), total, page, pageSize };
  }

  private async views(items: Invoice[]): Promise<InvoiceView[]> {
    const customers = new Map(
      (await this.customers.findByIds([...new Set(items.map((i) => i.customerId))])).map((c) => [c.id, c]),
    );
    const contractIds = [...new Set(items.map((i) => i.contractId).filter((x): x is string => x !== null))];
    const numbers = await this.contracts.labels(contractIds);
    const reversals = await this.invoices.reversalsOf(items.map((i) => i.id));
    return items.map((i) => ({
      id: i.id,
      number: i.number,
      kind: i.kind,
      customer: { id: i.customerId, name: customers.get(i.customerId)?.name ?? '' },
      contract: i.contractId ? { id: i.contractId, number: numbers.get(i.contractId)?.number ?? null } : null,
      date: i.date,
      amount: i.amount,
      tax: i.tax,
      net: round2(dec(i.amount).minus(i.tax)),
      currency: i.currency,
      note: i.note,
      reverses: i.reverses,
      reversedBy: reversals.get(i.id) ?? null,
      createdBy: { id: i.createdBy, name: i.createdByName },
      createdAt: i.createdAt,
    }));
  }

  /** The number, held until the transaction ends; 409 INVOICE_NUMBER_TAKEN when an invoice has it. */
  private async takeNumber(number: string): Promise<void> {
    await this.invoices.lockNumber(number);
    const taken = await this.invoices.findByNumber(number);
    if (taken) {
      throw AppException.conflict(InvoiceError.INVOICE_NUMBER_TAKEN, `Invoice number ${number} is taken`, {
        number,
        invoiceId: taken.id,
      });
    }
  }

  /** The customer invoiced: 422 when there is none (the id is in the body, not the path). */
  private async customer(id: string): Promise<{ id: string; name: string }> {
    const [customer] = await this.customers.findByIds([id]);
    if (!customer)
      throw AppException.unprocessable(CustomerError.CUSTOMER_NOT_FOUND, 'No such customer', { customerId: id });
    return customer;
  }
}

function notFound(id: string): AppException {
  return AppException.notFound(InvoiceError.INVOICE_NOT_FOUND, 'No such invoice', { id });
}
