import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { CustomerError } from '../customers/index.js';
import { ContractError } from '../contracts/index.js';
import { ReceivableError } from './receivables.errors.js';
import { compare, dec, round2, sum, type Amount } from '../../common/money.js';
import { todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService } from '../audit/index.js';
import type { AuthUser } from '../auth/index.js';
import {
  buildStatement,
  contractSchedule,
  type AgingBucket,
  type ContractSchedule,
  type EventDates,
  type LedgerContract,
  type LedgerInvoice,
  type LedgerPayment,
  type ScheduleShare,
} from './ledger.js';
import { MILESTONE_EVENTS, type MilestoneEvent, type MilestoneSource } from './contract-milestone.entity.js';
import { LedgerReadModel, type ContractRow, type CustomerRow } from '../read-models/index.js';
import { ReceivablesRepository, type MilestoneRow } from './receivables.repository.js';

export type Actor = Pick<AuthUser, 'id' | 'name'>;

/** What the statements, deliveries and the dunning list read: a customer's ledger as the pure arithmetic wants it. */
export interface CustomerLedger {
  customer: { id: string; name: string; currency: string };
  contracts: LedgerContract[];
  invoices: LedgerInvoice[];
  payments: LedgerPayment[];
}

/** A before-delivery share due by a day and not fully paid, as the reminders read it. */
export interface BeforeDeliveryShareDue {
  contractId: string;
  number: string;
  customerId: string;
  customerName: string;
  currency: string;
  /** 1-based position in the schedule */
  share: number;
  event: ScheduleShare['event'];
  percent: string;
  label: string | null;
  dueDate: DateOnly;
  amount: Amount;
  outstanding: Amount;
}

export interface ContractScheduleView extends ContractSchedule {
  contractId: string;
  number: string;
  currency: string;
  /** The dates the shares hang on: signing date, milestones recorded by deliveries or by hand. */
  events: LedgerContract['events'];
}

/** A customer's account on one day (GET /api/receivables/customers/:id). */
export interface CustomerAccountView {
  customer: { id: string; name: string; currency: string; salesOwner: { id: string; name: string | null } | null };
  asOf: DateOnly;
  /** What the customer owes: contract totals signed up to asOf minus payments up to asOf (negative: in credit). */
  closingBalance: Amount;
  /** All six buckets; they add up to closingBalance exactly. */
  aging: Record<AgingBucket, Amount>;
  totals: { contracts: Amount; payments: Amount; invoiced: Amount };
  /** Credit on the account: contracts' overpayments, payments without a ledger contract, and what is left unapplied. */
  credit: { overpaid: Amount; withoutContract: Amount; unapplied: Amount };
  contracts: (ContractScheduleView & { signingDate: DateOnly; invoiced: Amount })[];
  payments: LedgerPayment[];
  invoices: LedgerInvoice[];
}

/**
 * The receivables ledger, read side: contracts (approved, active, completed; at their current revision), their
 * milestones, VAT invoices and payments (reversals included), turned into the inputs of ./ledger.ts.
 *
 * SIGNATURES ARE SHARED: deliveries, statements and statement runs call these; keep them as they are.
 *
 * Rules of the ledger (the arithmetic itself is in ./ledger.ts):
 * - Contracts: status approved, active or completed (LEDGER_STATUSES; not draft, review_failed, cancelled), at
 *   their current revision: total and payment terms from contract_revisions at contracts.revision, the signing
 *   date from the contract. A contract enters the ledger on its signing date.
 * - Event dates of a contract's shares: contract_signed = the signing date; before_delivery = its milestone (the
 *   first delivery notice's ship date, or corrected by hand), else the current revision's planned delivery date,
 *   else none (not yet due); on_delivery, after_acceptance, warranty_end, other = their milestone, else none.
 * - Payments: every row of the customer, reversals included (negative rows), each with its contract (or none);
 *   invoices likewise (red-letter invoices are negative rows). Invoices never move the balance.
 * - As of a day: contracts signed, payments and invoices dated up to that day (inclusive).
 * - A customer's ledger is taken to be in one currency (the currency of its contracts, CNY without any): amounts
 *   of different currencies are not converted.
 */
@Injectable()
export class ReceivablesService {
  constructor(
    private readonly repo: ReceivablesRepository,
    private readonly reads: LedgerReadModel,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  /** Everything up to `asOf` (inclusive) for one customer; payments and invoices of all dates when asOf is omitted. */
  async ledger(customerId: string, asOf?: DateOnly): Promise<CustomerLedger> {
    return (await this.load(customerId, asOf)).ledger;
  }

  /** One contract's schedule with due dates, paid and outstanding, on `asOf` (default: today). 404 CONTRACT_NOT_FOUND. */
  async schedule(contractId: string, asOf?: DateOnly): Promise<ContractScheduleView> {
    // Any status: a draft's schedule is what it will be once approved, a cancelled one's what it was.
    const row = await this.reads.contract(contractId);
    if (!row) throw contractNotFound(contractId);
    const [payments, milestones] = await Promise.all([
      this.reads.contractPayments(contractId),
      this.repo.milestones([contractId]),
    ]);
    const events = eventDates(row, milestones);
    return {
      contractId: row.id,
      number: row.number,
      currency: row.currency,
      events,
      ...contractSchedule({ total: row.total, paymentTerms: row.paymentTerms, events }, payments, asOf ?? todayIso()),
    };
  }

  /**
   * The shares that must be paid before goods ship (events `contract_signed` and `before_delivery`) and are not
   * fully paid today: the delivery notice's payment gate. Empty: the gate is open.
   */
  async dueBeforeDelivery(contractId: string): Promise<ScheduleShare[]> {
    // Only the contract's own payments count (applied in schedule order); credit elsewhere on the account does
    // not open the gate: it must be booked to this contract first.
    const s = await this.schedule(contractId);
    return s.shares.filter(owedBeforeDelivery);
  }

  /**
   * For the reminders (a system reader): the shares owed before goods ship (as dueBeforeDelivery: events
   * `contract_signed` and `before_delivery`, not fully paid on `today`) of every ledger contract signed by `today`,
   * whose due date is on or before `until` (past ones included: due and unpaid). Soonest first.
   */
  async beforeDeliverySharesDue(today: DateOnly, until: DateOnly): Promise<BeforeDeliveryShareDue[]> {
    const contracts = await this.reads.ledgerContractsOf(null, today);
    if (!contracts.length) return [];
    const customerIds = [...new Set(contracts.map((c) => c.customerId))];
    const [milestones, payments, customers] = await Promise.all([
      this.repo.milestones(contracts.map((c) => c.id)),
      this.reads.payments(customerIds, today),
      this.reads.customers(customerIds),
    ]);
    const names = new Map(customers.map((c) => [c.id, c.name]));
    const out: BeforeDeliveryShareDue[] = [];
    for (const c of contracts) {
      const events = eventDates(
        c,
        milestones.filter((m) => m.contractId === c.id),
      );
      const own = payments.filter((p) => p.contractId === c.id);
      const { shares } = contractSchedule({ total: c.total, paymentTerms: c.paymentTerms, events }, own, today);
      for (const sh of shares) {
        if (!owedBeforeDelivery(sh) || sh.dueDate === null || sh.dueDate > until) continue;
        out.push({
          contractId: c.id,
          number: c.number,
          customerId: c.customerId,
          customerName: names.get(c.customerId) ?? '',
          currency: c.currency,
          share: sh.share,
          event: sh.event,
          percent: sh.percent,
          label: sh.label,
          dueDate: sh.dueDate,
          amount: sh.amount,
          outstanding: sh.outstanding,
        });
      }
    }
    return out.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number < b.number ? -1 : 1));
  }

  /**
   * Records that a contract reached a milestone, in the caller's transaction. A milestone already recorded keeps
   * its first date unless `overwrite` (a correction by hand).
   */
  async recordMilestone(
    actor: Actor,
    input: {
      contractId: string;
      event: MilestoneEvent;
      date: DateOnly;
      source: MilestoneSource;
      deliveryId?: string | null;
      overwrite?: boolean;
    },
  ): Promise<void> {
    if (!(MILESTONE_EVENTS as readonly string[]).includes(input.event)) throw milestoneEventInvalid(input.event);
    if (!(await this.reads.contract(input.contractId))) throw contractNotFound(input.contractId);
    await this.repo.upsertMilestone(
      {
        contractId: input.contractId,
        event: input.event,
        date: input.date,
        source: input.source,
        deliveryId: input.deliveryId ?? null,
        recordedBy: actor.id,
        recordedByName: actor.name,
      },
      input.overwrite ?? false,
    );
  }

  /**
   * Customers to send a statement for the period: a non-zero closing balance on `to`, or any contract, invoice or
   * payment dated within from..to (from null: any activity up to `to`). Ordered by name.
   */
  async customersForStatements(
    from: DateOnly | null,
    to: DateOnly,
  ): Promise<{ id: string; name: string; closingBalance: Amount }[]> {
    // One aggregate query, not a ledger per customer: buildStatement's closing balance on `to` is exactly
    // sum(ledger contract totals signed <= to) - sum(payments <= to) (invoices do not move it), so the sums give it.
    const candidates = await this.reads.statementCandidates(from, to);
    return candidates
      .filter((c) => c.active || compare(c.balance, 0) !== 0)
      .map((c) => ({ id: c.id, name: c.name, closingBalance: c.balance }));
  }

  /** A milestone recorded (or corrected) by hand: PUT /api/contracts/:id/milestones/:event. Audited. */
  async setMilestone(
    actor: AuthUser,
    contractId: string,
    event: string,
    input: { date: DateOnly; note?: string },
  ): Promise<ContractScheduleView> {
    if (!(MILESTONE_EVENTS as readonly string[]).includes(event)) throw milestoneEventInvalid(event);
    const milestone = event as MilestoneEvent;
    const note = input.note?.trim() || null;
    await this.tx.run(async () => {
      const before = (await this.repo.milestones([contractId])).find((m) => m.event === milestone) ?? null;
      await this.recordMilestone(actor, {
        contractId,
        event: milestone,
        date: input.date,
        source: 'manual',
        overwrite: true,
      });
      // The milestone row has no note column: the note is kept in the audit entry.
      await this.audit.record({
        actor,
        action: 'contract.milestone',
        entityType: 'contract',
        entityId: contractId,
        details: {
          event: milestone,
          date: input.date,
          previous: before && { date: before.date, source: before.source },
          note,
        },
      });
    });
    return this.schedule(contractId);
  }

  /** A customer's account on `asOf` (default today): balance, all six aging buckets, each contract's schedule, credit. */
  async account(customerId: string, asOf: DateOnly = todayIso()): Promise<CustomerAccountView> {
    const { customer, rows, ledger } = await this.load(customerId, asOf);
    const statement = buildStatement({ from: null, to: asOf, ...ledger });
    const ids = new Set(ledger.contracts.map((c) => c.id));
    const byId = new Map(ledger.contracts.map((c) => [c.id, c]));
    const currencyOf = new Map(rows.map((c) => [c.id, c.currency]));
    const overpaid = sum(statement.schedules.map((s) => s.schedule.overpaid));
    const withoutContract = sum(
      ledger.payments.filter((p) => p.contractId === null || !ids.has(p.contractId)).map((p) => p.amount),
    );
    return {
      customer: {
        id: customer.id,
        name: customer.name,
        currency: ledger.customer.currency,
        salesOwner: customer.salesOwnerId ? { id: customer.salesOwnerId, name: customer.salesOwnerName } : null,
      },
      asOf,
      closingBalance: statement.closingBalance,
      aging: statement.aging,
      totals: {
        contracts: sum(ledger.contracts.map((c) => c.total)),
        payments: sum(ledger.payments.map((p) => p.amount)),
        invoiced: sum(ledger.invoices.map((i) => i.amount)),
      },
      credit: {
        overpaid,
        withoutContract,
        unapplied: round2(dec(statement.aging.unappliedCredit).negated()),
      },
      contracts: statement.schedules.map((s) => {
        const c = byId.get(s.contractId)!;
        return {
          contractId: s.contractId,
          number: s.number,
          currency: currencyOf.get(s.contractId) ?? ledger.customer.currency,
          signingDate: c.signingDate,
          events: c.events,
          invoiced: sum(ledger.invoices.filter((i) => i.contractId === s.contractId).map((i) => i.amount)),
          ...s.schedule,
        };
      }),
      payments: ledger.payments,
      invoices: ledger.invoices,
    };
  }
  private async load(
    customerId: string,
    asOf?: DateOnly,
  ): Promise<{ customer: CustomerRow; rows: ContractRow[]; ledger: CustomerLedger }> {
    const customer = await this.reads.customer(customerId);
    if (!customer) throw customerNotFound(customerId);
    const [rows, payments, invoices] = await Promise.all([
      this.reads.ledgerContracts(customerId, asOf),
      this.reads.payments([customerId], asOf),
      this.reads.invoices(customerId, asOf),
    ]);
    const milestones = await this.repo.milestones(rows.map((c) => c.id));
    const ledger: CustomerLedger = {
      customer: { id: customer.id, name: customer.name, currency: ledgerCurrency(rows) },
      contracts: ledgerContracts(rows, milestones),
      invoices: invoices.map((i) => ({
        id: i.id,
        number: i.number,
        date: i.date,
        amount: i.amount,
        contractId: i.contractId,
      })),
      payments: payments.map((p) => ({
        id: p.id,
        date: p.date,
        amount: p.amount,
        contractId: p.contractId,
        reference: p.reference,
      })),
    };
    return { customer, rows, ledger };
  }
}

/** A share that must be paid before goods ship (预付款 at signing, 提货款 before delivery) and is not fully paid. */
function owedBeforeDelivery(sh: ScheduleShare): boolean {
  return (sh.event === 'contract_signed' || sh.event === 'before_delivery') && compare(sh.outstanding, 0) > 0;
}

/** The dates a contract's shares hang on (see the rules above). */
export function eventDates(
  contract: Pick<ContractRow, 'signingDate' | 'deliveryDate'>,
  milestones: MilestoneRow[],
): EventDates {
  const at = (event: MilestoneEvent) => milestones.find((m) => m.event === event)?.date ?? null;
  return {
    contract_signed: contract.signingDate,
    before_delivery: at('before_delivery') ?? contract.deliveryDate ?? null,
    on_delivery: at('on_delivery'),
    after_acceptance: at('after_acceptance'),
    warranty_end: at('warranty_end'),
    other: at('other'),
  };
}

export function ledgerContracts(rows: ContractRow[], milestones: MilestoneRow[]): LedgerContract[] {
  return rows.map((c) => ({
    id: c.id,
    number: c.number,
    signingDate: c.signingDate,
    total: c.total,
    paymentTerms: c.paymentTerms,
    events: eventDates(
      c,
      milestones.filter((m) => m.contractId === c.id),
    ),
  }));
}

/** The currency most of the customer's contracts are in (CNY without any). */
export function ledgerCurrency(rows: Pick<ContractRow, 'currency'>[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.currency, (counts.get(r.currency) ?? 0) + 1);
  let best = 'CNY';
  let most = 0;
  for (const [currency, n] of counts)
    if (n > most) {
      best = currency;
      most = n;
    }
  return best;
}

function customerNotFound(id: string): AppException {
  return AppException.notFound(CustomerError.CUSTOMER_NOT_FOUND, 'No such customer', { customerId: id });
}

function contractNotFound(id: string): AppException {
  return AppException.notFound(ContractError.CONTRACT_NOT_FOUND, 'No such contract', { contractId: id });
}

function milestoneEventInvalid(event: string): AppException {
  return AppException.unprocessable(
    ReceivableError.MILESTONE_EVENT_INVALID,
    event === 'contract_signed'
      ? 'contract_signed is the contract’s signing date: change the contract, not a milestone'
      : `Unknown milestone event ${event}`,
    { event, allowed: MILESTONE_EVENTS },
  );
}
