import { describe, expect, it } from '@jest/globals';
import { levelDue, levelForAge, paidSince, type LevelThresholds } from './dunning-level.js';

const T: LevelThresholds = { friendly: 1, firm: 31, final: 61 };
const item = (contractId: string, share: number | null, outstanding: string) => ({ contractId, share, outstanding });

describe('dunning levels', () => {
  it('chooses the level by the oldest item’s age, each threshold inclusive', () => {
    expect(levelForAge(0, T)).toBeNull();
    expect(levelForAge(1, T)).toBe('friendly');
    expect(levelForAge(30, T)).toBe('friendly');
    expect(levelForAge(31, T)).toBe('firm');
    expect(levelForAge(60, T)).toBe('firm');
    expect(levelForAge(61, T)).toBe('final');
    expect(levelForAge(400, T)).toBe('final');
    expect(levelForAge(10, { friendly: 5, firm: 8, final: 10 })).toBe('final');
  });

  it('counts a payment only on what the last letter listed', () => {
    const listed = [item('a', 1, '100.00'), item('b', null, '50.00')];
    expect(paidSince(listed, [item('a', 1, '100.00'), item('b', null, '50.00'), item('c', 2, '1.00')])).toBe(false);
    expect(paidSince(listed, [item('a', 1, '99.99'), item('b', null, '50.00')])).toBe(true);
    expect(paidSince(listed, [item('a', 1, '100.00')])).toBe(true); // b no longer overdue: paid
  });

  it('never goes a level down unless paid', () => {
    const items = [item('a', 1, '100.00')];
    const last = { level: 'final' as const, items };
    // Thresholds raised: the age alone says friendly, or nothing.
    expect(levelDue({ maxDaysOverdue: 70, thresholds: { friendly: 1, firm: 90, final: 180 }, items, last })).toBe(
      'final',
    );
    expect(levelDue({ maxDaysOverdue: 3, thresholds: { friendly: 5, firm: 90, final: 180 }, items, last })).toBe(
      'final',
    );
    // Paid in part: the age decides again.
    expect(
      levelDue({
        maxDaysOverdue: 70,
        thresholds: { friendly: 1, firm: 90, final: 180 },
        items: [item('a', 1, '1.00')],
        last,
      }),
    ).toBe('friendly');
    // Going up is always allowed.
    expect(levelDue({ maxDaysOverdue: 61, thresholds: T, items, last: { level: 'friendly', items } })).toBe('final');
    expect(levelDue({ maxDaysOverdue: 45, thresholds: T, items, last: null })).toBe('firm');
  });
});
