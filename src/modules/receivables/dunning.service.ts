import { Injectable } from '@nestjs/common';
import { compare, sum, type Amount } from '../../common/money.js';
import { exportTable, type ExportedFile } from '../../common/tabular/export-table.js';
import { defineTable } from '../../common/tabular/table-spec.js';
import { todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { type AuthUser, OwnershipService } from '../auth/index.js';
import type { PaymentEvent } from '../quotations/index.js';
import { openShares, type AgingBucket, type OpenShare } from './ledger.js';
import { LedgerReadModel, type ContractRow, type CustomerRow } from '../read-models/index.js';
import { ReceivablesRepository } from './receivables.repository.js';
import { ledgerContracts } from './receivables.service.js';

export type OverdueBucket = Exclude<AgingBucket, 'notDue' | 'unappliedCredit'>;
export const OVERDUE_BUCKETS: readonly OverdueBucket[] = ['days1to30', 'days31to60', 'days61to90', 'over90'];

export interface OverdueShare {
  share: number | null;
  event: PaymentEvent | null;
  label: string | null;
  dueDate: DateOnly;
  daysOverdue: number;
  bucket: OverdueBucket;
  /** The share's amount per the schedule. */
  amount: Amount;
  /** Still owed after the contract's payments and the customer's credit (as in the aging). */
  outstanding: Amount;
}

export interface OverdueContract {
  contractId: string;
  number: string;
  currency: string;
  overdue: Amount;
  maxDaysOverdue: number;
  shares: OverdueShare[];
}

export interface OverdueCustomer {
  customer: { id: string; name: string };
  salesOwner: { id: string; name: string | null } | null;
  overdue: Amount;
  maxDaysOverdue: number;
  buckets: Record<OverdueBucket, Amount>;
  contracts: OverdueContract[];
}

export interface OverdueList {
  asOf: DateOnly;
  minDays: number;
  salesOwnerId: string | null;
  customers: OverdueCustomer[];
}

export interface OverdueQueryInput {
  asOf?: DateOnly;
  customerId?: string;
  salesOwnerId?: string;
  minDays?: number;
}

const EVENT_ZH: Record<PaymentEvent, string> = {
  contract_signed: '合同签订',
  before_delivery: '发货前',
  on_delivery: '到货',
  after_acceptance: '验收',
  warranty_end: '质保期满',
  other: '其他',
};
const BUCKET_ZH: Record<OverdueBucket, string> = {
  days1to30: '1-30天',
  days31to60: '31-60天',
  days61to90: '61-90天',
  over90: '90天以上',
};

/** One row of the XLSX export: one overdue share. */
class OverdueSheetRow {
  customer!: string;
  salesOwner!: string;
  contractNumber!: string;
  share!: string;
  event!: string;
  dueDate!: string;
  daysOverdue!: string;
  bucket!: string;
  currency!: string;
  amount!: string;
  outstanding!: string;
}

const OVERDUE_SHEET = defineTable<OverdueSheetRow>({
  name: 'overdue',
  title: '逾期应收',
  dto: OverdueSheetRow,
  columns: [
    { key: 'customer', header: '客户', width: 28 },
    { key: 'salesOwner', header: '业务员', width: 10 },
    { key: 'contractNumber', header: '合同编号', width: 16 },
    { key: 'share', header: '期次', type: 'integer', width: 6 },
    { key: 'event', header: '付款节点', width: 12 },
    { key: 'dueDate', header: '到期日', type: 'date', width: 12 },
    { key: 'daysOverdue', header: '逾期天数', type: 'integer', width: 10 },
    { key: 'bucket', header: '账龄', width: 10 },
    { key: 'currency', header: '币种', width: 6 },
    { key: 'amount', header: '应收金额', type: 'amount', width: 16, priced: true },
    { key: 'outstanding', header: '逾期未收', type: 'amount', width: 16, priced: true },
  ],
});

/**
 * The dunning list (催款清单): customers and contracts with overdue shares on a day, for the sales owners.
 * A share is overdue when its due date is before the as-of day and something of it is still owed after the same
 * credit application as the aging (ledger.ts openShares): an overpayment elsewhere on the account pays the most
 * overdue share first, so the list never chases money the customer has already paid.
 */
@Injectable()
export class DunningService {
  constructor(
    private readonly repo: ReceivablesRepository,
    private readonly reads: LedgerReadModel,
    private readonly ownership: OwnershipService,
  ) {}

  async overdue(user: AuthUser, query: OverdueQueryInput): Promise<OverdueList> {
    // A sales user sees the overdue list of their own customers only (auth/ownership.ts).
    return this.overdueFor({ ...query, salesOwnerId: this.ownership.listOwner(user, query.salesOwnerId) });
  }

  /**
   * The list without the caller's ownership scope: for workflows that checked who may ask already (the dunning
   * letters module lists a caller's own customers through `overdue`, and issues for one customer through this).
   */
  async overdueFor(query: OverdueQueryInput): Promise<OverdueList> {
    const asOf = query.asOf ?? todayIso();
    const minDays = query.minDays ?? 1;
    const salesOwnerId = query.salesOwnerId ?? null;
    const ids = await this.reads.customersWithReceivables(asOf, {
      customerId: query.customerId,
      salesOwnerId: salesOwnerId ?? undefined,
    });
    if (!ids.length) return { asOf, minDays, salesOwnerId, customers: [] };
    // Four queries whatever the number of customers; the arithmetic per customer is in memory.
    const [contracts, payments, customers] = await Promise.all([
      this.reads.ledgerContractsOf(ids, asOf),
      this.reads.payments(ids, asOf),
      this.reads.customers(ids),
    ]);
    const milestones = await this.repo.milestones(contracts.map((c) => c.id));
    const rowsById = new Map(contracts.map((c) => [c.id, c]));
    const contractsOf = groupBy(contracts, (c) => c.customerId);
    const paymentsOf = groupBy(payments, (p) => p.customerId);
    const milestonesOf = groupBy(milestones, (m) => rowsById.get(m.contractId)?.customerId ?? '');
    const list: OverdueCustomer[] = [];
    for (const customer of customers) {
      const { shares } = openShares(
        asOf,
        ledgerContracts(contractsOf.get(customer.id) ?? [], milestonesOf.get(customer.id) ?? []),
        paymentsOf.get(customer.id) ?? [],
      );
      const overdue = shares.filter(
        (s) => s.dueDate !== null && s.dueDate < asOf && compare(s.outstanding, 0) > 0 && s.daysOverdue >= minDays,
      );
      if (overdue.length) list.push(customerEntry(customer, overdue, rowsById));
    }
    list.sort(
      (a, b) =>
        b.maxDaysOverdue - a.maxDaysOverdue ||
        compare(b.overdue, a.overdue) ||
        a.customer.name.localeCompare(b.customer.name, 'zh-CN'),
    );
    return { asOf, minDays, salesOwnerId, customers: list };
  }

  async overdueXlsx(user: AuthUser, query: OverdueQueryInput): Promise<ExportedFile> {
    const list = await this.overdue(user, query);
    const rows: OverdueSheetRow[] = list.customers.flatMap((c) =>
      c.contracts.flatMap((k) =>
        k.shares.map((s) => ({
          customer: c.customer.name,
          salesOwner: c.salesOwner?.name ?? '',
          contractNumber: k.number,
          share: s.share === null ? '' : String(s.share),
          event: s.label ?? (s.event ? EVENT_ZH[s.event] : '合同总额'),
          dueDate: s.dueDate,
          daysOverdue: String(s.daysOverdue),
          bucket: BUCKET_ZH[s.bucket],
          currency: k.currency,
          amount: s.amount,
          outstanding: s.outstanding,
        })),
      ),
    );
    // Only roles that see amounts reach this route (production is refused), so the amount columns stay in.
    const file = await exportTable(OVERDUE_SHEET, rows, 'xlsx', { showPrices: true });
    return { ...file, fileName: `overdue-${list.asOf}.xlsx` };
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function customerEntry(
  customer: CustomerRow,
  shares: OpenShare[],
  contracts: Map<string, ContractRow>,
): OverdueCustomer {
  const byContract = new Map<string, OpenShare[]>();
  for (const s of shares) byContract.set(s.contractId, [...(byContract.get(s.contractId) ?? []), s]);
  const entries: OverdueContract[] = [...byContract.entries()].map(([contractId, own]) => {
    const sorted = [...own].sort((a, b) => b.daysOverdue - a.daysOverdue || (a.share ?? 0) - (b.share ?? 0));
    return {
      contractId,
      number: own[0]!.number,
      currency: contracts.get(contractId)?.currency ?? 'CNY',
      overdue: sum(own.map((s) => s.outstanding)),
      maxDaysOverdue: sorted[0]!.daysOverdue,
      shares: sorted.map((s) => ({
        share: s.share,
        event: s.event,
        label: s.label,
        dueDate: s.dueDate!,
        daysOverdue: s.daysOverdue,
        bucket: s.bucket as OverdueBucket,
        amount: s.amount,
        outstanding: s.outstanding,
      })),
    };
  });
  entries.sort((a, b) => b.maxDaysOverdue - a.maxDaysOverdue || a.number.localeCompare(b.number));
  const buckets = Object.fromEntries(
    OVERDUE_BUCKETS.map((b) => [b, sum(shares.filter((s) => s.bucket === b).map((s) => s.outstanding))]),
  ) as Record<OverdueBucket, Amount>;
  return {
    customer: { id: customer.id, name: customer.name },
    salesOwner: customer.salesOwnerId ? { id: customer.salesOwnerId, name: customer.salesOwnerName } : null,
    overdue: sum(shares.map((s) => s.outstanding)),
    maxDaysOverdue: Math.max(...entries.map((e) => e.maxDaysOverdue)),
    buckets,
    contracts: entries,
  };
}
