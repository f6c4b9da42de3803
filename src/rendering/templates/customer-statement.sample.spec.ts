import { describe, expect, it } from '@jest/globals';
import { Dec } from '../../common/money.js';
import { TemplateEngine } from './template-engine.js';

interface Line {
  type: 'contract' | 'invoice' | 'payment';
  debit: string | null;
  credit: string | null;
  /** invoices: the amount invoiced, shown beside the description; it does not move the balance */
  memo?: string | null;
  balance: string;
}
interface Statement {
  openingBalance: string;
  lines: Line[];
  totals: { debit: string; credit: string; invoiced: string };
  closingBalance: string;
  aging: Record<string, string>;
}

// The samples are the benchmark's documents and the templates' previews: a statement whose running balance,
// totals or aging do not add up would teach the wrong thing (docs/architecture.md, "Rules the code keeps").
describe.each(['sample', 'sample-10-pages'])('customer-statement %s.json', (name) => {
  const s = new TemplateEngine().sample('customer-statement', name) as Statement;

  it('carries a running balance that follows every line', () => {
    let balance = new Dec(s.openingBalance);
    for (const line of s.lines) {
      balance = balance.plus(line.debit ?? 0).minus(line.credit ?? 0);
      expect(new Dec(line.balance).equals(balance)).toBe(true);
    }
    expect(new Dec(s.closingBalance).equals(balance)).toBe(true);
  });

  it('has totals equal to the sum of the lines', () => {
    const sum = (pick: (l: Line) => string | null) => s.lines.reduce((acc, l) => acc.plus(pick(l) ?? 0), new Dec(0));
    expect(sum((l) => l.debit).equals(s.totals.debit)).toBe(true);
    expect(sum((l) => l.credit).equals(s.totals.credit)).toBe(true);
    expect(sum((l) => l.memo ?? null).equals(s.totals.invoiced)).toBe(true);
  });

  it('keeps invoices out of the balance: an invoice line has a memo amount and neither debit nor credit', () => {
    for (const line of s.lines) {
      if (line.type === 'invoice') expect(line).toMatchObject({ debit: null, credit: null, memo: expect.any(String) });
      else expect(line.memo ?? null).toBeNull();
    }
  });

  it('has aging buckets, unapplied credit included, that add up to the closing balance', () => {
    expect(Object.keys(s.aging).sort()).toEqual([
      'd1_30',
      'd31_60',
      'd61_90',
      'notYetDue',
      'over90',
      'unappliedCredit',
    ]);
    // Credit is applied to the open shares first (receivables/ledger.ts): only a customer owing nothing has some left.
    expect(new Dec(s.aging.unappliedCredit).lessThanOrEqualTo(0)).toBe(true);
    const total = ['notYetDue', 'd1_30', 'd31_60', 'd61_90', 'over90', 'unappliedCredit'].reduce(
      (acc, k) => acc.plus(s.aging[k]),
      new Dec(0),
    );
    expect(total.equals(s.closingBalance)).toBe(true);
  });

  it('uses only the line types the template has labels for', () => {
    expect(new Set(s.lines.map((l) => l.type))).toEqual(new Set(['contract', 'invoice', 'payment']));
  });
});
