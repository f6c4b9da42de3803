import { describe, expect, it } from '@jest/globals';
import {
  buildStatement,
  type LedgerContract,
  type LedgerInvoice,
  type LedgerPayment,
} from '../../receivables/ledger.js';
import {
  contractDescription,
  invoiceDescription,
  issuedFigures,
  issuedLines,
  lineRecords,
  paymentDescription,
  templateData,
  type LineSources,
} from './statement-document.js';

const events = (signed: string) => ({
  contract_signed: signed,
  before_delivery: null,
  on_delivery: null,
  after_acceptance: null,
  warranty_end: null,
  other: null,
});
const contracts: LedgerContract[] = [
  {
    id: 'c1',
    number: 'HT2026-0002',
    signingDate: '2026-05-15',
    total: '56500.00',
    paymentTerms: [{ percent: '100', event: 'contract_signed', days: 30, label: null }],
    events: events('2026-05-15'),
  },
  {
    id: 'c2',
    number: 'HT2026-0001',
    signingDate: '2026-05-15',
    total: '1000.00',
    paymentTerms: [{ percent: '100', event: 'contract_signed', days: 0, label: null }],
    events: events('2026-05-15'),
  },
];
const invoices: LedgerInvoice[] = [
  { id: 'i1', number: 'FP-2', date: '2026-05-16', amount: '56500.00', contractId: 'c1' },
  { id: 'i0', number: 'FP-1', date: '2026-03-01', amount: '10.00', contractId: 'c1' },
];
// Two payments on one day: the ledger orders them by id.
const payments: LedgerPayment[] = [
  { id: 'p-b', date: '2026-05-20', amount: '200.00', contractId: null, reference: 'XJ-1' },
  { id: 'p-a', date: '2026-05-20', amount: '100.00', contractId: 'c1', reference: 'BK-1' },
];
const ledger = { contracts, invoices, payments };
const sources: LineSources = {
  contracts: new Map([
    ['c1', { projectName: '高炉煤气流量计改造', projectNumber: '2026-001' }],
    ['c2', { projectName: '备品备件', projectNumber: null }],
  ]),
  payments: new Map([
    ['p-a', { nature: 'advance' as const, method: 'bank_transfer' as const, reversal: false }],
    ['p-b', { nature: 'other' as const, method: 'cash' as const, reversal: false }],
  ]),
  invoices: new Map([['i1', { kind: 'special' as const }]]),
};

describe('statement lines as printed', () => {
  const statement = buildStatement({ from: '2026-04-01', to: '2026-06-30', ...ledger });

  it('finds the record behind each line in the ledger order (date, kind, number or id)', () => {
    expect(lineRecords(statement, ledger)).toEqual(['c2', 'c1', 'i1', 'p-a', 'p-b']);
  });

  it('describes contracts by project, payments by nature, contract and method, invoices by kind and contract', () => {
    const zh = issuedLines(statement, ledger, sources, 'zh-CN');
    expect(zh.map((l) => l.description)).toEqual([
      '备品备件',
      '高炉煤气流量计改造（项目号 2026-001）',
      '增值税专用发票 HT2026-0002',
      '预付款 HT2026-0002 银行转账',
      '其他款项 未指定合同 现金',
    ]);
    expect(zh[2]).toMatchObject({ kind: 'invoice', debit: null, credit: null, memo: '56500.00', balance: '57500.00' });
    const en = issuedLines(statement, ledger, sources, 'en');
    expect(en.map((l) => l.description)).toEqual([
      '备品备件',
      '高炉煤气流量计改造 (project 2026-001)',
      'Special VAT invoice, HT2026-0002',
      'Advance payment, HT2026-0002, bank transfer',
      'Other payment, no contract, cash',
    ]);
  });

  it('marks a reversal', () => {
    expect(paymentDescription({ nature: 'progress', method: 'cheque', reversal: true }, 'HT1', 'zh-CN')).toBe(
      '冲销：进度款 HT1 支票',
    );
    expect(invoiceDescription({ kind: 'ordinary' }, null, 'en')).toBe('Ordinary VAT invoice, no contract');
    expect(contractDescription({ projectName: 'P', projectNumber: null }, 'en')).toBe('P');
  });

  it('describes lines in Spanish on a Spanish statement', () => {
    expect(paymentDescription({ nature: 'advance', method: 'bank_acceptance', reversal: true }, 'HT1', 'es')).toBe(
      'Anulación: Anticipo, HT1, letra de cambio con aceptación bancaria',
    );
    expect(invoiceDescription({ kind: 'special' }, null, 'es')).toBe('Factura especial de IVA, sin contrato');
    expect(contractDescription({ projectName: 'P', projectNumber: '2026-001' }, 'es')).toBe('P (proyecto 2026-001)');
  });

  it('fails loudly when a line matches no record (the ledger order changed)', () => {
    const shuffled = { ...statement, lines: [statement.lines[1]!, statement.lines[0]!, ...statement.lines.slice(2)] };
    expect(() => lineRecords(shuffled, ledger)).toThrow(/matches no contract/);
  });

  it('gives the template its bucket names, unapplied credit included, and the period or the as-of date', () => {
    const figures = issuedFigures(statement, issuedLines(statement, ledger, sources, 'zh-CN'));
    expect(figures).toMatchObject({ openingBalance: '0.00', closingBalance: '57200.00', lineCount: 5 });
    const data = templateData({
      number: 'DZ2026-00001',
      issuedOn: '2026-07-01',
      from: null,
      to: '2026-06-30',
      currency: 'CNY',
      company: { name: 'A', nameEn: null, address: null, phone: null, taxId: null, bank: null },
      customer: { name: 'B', taxId: null, address: null, contact: null },
      figures,
      confirmation: { url: 'http://x/statements/confirm/t', replyBy: '2026-07-15' },
    });
    expect(data).toMatchObject({ period: null, asOf: '2026-06-30', totals: { invoiced: '56500.00' } });
    expect(Object.keys(data.aging as object)).toEqual([
      'notYetDue',
      'd1_30',
      'd31_60',
      'd61_90',
      'over90',
      'unappliedCredit',
    ]);
    expect((data.lines as { type: string; memo: string | null }[])[2]).toMatchObject({
      type: 'invoice',
      memo: '56500.00',
    });
  });
});
