import { describe, expect, it } from '@jest/globals';
import { lineAmounts, totals } from '../quotations/quotation-amounts.js';
import type { PaymentShare } from '../quotations/quotation-revision.entity.js';
import type { ContractLine, ReviewCheck } from './contract.entity.js';
import { matchLines, reviewChecks, type QuotedTerms, type ReviewedContract } from './contract-review.js';

const TERMS: PaymentShare[] = [
  { percent: '30', event: 'contract_signed', days: 7, label: null },
  { percent: '60', event: 'before_delivery', days: null, label: null },
  { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
];

function line(n: number, code: string | null, name: string, qty: string, unitPrice: string, discount = '0'): ContractLine {
  const pricing = { qty, unitPrice, discount, taxRate: '13' };
  return {
    line: n,
    productId: null,
    productCode: code,
    name,
    specification: null,
    unit: '台',
    ...pricing,
    ...lineAmounts(pricing),
  };
}

const QUOTED = [line(1, 'LDG-50', '电磁流量计', '3', '8600.00'), line(2, null, '现场安装调试', '1', '5000.00')];

function quotation(over: Partial<QuotedTerms> = {}): QuotedTerms {
  const lines = over.lines ?? QUOTED;
  const sums = totals(lines as ContractLine[]);
  return {
    number: 'Q2026-0001',
    revision: 2,
    lines,
    subtotal: sums.subtotal,
    total: sums.total,
    paymentTerms: TERMS,
    deliveryTerms: { daysAfterAdvance: 45, date: null, place: null, incoterm: null },
    ...over,
  };
}

function contract(over: Partial<ReviewedContract> = {}): ReviewedContract {
  const lines = over.lines ?? QUOTED.map((l) => ({ ...l }));
  const sums = totals(lines);
  return {
    lines,
    subtotal: sums.subtotal,
    total: sums.total,
    paymentTerms: TERMS.map((s) => ({ ...s })),
    signingDate: '2026-06-01',
    deliveryDate: '2026-07-20',
    configuration: [],
    ...over,
  };
}

const byName = (checks: ReviewCheck[]) => new Map(checks.map((c) => [c.check, c]));
const failed = (checks: ReviewCheck[]) => checks.filter((c) => !c.passed).map((c) => c.check);

describe('contract review', () => {
  it('passes a contract that is the quotation, listing every check', () => {
    const checks = reviewChecks(contract(), quotation());
    expect(failed(checks)).toEqual([]);
    expect(checks.map((c) => c.check)).toEqual([
      'quotation',
      'line.1.qty',
      'line.1.unitPrice',
      'line.1.discount',
      'line.1.total',
      'line.2.qty',
      'line.2.unitPrice',
      'line.2.discount',
      'line.2.total',
      'configuration.added',
      'configuration.removed',
      'subtotal',
      'total',
      'paymentTerms',
      'deliveryDate',
      'configuration',
    ]);
    expect(byName(checks).get('quotation')?.message).toBe('Compared with quotation Q2026-0001 revision 2');
  });

  it('reports a unit price difference with both values and the difference, and the totals it moves', () => {
    const lines = [line(1, 'LDG-50', '电磁流量计', '3', '7200.00'), QUOTED[1]];
    const checks = byName(reviewChecks(contract({ lines }), quotation()));
    expect(checks.get('line.1.unitPrice')).toEqual({
      check: 'line.1.unitPrice',
      passed: false,
      quotation: '8600.00',
      contract: '7200.00',
      message: 'line 1 unit price: 7200.00 in the contract, 8600.00 in the quotation (-1400.00)',
    });
    expect(checks.get('line.1.total')).toMatchObject({ passed: false, quotation: '29154.00', contract: '24408.00' });
    expect(checks.get('line.1.qty')?.passed).toBe(true);
    expect(checks.get('subtotal')).toMatchObject({ passed: false, quotation: '30800.00', contract: '26600.00' });
    expect(checks.get('total')?.message).toBe('total incl. VAT: 30058.00 in the contract, 34804.00 in the quotation (-4746.00)');
  });

  it('compares decimals, not strings ("3.000" is "3", "5000" is "5000.00")', () => {
    const lines = [{ ...QUOTED[0], qty: '3.000' }, { ...QUOTED[1], unitPrice: '5000', discount: '0.00' }];
    expect(failed(reviewChecks(contract({ lines }), quotation()))).toEqual([]);
  });

  it('reports quantity and discount with signs', () => {
    const lines = [line(1, 'LDG-50', '电磁流量计', '4', '8600.00', '5'), QUOTED[1]];
    const checks = byName(reviewChecks(contract({ lines }), quotation()));
    expect(checks.get('line.1.qty')?.message).toBe('line 1 quantity: 4 台 in the contract, 3 台 in the quotation (+1 台)');
    expect(checks.get('line.1.discount')?.message).toBe('line 1 discount: 5 % in the contract, 0 % in the quotation (+5 %)');
  });

  it('reports lines added and removed as configuration items, with the items', () => {
    const lines = [QUOTED[0], line(2, 'NDM-137', '核子密度计', '1', '198000.00')];
    const checks = byName(reviewChecks(contract({ lines }), quotation()));
    expect(checks.get('configuration.added')).toMatchObject({
      passed: false,
      contract: [{ line: 2, productCode: 'NDM-137', name: '核子密度计', qty: '1', unit: '台' }],
      message: 'Not in the quotation: line 2 NDM-137 核子密度计 × 1 台',
    });
    expect(checks.get('configuration.removed')).toMatchObject({
      passed: false,
      quotation: [{ line: 2, productCode: null, name: '现场安装调试', qty: '1', unit: '台' }],
    });
    expect(checks.has('line.2.unitPrice')).toBe(false);
  });

  it('pairs lines by product code when their order changed, naming the quotation line', () => {
    const lines = [{ ...QUOTED[1], line: 1 }, { ...QUOTED[0], line: 2, unitPrice: '8000.00' }];
    const checks = reviewChecks(contract({ lines }), quotation());
    const price = byName(checks).get('line.2.unitPrice');
    expect(price).toMatchObject({ passed: false, quotation: '8600.00', contract: '8000.00' });
    expect(price?.message).toContain('line 2 (quotation line 1) unit price');
    expect(byName(checks).get('configuration.added')?.passed).toBe(true);
  });

  it('matches payment terms by share, event and days, in any order and whatever the labels', () => {
    const same = [TERMS[2], { ...TERMS[0], label: '预付款', percent: '30.00' }, TERMS[1]];
    expect(byName(reviewChecks(contract({ paymentTerms: same }), quotation())).get('paymentTerms')?.passed).toBe(true);
    const other: PaymentShare[] = [
      { percent: '20', event: 'contract_signed', days: 7, label: null },
      { percent: '70', event: 'before_delivery', days: null, label: null },
      { percent: '10', event: 'after_acceptance', days: 365, label: null },
    ];
    const check = byName(reviewChecks(contract({ paymentTerms: other }), quotation())).get('paymentTerms');
    expect(check?.passed).toBe(false);
    expect(check?.message).toBe(
      'Payment terms: 20 % contract_signed +7 days / 70 % before_delivery / 10 % after_acceptance +365 days in the contract, ' +
        '30 % contract_signed +7 days / 60 % before_delivery / 10 % after_acceptance +365 days in the quotation',
    );
  });

  describe('delivery date', () => {
    const delivery = (deliveryDate: string | null, terms: QuotedTerms['deliveryTerms'], signingDate = '2026-06-01') =>
      byName(reviewChecks(contract({ deliveryDate, signingDate }), quotation({ deliveryTerms: terms }))).get('deliveryDate')!;
    const days = (n: number) => ({ daysAfterAdvance: n, date: null, place: null, incoterm: null });
    const date = (d: string) => ({ daysAfterAdvance: null, date: d, place: null, incoterm: null });

    it('fails a date earlier than signing + the quoted days after the advance', () => {
      const check = delivery('2026-07-01', days(45));
      expect(check.passed).toBe(false);
      expect(check.message).toContain('not before 2026-07-16');
      expect(delivery('2026-07-16', days(45)).passed).toBe(true);
    });

    it('fails a date earlier than the quoted date, or none at all', () => {
      expect(delivery('2026-08-14', date('2026-08-15')).passed).toBe(false);
      expect(delivery('2026-08-14', date('2026-08-15')).message).toContain('(-1 days)');
      expect(delivery('2026-08-15', date('2026-08-15')).passed).toBe(true);
      expect(delivery(null, date('2026-08-15')).passed).toBe(false);
    });

    it('passes with a note when the quotation says nothing, or the contract waits for the advance', () => {
      expect(delivery('2026-06-02', null)).toMatchObject({ passed: true, message: expect.stringContaining('nothing to compare') });
      expect(delivery(null, days(45))).toMatchObject({ passed: true, message: expect.stringContaining('45 days after the advance') });
    });
  });

  it('lists the configuration items for information, never failing', () => {
    const configuration = [{ item: '变送器', options: '分体式，IP68' }];
    const check = byName(reviewChecks(contract({ configuration }), quotation())).get('configuration');
    expect(check).toMatchObject({ passed: true, contract: configuration, quotation: null });
  });

  it('fails a contract made by hand on `quotation`, so a manager must approve it', () => {
    const checks = reviewChecks(contract(), null);
    expect(failed(checks)).toEqual(['quotation']);
    expect(checks[0].message).toContain('No quotation to compare with');
  });

  it('pairs free-text lines by name', () => {
    const m = matchLines(QUOTED, [QUOTED[0], { ...QUOTED[1], name: '现场培训' }]);
    expect(m.pairs).toHaveLength(1);
    expect(m.removed.map((l) => l.name)).toEqual(['现场安装调试']);
    expect(m.added.map((l) => l.name)).toEqual(['现场培训']);
  });
});
