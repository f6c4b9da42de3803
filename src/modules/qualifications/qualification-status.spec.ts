import { describe, expect, it } from '@jest/globals';
import { addDays } from '../../common/tabular/date-only.js';
import { qualificationStatus } from './qualification-status.js';

describe('qualification status', () => {
  const q = { validFrom: '2024-01-01', validTo: '2026-06-30' };
  const at = (day: string, n = 60) => qualificationStatus(q, day, n);

  it('treats validTo as the last valid day, inclusive', () => {
    expect(at('2026-06-30')).toBe('expiring');
    expect(at('2026-07-01')).toBe('expired');
  });

  it('is expiring from exactly N days before validTo, valid the day before that', () => {
    expect(at(addDays('2026-06-30', -60))).toBe('expiring');
    expect(at(addDays('2026-06-30', -61))).toBe('valid');
    expect(at(addDays('2026-06-30', -61), 61)).toBe('expiring');
    expect(at('2026-06-30', 0)).toBe('expiring');
    expect(at('2026-06-29', 0)).toBe('valid');
  });

  it('is not yet valid before validFrom, and valid on validFrom', () => {
    expect(at('2023-12-31')).toBe('not_yet_valid');
    expect(at('2024-01-01')).toBe('valid');
  });

  it('never expires without a validTo (长期)', () => {
    expect(qualificationStatus({ validFrom: '2010-01-01', validTo: null }, '2099-12-31', 60)).toBe('valid');
  });
});
