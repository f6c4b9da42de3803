import { describe, expect, it } from '@jest/globals';
import type { ScheduleShare } from '../receivables/ledger.js';
import {
  checkItems,
  deliveryNumber,
  describeShare,
  formatQty,
  fullyDelivered,
  gateShares,
  lineProgress,
  transition,
} from './delivery-rules.js';

const lines = [
  { line: 1, productCode: 'NDM-137', name: '核子密度计', specification: 'DN300', qty: '3', unit: '套' },
  { line: 2, productCode: null, name: '屏蔽信号电缆', specification: null, qty: '120.5', unit: '米' },
];

describe('lineProgress', () => {
  it('counts issued, shipped and delivered notices and leaves cancelled ones out', () => {
    const p = lineProgress(lines, [
      {
        status: 'delivered',
        items: [
          { line: 1, qty: '1' },
          { line: 2, qty: '60.25' },
        ],
      },
      { status: 'shipped', items: [{ line: 1, qty: '1' }] },
      { status: 'issued', items: [{ line: 2, qty: '0.25' }] },
      {
        status: 'cancelled',
        items: [
          { line: 1, qty: '1' },
          { line: 2, qty: '60' },
        ],
      },
    ]);
    expect(
      p.map(({ line, ordered, issued, shipped, delivered, remaining }) => ({
        line,
        ordered,
        issued,
        shipped,
        delivered,
        remaining,
      })),
    ).toEqual([
      { line: 1, ordered: '3', issued: '2', shipped: '2', delivered: '1', remaining: '1' },
      { line: 2, ordered: '120.5', issued: '60.5', shipped: '60.25', delivered: '60.25', remaining: '60' },
    ]);
  });

  it('never reports a negative remainder (a revision that lowered a quantity already delivered)', () => {
    const [p] = lineProgress([{ ...lines[0], qty: '1' }], [{ status: 'delivered', items: [{ line: 1, qty: '2' }] }]);
    expect(p.remaining).toBe('0');
  });
});

describe('checkItems', () => {
  const progress = lineProgress(lines, [{ status: 'issued', items: [{ line: 1, qty: '2' }] }]);

  it('accepts up to what remains, decimals compared exactly', () => {
    expect(
      checkItems(progress, [
        { line: 1, qty: '1' },
        { line: 2, qty: '120.500' },
      ]),
    ).toEqual({ unknown: [], exceeding: [] });
  });

  it('lists unknown lines and every line asked beyond its remainder', () => {
    expect(
      checkItems(progress, [
        { line: 1, qty: '1.001' },
        { line: 2, qty: '120.501' },
        { line: 7, qty: '1' },
      ]),
    ).toEqual({
      unknown: [7],
      exceeding: [
        { line: 1, asked: '1.001', remaining: '1' },
        { line: 2, asked: '120.501', remaining: '120.5' },
      ],
    });
  });
});

describe('fullyDelivered', () => {
  it('is true only when every line arrived in full', () => {
    const part = lineProgress(lines, [
      {
        status: 'delivered',
        items: [
          { line: 1, qty: '3' },
          { line: 2, qty: '120' },
        ],
      },
    ]);
    expect(fullyDelivered(part)).toBe(false);
    const shippedOnly = lineProgress(lines, [
      { status: 'delivered', items: [{ line: 1, qty: '3' }] },
      { status: 'shipped', items: [{ line: 2, qty: '120.5' }] },
    ]);
    expect(fullyDelivered(shippedOnly)).toBe(false);
    const all = lineProgress(lines, [
      { status: 'delivered', items: [{ line: 1, qty: '3' }] },
      { status: 'delivered', items: [{ line: 2, qty: '120.5' }] },
    ]);
    expect(fullyDelivered(all)).toBe(true);
    expect(fullyDelivered([])).toBe(false);
  });
});

describe('transition', () => {
  it('allows issued -> shipped -> delivered and issued -> cancelled only', () => {
    expect(transition('issued', 'ship')).toBe('shipped');
    expect(transition('shipped', 'deliver')).toBe('delivered');
    expect(transition('issued', 'cancel')).toBe('cancelled');
    expect(transition('issued', 'deliver')).toBeNull();
    expect(transition('shipped', 'cancel')).toBeNull();
    expect(transition('delivered', 'ship')).toBeNull();
    expect(transition('cancelled', 'ship')).toBeNull();
  });
});

describe('gateShares', () => {
  const share = (n: number, outstanding: string, extra: Partial<ScheduleShare> = {}): ScheduleShare => ({
    share: n,
    percent: '30',
    event: 'contract_signed',
    days: 7,
    label: null,
    amount: '1000.00',
    dueDate: '2026-06-19',
    paid: '0.00',
    outstanding,
    ...extra,
  });

  it('keeps the unpaid shares and adds them up', () => {
    const g = gateShares([
      share(1, '150248.97', { label: '预付款' }),
      share(2, '0.00'),
      share(3, '300497.93', { event: 'before_delivery', dueDate: null }),
    ]);
    expect(g).toEqual({
      shares: [
        { share: 1, event: 'contract_signed', label: '预付款', dueDate: '2026-06-19', outstanding: '150248.97' },
        { share: 3, event: 'before_delivery', label: null, dueDate: null, outstanding: '300497.93' },
      ],
      total: '450746.90',
    });
    expect(g.shares.map(describeShare)).toEqual([
      'share 1 (预付款, contract_signed, due 2026-06-19): 150248.97',
      'share 3 (before_delivery, no due date yet): 300497.93',
    ]);
  });
});

describe('numbers and quantities', () => {
  it('numbers FH{YYYY}-{SEQ:4}', () => {
    expect(deliveryNumber(2026, 1)).toBe('FH2026-0001');
    expect(deliveryNumber(2026, 12345)).toBe('FH2026-12345');
  });

  it('writes quantities without trailing zeros', () => {
    expect(formatQty('2.000')).toBe('2');
    expect(formatQty('0.250')).toBe('0.25');
    expect(formatQty('120')).toBe('120');
  });
});
