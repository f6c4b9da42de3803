import { describe, expect, it } from '@jest/globals';
import { addDays, daysBetween, fillRelativeDates, isDateOnly, minusYears, todayIso } from './date-only.js';

describe('calendar dates', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isDateOnly('2024-02-29')).toBe(true);
    expect(isDateOnly('2023-02-29')).toBe(false);
    expect(isDateOnly('2024-2-9')).toBe(false);
    expect(isDateOnly('2024-02-09T00:00:00Z')).toBe(false);
    expect(isDateOnly(20240209)).toBe(false);
  });

  it('adds days and counts them across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(daysBetween('2026-01-01', '2026-03-02')).toBe(60);
    expect(daysBetween('2026-03-02', '2026-01-01')).toBe(-60);
  });

  it('goes back whole years, 29 February becoming 28 February', () => {
    expect(minusYears('2026-06-15', 3)).toBe('2023-06-15');
    expect(minusYears('2024-02-29', 1)).toBe('2023-02-28');
  });

  it("uses the server's local calendar day for today", () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });

  it('fills relative dates in a template', () => {
    expect(fillRelativeDates('{today},{today+1},{today-366}', '2024-03-01')).toBe('2024-03-01,2024-03-02,2023-03-01');
  });
});
