import { compare, type Amount } from '../../../common/money.js';
import type { DateOnly } from '../../../common/tabular/date-only.js';
import type { Locale } from '../../../rendering/rendering.types.js';
import type { InvoiceKind } from '../../invoices/index.js';
import type { PaymentMethod, PaymentNature } from '../../payments/index.js';
import type {
  AgingBucket,
  LedgerContract,
  LedgerInvoice,
  LedgerPayment,
  Statement,
  StatementLine,
  StatementLineKind,
} from '../../receivables/index.js';
import type { StatementFigures } from '../statement.entity.js';

/**
 * The customer statement as printed: the pure part between the ledger arithmetic (receivables/ledger.ts) and the
 * `customer-statement` template. Line descriptions in the statement's language, the aging buckets under the
 * template's names, and the figures kept on the record.
 */

/** What the ledger's inputs do not carry but a reader of the statement wants on each line. */
export interface LineSources {
  contracts: Map<string, { projectName: string; projectNumber: string | null }>;
  payments: Map<string, { nature: PaymentNature; method: PaymentMethod; reversal: boolean }>;
  invoices: Map<string, { kind: InvoiceKind }>;
}

/** A statement line as issued: the ledger's line with the text a reader sees. */
export interface IssuedLine {
  date: DateOnly;
  kind: StatementLineKind;
  reference: string | null;
  contractNumber: string | null;
  description: string;
  debit: Amount | null;
  credit: Amount | null;
  /** invoices: the amount invoiced, shown for reconciliation; the balance does not move */
  memo: Amount | null;
  balance: Amount;
}

/**
 * The figures kept on the statement's record. `lines` goes beyond StatementFigures (the entity's type): the
 * confirmation page and GET /api/statements/{id} show the lines as issued, and the ledger may change later. The
 * column is jsonb, so they are kept there; see the report on issue #7 for the entity change this asks for.
 */
export interface IssuedFigures extends StatementFigures {
  lines: IssuedLine[];
}

const NATURES: Record<Locale, Record<PaymentNature, string>> = {
  'zh-CN': { advance: '预付款', progress: '进度款', delivery: '发货款', retention: '质保金', other: '其他款项' },
  en: {
    advance: 'Advance payment',
    progress: 'Progress payment',
    delivery: 'Payment before delivery',
    retention: 'Retention',
    other: 'Other payment',
  },
  es: {
    advance: 'Anticipo',
    progress: 'Pago parcial',
    delivery: 'Pago previo a la entrega',
    retention: 'Retención de garantía',
    other: 'Otro cobro',
  },
};
const METHODS: Record<Locale, Record<PaymentMethod, string>> = {
  'zh-CN': {
    bank_transfer: '银行转账',
    bank_acceptance: '银行承兑汇票',
    commercial_acceptance: '商业承兑汇票',
    cash: '现金',
    cheque: '支票',
    other: '其他方式',
  },
  en: {
    bank_transfer: 'bank transfer',
    bank_acceptance: 'bank acceptance bill',
    commercial_acceptance: 'commercial acceptance bill',
    cash: 'cash',
    cheque: 'cheque',
    other: 'other means',
  },
  es: {
    bank_transfer: 'transferencia bancaria',
    bank_acceptance: 'letra de cambio con aceptación bancaria',
    commercial_acceptance: 'letra de cambio con aceptación comercial',
    cash: 'efectivo',
    cheque: 'cheque',
    other: 'otro medio de pago',
  },
};
const INVOICE_KINDS: Record<Locale, Record<InvoiceKind, string>> = {
  'zh-CN': { special: '增值税专用发票', ordinary: '增值税普通发票' },
  en: { special: 'Special VAT invoice', ordinary: 'Ordinary VAT invoice' },
  es: { special: 'Factura especial de IVA', ordinary: 'Factura ordinaria de IVA' },
};
const WORDS: Record<Locale, { project: string; noContract: string; reversal: string; sep: string }> = {
  'zh-CN': { project: '项目号', noContract: '未指定合同', reversal: '冲销', sep: ' ' },
  en: { project: 'project', noContract: 'no contract', reversal: 'Reversal', sep: ', ' },
  es: { project: 'proyecto', noContract: 'sin contrato', reversal: 'Anulación', sep: ', ' },
};

export function contractDescription(
  source: { projectName: string; projectNumber: string | null },
  locale: Locale,
): string {
  if (!source.projectNumber) return source.projectName;
  return locale === 'zh-CN'
    ? `${source.projectName}（${WORDS['zh-CN'].project} ${source.projectNumber}）`
    : `${source.projectName} (${WORDS[locale].project} ${source.projectNumber})`;
}

export function paymentDescription(
  source: { nature: PaymentNature; method: PaymentMethod; reversal: boolean },
  contractNumber: string | null,
  locale: Locale,
): string {
  const w = WORDS[locale];
  const text = [NATURES[locale][source.nature], contractNumber ?? w.noContract, METHODS[locale][source.method]].join(
    w.sep,
  );
  if (!source.reversal) return text;
  return locale === 'zh-CN' ? `${w.reversal}：${text}` : `${w.reversal}: ${text}`;
}

export function invoiceDescription(
  source: { kind: InvoiceKind },
  contractNumber: string | null,
  locale: Locale,
): string {
  const w = WORDS[locale];
  return [INVOICE_KINDS[locale][source.kind], contractNumber ?? w.noContract].join(w.sep);
}

/**
 * Which record each line of the statement came from. buildStatement keeps no id on its lines, but orders them
 * by date, then kind, then contract number / invoice number / payment id: the records of one kind within the
 * period, sorted the same way, are the lines of that kind in order. Each pair is checked (date and amount), so a
 * change of that order in ledger.ts fails loudly here instead of describing a line with another record's text.
 */
export function lineRecords(
  statement: Pick<Statement, 'from' | 'to' | 'lines'>,
  ledger: { contracts: LedgerContract[]; invoices: LedgerInvoice[]; payments: LedgerPayment[] },
): string[] {
  const within = (d: DateOnly) => (statement.from === null || d >= statement.from) && d <= statement.to;
  const byDateThen = <T>(rows: T[], date: (r: T) => DateOnly, key: (r: T) => string) =>
    rows.filter((r) => within(date(r))).sort((a, b) => date(a).localeCompare(date(b)) || key(a).localeCompare(key(b)));
  const queues: Record<StatementLineKind, { id: string; date: DateOnly; amount: Amount }[]> = {
    contract: byDateThen(
      ledger.contracts,
      (c) => c.signingDate,
      (c) => c.number,
    ).map((c) => ({
      id: c.id,
      date: c.signingDate,
      amount: c.total,
    })),
    invoice: byDateThen(
      ledger.invoices,
      (i) => i.date,
      (i) => i.number,
    ).map((i) => ({ id: i.id, date: i.date, amount: i.amount })),
    payment: byDateThen(
      ledger.payments,
      (p) => p.date,
      (p) => p.id,
    ).map((p) => ({ id: p.id, date: p.date, amount: p.amount })),
  };
  const next: Record<StatementLineKind, number> = { contract: 0, invoice: 0, payment: 0 };
  return statement.lines.map((line, i) => {
    const record = queues[line.kind][next[line.kind]++];
    const amount = line.debit ?? line.credit ?? line.memo;
    if (!record || record.date !== line.date || amount === null || !sameAmount(record.amount, amount)) {
      throw new Error(
        `statement line ${i + 1} (${line.kind} ${line.date} ${amount}) matches no ${line.kind} of the ledger`,
      );
    }
    return record.id;
  });
}

const sameAmount = (a: Amount, b: Amount) => compare(a, b) === 0;

/** The statement's lines with their descriptions in the statement's language. */
export function issuedLines(
  statement: Pick<Statement, 'from' | 'to' | 'lines'>,
  ledger: { contracts: LedgerContract[]; invoices: LedgerInvoice[]; payments: LedgerPayment[] },
  sources: LineSources,
  locale: Locale,
): IssuedLine[] {
  const ids = lineRecords(statement, ledger);
  return statement.lines.map((line: StatementLine, i) => {
    const id = ids[i]!;
    let description: string;
    switch (line.kind) {
      case 'contract': {
        const c = sources.contracts.get(id);
        description = c ? contractDescription(c, locale) : (line.contractNumber ?? '');
        break;
      }
      case 'payment': {
        const p = sources.payments.get(id);
        description = p ? paymentDescription(p, line.contractNumber, locale) : (line.contractNumber ?? '');
        break;
      }
      case 'invoice': {
        const inv = sources.invoices.get(id);
        description = invoiceDescription(inv ?? { kind: 'special' }, line.contractNumber, locale);
        break;
      }
    }
    return {
      date: line.date,
      kind: line.kind,
      reference: line.reference,
      contractNumber: line.contractNumber,
      description,
      debit: line.debit,
      credit: line.credit,
      memo: line.memo,
      balance: line.balance,
    };
  });
}

export function issuedFigures(statement: Statement, lines: IssuedLine[]): IssuedFigures {
  return {
    openingBalance: statement.openingBalance,
    closingBalance: statement.closingBalance,
    totals: statement.totals,
    aging: statement.aging,
    lineCount: lines.length,
    lines,
  };
}

/** The ledger's bucket names as the template (and its samples) call them. */
export const TEMPLATE_BUCKETS: Record<AgingBucket, string> = {
  notDue: 'notYetDue',
  days1to30: 'd1_30',
  days31to60: 'd31_60',
  days61to90: 'd61_90',
  over90: 'over90',
  unappliedCredit: 'unappliedCredit',
};

export interface StatementCompany {
  name: string;
  nameEn: string | null;
  address: string | null;
  phone: string | null;
  taxId: string | null;
  bank: { name: string; account: string } | null;
}

export interface StatementCustomer {
  name: string;
  taxId: string | null;
  address: string | null;
  contact: { name: string; email: string | null } | null;
}

/** The data of the `customer-statement` template (see templates/customer-statement/sample.json). */
export function templateData(input: {
  number: string;
  issuedOn: DateOnly;
  from: DateOnly | null;
  to: DateOnly;
  currency: string;
  company: StatementCompany;
  customer: StatementCustomer;
  figures: IssuedFigures;
  confirmation: { url: string; replyBy: DateOnly };
}): Record<string, unknown> {
  const { figures } = input;
  return {
    statementNo: input.number,
    issuedOn: input.issuedOn,
    period: input.from ? { from: input.from, to: input.to } : null,
    asOf: input.to,
    currency: input.currency,
    company: input.company,
    customer: input.customer,
    openingBalance: figures.openingBalance,
    lines: figures.lines.map((l) => ({
      date: l.date,
      type: l.kind,
      reference: l.reference ?? '',
      description: l.description,
      debit: l.debit,
      credit: l.credit,
      memo: l.memo,
      balance: l.balance,
    })),
    totals: figures.totals,
    closingBalance: figures.closingBalance,
    aging: Object.fromEntries(
      (Object.keys(TEMPLATE_BUCKETS) as AgingBucket[]).map((b) => [TEMPLATE_BUCKETS[b], figures.aging[b]]),
    ),
    confirmation: input.confirmation,
  };
}
