import { sum } from '../../common/money.js';
import {
  AGING_BUCKETS,
  agingBucket,
  buildStatement,
  contractSchedule,
  openShares,
  shareAmounts,
  type EventDates,
  type LedgerContract,
} from './ledger.js';

const events = (signed: string, delivered: string | null = null, accepted: string | null = null): EventDates => ({
  contract_signed: signed,
  before_delivery: delivered,
  on_delivery: delivered,
  after_acceptance: accepted,
  warranty_end: null,
  other: null,
});
const TERMS_361 = [
  { percent: '30', event: 'contract_signed' as const, days: 7, label: null },
  { percent: '60', event: 'before_delivery' as const, days: null, label: null },
  { percent: '10', event: 'after_acceptance' as const, days: 365, label: '质保金' },
];

describe('shareAmounts', () => {
  it('rounds each share half-up and gives the last one the remainder', () => {
    expect(shareAmounts('100.00', [{ percent: '33.33' }, { percent: '33.33' }, { percent: '33.34' }])).toEqual([
      '33.33',
      '33.33',
      '33.34',
    ]);
    expect(shareAmounts('0.05', [{ percent: '50' }, { percent: '50' }])).toEqual(['0.03', '0.02']);
    expect(shareAmounts('1234567.89', TERMS_361)).toEqual(['370370.37', '740740.73', '123456.79']);
    expect(sum(shareAmounts('1234567.89', TERMS_361))).toBe('1234567.89');
  });
});

describe('contractSchedule', () => {
  it('dates each share from its event and applies payments in schedule order', () => {
    const s = contractSchedule(
      { total: '100000.00', paymentTerms: TERMS_361, events: events('2026-01-10', '2026-03-01') },
      [
        { date: '2026-01-15', amount: '30000.00' },
        { date: '2026-02-20', amount: '20000.00' },
      ],
    );
    expect(s.shares.map((x) => [x.dueDate, x.amount, x.paid, x.outstanding])).toEqual([
      ['2026-01-17', '30000.00', '30000.00', '0.00'],
      ['2026-03-01', '60000.00', '20000.00', '40000.00'],
      [null, '10000.00', '0.00', '10000.00'],
    ]);
    expect([s.paid, s.outstanding, s.overpaid]).toEqual(['50000.00', '50000.00', '0.00']);
  });

  it('keeps an overpayment instead of dropping it', () => {
    const s = contractSchedule({ total: '1000.00', paymentTerms: TERMS_361, events: events('2026-01-10') }, [
      { date: '2026-01-11', amount: '1200.50' },
    ]);
    expect(s.shares.every((x) => x.outstanding === '0.00')).toBe(true);
    expect(s.overpaid).toBe('200.50');
    expect(s.outstanding).toBe('0.00');
  });

  it('counts only payments up to the as-of day', () => {
    const s = contractSchedule(
      { total: '1000.00', paymentTerms: TERMS_361, events: events('2026-01-10') },
      [{ date: '2026-02-01', amount: '300.00' }],
      '2026-01-31',
    );
    expect(s.paid).toBe('0.00');
  });
});

describe('agingBucket', () => {
  it.each([
    [null, 'notDue'],
    ['2026-06-30', 'notDue'],
    ['2026-06-29', 'days1to30'],
    ['2026-05-31', 'days1to30'],
    ['2026-05-30', 'days31to60'],
    ['2026-04-01', 'days61to90'],
    ['2026-03-31', 'over90'],
  ])('due %s on 2026-06-30 is %s', (due, bucket) => {
    expect(agingBucket(due, '2026-06-30')).toBe(bucket);
  });
});

describe('buildStatement', () => {
  // A hand-computed ledger for one customer, period 2026-04-01..2026-06-30:
  //   A  signed 2025-12-01, 100000.00, 3-6-1, delivered 2026-03-15 (60% due then), not accepted
  //   B  signed 2026-04-10,  50000.00, 3-6-1, not delivered (60% and 10% not yet due)
  //   C  signed 2026-07-05 (after the period), 9999.99
  //   payments: A 30000.00 on 2025-12-05 (before the period); A 80000.00 on 2026-05-20 (10000.00 more than
  //   the 60% share: it pays the retention early); B 20000.00 on 2026-06-01 (5000.00 over the 30% share,
  //   applied to B's next share); 700.00 without a contract on 2026-06-15 (credit); C's advance 3000.00 on
  //   2026-07-06 (after the period, not counted)
  //   invoices: A 100000.00 on 2026-03-20 (before), B 15000.00 on 2026-06-02 (within), C 9999.99 on 2026-07-06 (after)
  const contracts: LedgerContract[] = [
    {
      id: 'a',
      number: 'HT-A',
      signingDate: '2025-12-01',
      total: '100000.00',
      paymentTerms: TERMS_361,
      events: events('2025-12-01', '2026-03-15'),
    },
    {
      id: 'b',
      number: 'HT-B',
      signingDate: '2026-04-10',
      total: '50000.00',
      paymentTerms: TERMS_361,
      events: events('2026-04-10'),
    },
    {
      id: 'c',
      number: 'HT-C',
      signingDate: '2026-07-05',
      total: '9999.99',
      paymentTerms: TERMS_361,
      events: events('2026-07-05'),
    },
  ];
  const statement = buildStatement({
    from: '2026-04-01',
    to: '2026-06-30',
    contracts,
    invoices: [
      { id: 'i1', number: 'INV-1', date: '2026-03-20', amount: '100000.00', contractId: 'a' },
      { id: 'i2', number: 'INV-2', date: '2026-06-02', amount: '15000.00', contractId: 'b' },
      { id: 'i3', number: 'INV-3', date: '2026-07-06', amount: '9999.99', contractId: 'c' },
    ],
    payments: [
      { id: 'p1', date: '2025-12-05', amount: '30000.00', contractId: 'a', reference: 'BANK-1' },
      { id: 'p2', date: '2026-05-20', amount: '80000.00', contractId: 'a', reference: 'BANK-2' },
      { id: 'p3', date: '2026-06-01', amount: '20000.00', contractId: 'b', reference: 'BANK-3' },
      { id: 'p4', date: '2026-06-15', amount: '700.00', contractId: null, reference: 'BANK-4' },
      { id: 'p5', date: '2026-07-06', amount: '3000.00', contractId: 'c', reference: 'BANK-5' },
    ],
  });

  it('opens with what was owed before the period', () => {
    // A 100000.00 - 30000.00
    expect(statement.openingBalance).toBe('70000.00');
  });

  it('lists the period lines in date order with a running balance; invoices do not move it', () => {
    expect(statement.lines.map((l) => [l.date, l.kind, l.reference, l.debit, l.credit, l.memo, l.balance])).toEqual([
      ['2026-04-10', 'contract', 'HT-B', '50000.00', null, null, '120000.00'],
      ['2026-05-20', 'payment', 'BANK-2', null, '80000.00', null, '40000.00'],
      ['2026-06-01', 'payment', 'BANK-3', null, '20000.00', null, '20000.00'],
      ['2026-06-02', 'invoice', 'INV-2', null, null, '15000.00', '20000.00'],
      ['2026-06-15', 'payment', 'BANK-4', null, '700.00', null, '19300.00'],
    ]);
    expect(statement.closingBalance).toBe('19300.00');
    expect(statement.totals).toEqual({ debit: '50000.00', credit: '100700.00', invoiced: '15000.00' });
  });

  it('ages what is outstanding by due date and the buckets add up to the closing balance', () => {
    // A: 30000 + 60000 + 10000 all paid (110000.00 paid: 10000.00 over) -> credit 10000.00 + 700.00 = 10700.00
    // B: 15000 (due 2026-04-17) paid 15000; 30000 (no delivery) paid 5000 -> 25000 not due; 5000 not due
    // credit 10700.00 applied to B's open shares (no due date yet): 25000 + 5000 - 10700 -> notDue 19300.00
    expect(statement.aging).toEqual({
      notDue: '19300.00',
      days1to30: '0.00',
      days31to60: '0.00',
      days61to90: '0.00',
      over90: '0.00',
      unappliedCredit: '0.00',
    });
    expect(sum(AGING_BUCKETS.map((b) => statement.aging[b]))).toBe(statement.closingBalance);
  });

  it('puts overdue shares in their buckets and shows credit that nothing could absorb', () => {
    const late = buildStatement({
      from: null,
      to: '2026-06-30',
      contracts: [
        {
          id: 'x',
          number: 'HT-X',
          signingDate: '2026-01-01',
          total: '1000.00',
          paymentTerms: TERMS_361,
          events: events('2026-01-01', '2026-05-15'),
        },
        {
          id: 'y',
          number: 'HT-Y',
          signingDate: '2026-01-01',
          total: '200.00',
          paymentTerms: [{ percent: '100', event: 'contract_signed', days: 0, label: null }],
          events: events('2026-01-01'),
        },
      ],
      invoices: [],
      payments: [{ id: 'q', date: '2026-06-01', amount: '500.00', contractId: 'y', reference: null }],
    });
    // X: 300 due 2026-01-08 (173 days late) -> over90; 600 due 2026-05-15 (46 days) -> 31-60; 100 no date -> notDue
    // Y: paid 500 of 200 -> 300 credit, applied to the most overdue first: X's 300 -> over90 0
    expect(late.aging).toEqual({
      notDue: '100.00',
      days1to30: '0.00',
      days31to60: '600.00',
      days61to90: '0.00',
      over90: '0.00',
      unappliedCredit: '0.00',
    });
    expect(late.closingBalance).toBe('700.00');

    const credit = buildStatement({
      from: null,
      to: '2026-06-30',
      contracts: [],
      invoices: [],
      payments: [{ id: 'z', date: '2026-06-01', amount: '88.80', contractId: null, reference: null }],
    });
    expect(credit.closingBalance).toBe('-88.80');
    expect(credit.aging.unappliedCredit).toBe('-88.80');
    expect(sum(AGING_BUCKETS.map((b) => credit.aging[b]))).toBe('-88.80');
  });

  it('refuses a period that ends before it starts', () => {
    expect(() =>
      buildStatement({ from: '2026-07-01', to: '2026-06-30', contracts: [], invoices: [], payments: [] }),
    ).toThrow(RangeError);
  });
});

describe('openShares', () => {
  const ledger = {
    contracts: [
      {
        id: 'x',
        number: 'HT-X',
        signingDate: '2026-01-01',
        total: '1000.00',
        paymentTerms: TERMS_361,
        events: events('2026-01-01', '2026-05-15'),
      },
      {
        id: 'y',
        number: 'HT-Y',
        signingDate: '2026-01-01',
        total: '200.00',
        paymentTerms: [{ percent: '100', event: 'contract_signed' as const, days: 0, label: null }],
        events: events('2026-01-01'),
      },
      {
        id: 'z',
        number: 'HT-Z',
        signingDate: '2026-06-10',
        total: '400.00',
        paymentTerms: [],
        events: events('2026-06-10'),
      },
    ],
    invoices: [],
    payments: [
      { id: 'q', date: '2026-06-01', amount: '500.00', contractId: 'y', reference: null },
      { id: 'r', date: '2026-06-02', amount: '50.00', contractId: null, reference: null },
      { id: 's', date: '2026-07-02', amount: '999.00', contractId: null, reference: null },
    ],
  };

  it('lists each open share with what credit left of it, most overdue first', () => {
    // credit on 2026-06-30: Y overpaid 300 + 50 without a contract = 350 (the July payment is not counted)
    // X share 1: 300 due 2026-01-08 -> credit pays it (50 left); X share 2: 600 due 2026-05-15 -> 550;
    // Z (no shares): 400 owed at signing 2026-06-10 -> 20 days; X share 3: undated, last
    const { shares, unappliedCredit } = openShares('2026-06-30', ledger.contracts, ledger.payments);
    expect(shares.map((s) => [s.number, s.share, s.dueDate, s.unpaid, s.outstanding, s.daysOverdue, s.bucket])).toEqual(
      [
        ['HT-X', 1, '2026-01-08', '300.00', '0.00', 173, 'over90'],
        ['HT-X', 2, '2026-05-15', '600.00', '550.00', 46, 'days31to60'],
        ['HT-Z', null, '2026-06-10', '400.00', '400.00', 20, 'days1to30'],
        ['HT-X', 3, null, '100.00', '100.00', 0, 'notDue'],
      ],
    );
    expect(unappliedCredit).toBe('0.00');
  });

  it.each(['2026-05-31', '2026-06-30', '2026-07-31'])(
    'buckets to exactly the aging of buildStatement on %s',
    (asOf) => {
      const statement = buildStatement({ from: null, to: asOf, ...ledger });
      const { shares, unappliedCredit } = openShares(asOf, ledger.contracts, ledger.payments);
      for (const bucket of AGING_BUCKETS.filter((b) => b !== 'unappliedCredit')) {
        expect([bucket, sum(shares.filter((s) => s.bucket === bucket).map((s) => s.outstanding))]).toEqual([
          bucket,
          statement.aging[bucket],
        ]);
      }
      expect(unappliedCredit).toBe(statement.aging.unappliedCredit);
    },
  );
});
