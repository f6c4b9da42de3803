import { compare, dec, round2, sum, type Amount } from '../../common/money.js';
import { addDays, daysBetween, type DateOnly } from '../../common/tabular/date-only.js';
import type { PaymentEvent, PaymentShare } from '../quotations/index.js';

/**
 * The receivables arithmetic, pure: a contract's payment schedule with due dates and what is paid of each share,
 * and a customer's statement (opening balance, lines with a running balance, closing balance, aging).
 *
 * Rules, in one place:
 * - A share's amount is total x percent, rounded half-up; the last share takes the remainder, so the shares add
 *   up to the total exactly.
 * - A share is due `days` (0 when unset) after its event's date; an event that has not happened yet (no delivery,
 *   no acceptance) leaves the share without a due date: not yet due.
 * - A contract's payments are applied to its shares in schedule order (the advance first), oldest payment first.
 *   What a contract's payments exceed its total by, and payments without a contract, are credit: applied to the
 *   customer's other outstanding shares, most overdue first; what remains is shown as unapplied credit, never
 *   dropped.
 * - The balance is what the customer owes: contract amounts raise it, payments lower it. Invoices (VAT invoices
 *   issued) are listed for reconciliation but do not move the balance: the contract amount already did.
 * - Aging buckets by days past the due date on the as-of day: not yet due (or no due date), 1-30, 31-60, 61-90,
 *   over 90, and unapplied credit (negative). They add up to the closing balance exactly.
 */

export type EventDates = Record<PaymentEvent, DateOnly | null>;

export interface ScheduleShare {
  /** 1-based position in the schedule */
  share: number;
  percent: string;
  event: PaymentEvent;
  days: number | null;
  label: string | null;
  amount: Amount;
  dueDate: DateOnly | null;
  paid: Amount;
  outstanding: Amount;
}

export interface ContractSchedule {
  shares: ScheduleShare[];
  total: Amount;
  paid: Amount;
  outstanding: Amount;
  /** Paid beyond the total (kept, shown; a statement applies it as credit). */
  overpaid: Amount;
}

/** The shares' amounts: half-up each, the last one the remainder. */
export function shareAmounts(total: Amount, shares: Pick<PaymentShare, 'percent'>[]): Amount[] {
  if (!shares.length) return [];
  const amounts = shares.slice(0, -1).map((s) => round2(dec(total).times(s.percent).dividedBy(100)));
  return [...amounts, round2(dec(total).minus(sum(amounts)))];
}

export function dueDate(share: Pick<PaymentShare, 'event' | 'days'>, events: EventDates): DateOnly | null {
  const date = events[share.event];
  return date ? addDays(date, share.days ?? 0) : null;
}

/** The schedule of one contract with its payments (those dated up to `asOf` when given) applied in order. */
export function contractSchedule(
  contract: { total: Amount; paymentTerms: PaymentShare[]; events: EventDates },
  payments: { date: DateOnly; amount: Amount }[],
  asOf?: DateOnly,
): ContractSchedule {
  const counted = payments.filter((p) => !asOf || p.date <= asOf);
  const paidTotal = sum(counted.map((p) => p.amount));
  let left = dec(paidTotal);
  const amounts = shareAmounts(contract.total, contract.paymentTerms);
  const shares = contract.paymentTerms.map((share, i) => {
    const amount = amounts[i]!;
    const paid = left.lessThanOrEqualTo(0) ? dec(0) : left.greaterThan(amount) ? dec(amount) : left;
    left = left.minus(paid);
    return {
      share: i + 1,
      percent: share.percent,
      event: share.event,
      days: share.days,
      label: share.label,
      amount,
      dueDate: dueDate(share, contract.events),
      paid: round2(paid),
      outstanding: round2(dec(amount).minus(paid)),
    };
  });
  // A schedule with no shares owes its total at once (nothing to spread it over).
  const overpaid = compare(paidTotal, contract.total) > 0 ? round2(dec(paidTotal).minus(contract.total)) : '0.00';
  return {
    shares,
    total: round2(contract.total),
    paid: paidTotal,
    outstanding: round2(dec(contract.total).minus(paidTotal).greaterThan(0) ? dec(contract.total).minus(paidTotal) : 0),
    overpaid,
  };
}

export interface LedgerContract {
  id: string;
  number: string;
  signingDate: DateOnly;
  total: Amount;
  paymentTerms: PaymentShare[];
  events: EventDates;
}
export interface LedgerInvoice {
  id: string;
  number: string;
  date: DateOnly;
  /** incl. VAT */
  amount: Amount;
  contractId: string | null;
}
export interface LedgerPayment {
  id: string;
  date: DateOnly;
  amount: Amount;
  contractId: string | null;
  reference: string | null;
}

export type StatementLineKind = 'contract' | 'invoice' | 'payment';
export interface StatementLine {
  date: DateOnly;
  kind: StatementLineKind;
  /** contract number, invoice number or payment reference */
  reference: string | null;
  contractNumber: string | null;
  /** raises the balance (contract amounts) */
  debit: Amount | null;
  /** lowers the balance (payments) */
  credit: Amount | null;
  /** shown, balance unchanged (invoices) */
  memo: Amount | null;
  balance: Amount;
}

export const AGING_BUCKETS = ['notDue', 'days1to30', 'days31to60', 'days61to90', 'over90', 'unappliedCredit'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export interface Statement {
  from: DateOnly | null;
  to: DateOnly;
  openingBalance: Amount;
  lines: StatementLine[];
  closingBalance: Amount;
  totals: { debit: Amount; credit: Amount; invoiced: Amount };
  aging: Record<AgingBucket, Amount>;
  /** Per contract as of `to`: the schedule with due dates, paid and outstanding. */
  schedules: { contractId: string; number: string; schedule: ContractSchedule }[];
}

const KIND_ORDER: Record<StatementLineKind, number> = { contract: 0, invoice: 1, payment: 2 };

/** A statement for the period from..to (from null: an as-of statement, everything up to `to`). */
export function buildStatement(input: {
  from: DateOnly | null;
  to: DateOnly;
  contracts: LedgerContract[];
  invoices: LedgerInvoice[];
  payments: LedgerPayment[];
}): Statement {
  const { from, to } = input;
  if (from && from > to) throw new RangeError(`statement period ${from}..${to} ends before it starts`);
  const numberOf = new Map(input.contracts.map((c) => [c.id, c.number]));
  const before = (d: DateOnly) => from !== null && d < from;
  const within = (d: DateOnly) => !before(d) && d <= to;

  const openingBalance = round2(
    dec(sum(input.contracts.filter((c) => before(c.signingDate)).map((c) => c.total))).minus(
      sum(input.payments.filter((p) => before(p.date)).map((p) => p.amount)),
    ),
  );

  type Entry = Omit<StatementLine, 'balance'> & { order: string };
  const entries: Entry[] = [
    ...input.contracts
      .filter((c) => within(c.signingDate))
      .map((c) => ({
        date: c.signingDate,
        kind: 'contract' as const,
        reference: c.number,
        contractNumber: c.number,
        debit: round2(c.total),
        credit: null,
        memo: null,
        order: c.number,
      })),
    ...input.invoices
      .filter((i) => within(i.date))
      .map((i) => ({
        date: i.date,
        kind: 'invoice' as const,
        reference: i.number,
        contractNumber: i.contractId ? (numberOf.get(i.contractId) ?? null) : null,
        debit: null,
        credit: null,
        memo: round2(i.amount),
        order: i.number,
      })),
    ...input.payments
      .filter((p) => within(p.date))
      .map((p) => ({
        date: p.date,
        kind: 'payment' as const,
        reference: p.reference,
        contractNumber: p.contractId ? (numberOf.get(p.contractId) ?? null) : null,
        debit: null,
        credit: round2(p.amount),
        memo: null,
        order: p.id,
      })),
  ].sort(
    (a, b) => a.date.localeCompare(b.date) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.order.localeCompare(b.order),
  );

  let balance = dec(openingBalance);
  const lines = entries.map(({ order: _order, ...e }) => {
    balance = balance.plus(e.debit ?? 0).minus(e.credit ?? 0);
    return { ...e, balance: round2(balance) };
  });
  const closingBalance = round2(balance);

  const { aging, schedules } = agingOn(to, input.contracts, input.payments);
  return {
    from,
    to,
    openingBalance,
    lines,
    closingBalance,
    totals: {
      debit: sum(lines.map((l) => l.debit ?? 0)),
      credit: sum(lines.map((l) => l.credit ?? 0)),
      invoiced: sum(lines.map((l) => l.memo ?? 0)),
    },
    aging,
    schedules,
  };
}

export function agingBucket(dueDate: DateOnly | null, asOf: DateOnly): Exclude<AgingBucket, 'unappliedCredit'> {
  const late = dueDate === null ? 0 : daysBetween(dueDate, asOf);
  if (late <= 0) return 'notDue';
  if (late <= 30) return 'days1to30';
  if (late <= 60) return 'days31to60';
  if (late <= 90) return 'days61to90';
  return 'over90';
}

/** Outstanding shares by age on `asOf`, after credit (overpayments, payments without a contract) is applied. */
function agingOn(
  asOf: DateOnly,
  contracts: LedgerContract[],
  payments: LedgerPayment[],
): { aging: Record<AgingBucket, Amount>; schedules: Statement['schedules'] } {
  // The credit rule lives in openShares (the dunning list reads the same shares): the buckets are their sums.
  const { shares, unappliedCredit } = openShares(asOf, contracts, payments);
  const aging: Record<AgingBucket, Amount> = {
    notDue: '0.00',
    days1to30: '0.00',
    days31to60: '0.00',
    days61to90: '0.00',
    over90: '0.00',
    unappliedCredit,
  };
  for (const share of shares) aging[share.bucket] = round2(dec(aging[share.bucket]).plus(share.outstanding));
  const counted = payments.filter((p) => p.date <= asOf);
  const schedules = contracts
    .filter((c) => c.signingDate <= asOf)
    .map((c) => ({
      contractId: c.id,
      number: c.number,
      schedule: contractSchedule(
        c,
        counted.filter((p) => p.contractId === c.id),
      ),
    }));
  return { aging, schedules };
}

/** One share still owed on the as-of day, after credit was applied (see openShares). */
export interface OpenShare {
  contractId: string;
  number: string;
  /** 1-based position in the schedule; null for a contract without shares (its total is owed at signing) */
  share: number | null;
  event: PaymentEvent | null;
  label: string | null;
  dueDate: DateOnly | null;
  amount: Amount;
  /** What the contract's own payments left of the share. */
  unpaid: Amount;
  /** What is left after the customer's credit (overpayments, payments without a contract) was applied. */
  outstanding: Amount;
  /** Days past the due date on the as-of day (0 when not yet due or undated). */
  daysOverdue: number;
  bucket: Exclude<AgingBucket, 'unappliedCredit'>;
}

/**
 * The shares behind the aging on `asOf`, one row each, with the same credit application as buildStatement's
 * aging (most overdue first, undated last, schedule order on a tie): bucketing their `outstanding` gives its aging
 * buckets, and `unappliedCredit` what no share could absorb. The dunning list is made from these rows. Shares paid
 * in full before credit are left out; shares that credit paid off stay in with outstanding 0.00.
 */
export function openShares(
  asOf: DateOnly,
  contracts: LedgerContract[],
  payments: LedgerPayment[],
): { shares: OpenShare[]; unappliedCredit: Amount } {
  const counted = payments.filter((p) => p.date <= asOf);
  const signed = contracts.filter((c) => c.signingDate <= asOf);
  const signedIds = new Set(signed.map((c) => c.id));
  const schedules = signed.map((c) =>
    contractSchedule(
      c,
      counted.filter((p) => p.contractId === c.id),
    ),
  );
  let credit = dec(
    sum([
      ...schedules.map((s) => s.overpaid),
      ...counted.filter((p) => p.contractId === null || !signedIds.has(p.contractId)).map((p) => p.amount),
    ]),
  );
  type Row = Omit<OpenShare, 'outstanding' | 'daysOverdue' | 'bucket'>;
  const open: Row[] = schedules.flatMap((s, i) => {
    const c = signed[i]!;
    const rows: Row[] = s.shares
      .filter((sh) => compare(sh.outstanding, 0) > 0)
      .map((sh) => ({
        contractId: c.id,
        number: c.number,
        share: sh.share,
        event: sh.event,
        label: sh.label,
        dueDate: sh.dueDate,
        amount: sh.amount,
        unpaid: sh.outstanding,
      }));
    if (!s.shares.length && compare(s.outstanding, 0) > 0)
      rows.push({
        contractId: c.id,
        number: c.number,
        share: null,
        event: null,
        label: null,
        dueDate: c.signingDate,
        amount: s.total,
        unpaid: s.outstanding,
      });
    return rows;
  });
  open.sort((a, b) =>
    a.dueDate === b.dueDate ? 0 : a.dueDate === null ? 1 : b.dueDate === null ? -1 : a.dueDate.localeCompare(b.dueDate),
  );
  const shares = open.map((row) => {
    const unpaid = dec(row.unpaid);
    const applied = credit.greaterThan(unpaid) ? unpaid : credit.greaterThan(0) ? credit : dec(0);
    credit = credit.minus(applied);
    const late = row.dueDate === null ? 0 : daysBetween(row.dueDate, asOf);
    return {
      ...row,
      outstanding: round2(unpaid.minus(applied)),
      daysOverdue: Math.max(0, late),
      bucket: agingBucket(row.dueDate, asOf),
    };
  });
  return { shares, unappliedCredit: round2(credit.negated()) };
}
