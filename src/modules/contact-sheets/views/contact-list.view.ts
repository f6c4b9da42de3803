import { dec, round2, type Amount } from '../../../common/money.js';
import type { DateOnly } from '../../../common/tabular/date-only.js';
import type { Locale } from '../../../rendering/rendering.types.js';
import { type ContractStatus, type ContractView, contractAmounts } from '../../contracts/index.js';
import type { SheetCompany } from './contact-sheet.view.js';
import { redactAmounts } from '../../../common/amount-redaction.js';

export const LIST_AUDIENCES = ['finance', 'production'] as const;
export type ListAudience = (typeof LIST_AUDIENCES)[number];
export const LIST_FORMATS = ['pdf', 'xlsx', 'docx'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

export interface ListHeader {
  company: SheetCompany | null;
  /** ISO timestamp */
  generatedAt: string;
  period: { from: DateOnly | null; to: DateOnly | null };
  statuses: ContractStatus[];
}

export interface FinanceListRow {
  no: number;
  projectNumber: string | null;
  contractNumber: string;
  customer: string;
  projectName: string;
  signingDate: DateOnly;
  deliveryDate: DateOnly | null;
  status: ContractStatus;
  currency: string;
  amount: Amount;
  received: Amount;
  outstanding: Amount;
}

/** A contract as production scheduling may see it in the list: what, for whom, when; no amount. */
export interface ProductionListRow {
  no: number;
  projectNumber: string | null;
  contractNumber: string;
  customer: string;
  projectName: string;
  /** "核子密度计 × 2 套；核子料位开关 × 4 套" */
  items: string;
  deliveryDate: DateOnly | null;
  status: ContractStatus;
}

export interface FinanceListData extends ListHeader {
  audience: 'finance';
  count: number;
  rows: FinanceListRow[];
  totals: { currency: string; amount: Amount; received: Amount; outstanding: Amount }[];
}

export interface ProductionListData extends ListHeader {
  audience: 'production';
  count: number;
  rows: ProductionListRow[];
}

export type ContactListData = FinanceListData | ProductionListData;

/** The production projection of a contract for the list: named fields only, free text cleared of the contract's amounts. */
export function productionListRow(c: ContractView, no: number, locale: Locale = 'zh-CN'): ProductionListRow {
  const amounts = contractAmounts(c);
  const separator = locale === 'zh-CN' ? '；' : '; ';
  return {
    no,
    projectNumber: c.projectNumber,
    contractNumber: c.number,
    customer: c.customer.name,
    projectName: redactAmounts(c.projectName, amounts) ?? '',
    items: c.lines
      .map((l) => `${redactAmounts(l.name, amounts) ?? ''} × ${dec(l.qty).toFixed()} ${l.unit}`)
      .join(separator),
    deliveryDate: c.deliveryDate,
    status: c.status,
  };
}

export function productionList(contracts: ContractView[], header: ListHeader, locale: Locale): ProductionListData {
  const rows = contracts.map((c, i) => productionListRow(c, i + 1, locale));
  return { audience: 'production', ...header, count: rows.length, rows };
}

/** received: the sum of each contract's payments (reversals included), by contract id; a contract without payments has received 0. */
export function financeList(
  contracts: ContractView[],
  received: ReadonlyMap<string, Amount>,
  header: ListHeader,
): FinanceListData {
  const rows: FinanceListRow[] = contracts.map((c, i) => {
    const got = received.get(c.id) ?? '0.00';
    return {
      no: i + 1,
      projectNumber: c.projectNumber,
      contractNumber: c.number,
      customer: c.customer.name,
      projectName: c.projectName,
      signingDate: c.signingDate,
      deliveryDate: c.deliveryDate,
      status: c.status,
      currency: c.currency,
      amount: round2(c.total),
      received: round2(got),
      outstanding: round2(dec(c.total).minus(got)),
    };
  });
  const byCurrency = new Map<string, { amount: Amount; received: Amount; outstanding: Amount }>();
  for (const r of rows) {
    const t = byCurrency.get(r.currency) ?? { amount: '0.00', received: '0.00', outstanding: '0.00' };
    byCurrency.set(r.currency, {
      amount: round2(dec(t.amount).plus(r.amount)),
      received: round2(dec(t.received).plus(r.received)),
      outstanding: round2(dec(t.outstanding).plus(r.outstanding)),
    });
  }
  const totals = [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({ currency, ...t }));
  return { audience: 'finance', ...header, count: rows.length, rows, totals };
}
