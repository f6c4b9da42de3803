import { describe, expect, it } from '@jest/globals';
import { monthlyRunDue, previousMonth } from './statement-run.schedule.js';

describe('the monthly statement run date logic', () => {
  it('is due on the run day itself, for the previous calendar month', () => {
    expect(monthlyRunDue('2026-05-03', 3)).toEqual({ from: '2026-04-01', to: '2026-04-30' });
  });

  it('stays due on every later day of the month (a process that was down on the run day still starts it)', () => {
    expect(monthlyRunDue('2026-05-04', 3)).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(monthlyRunDue('2026-05-31', 3)).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(monthlyRunDue('2026-05-28', 28)).toEqual({ from: '2026-04-01', to: '2026-04-30' });
  });

  it('is not due before the run day', () => {
    expect(monthlyRunDue('2026-05-02', 3)).toBeNull();
    expect(monthlyRunDue('2026-05-01', 28)).toBeNull();
    expect(monthlyRunDue('2026-05-27', 28)).toBeNull();
  });

  it('takes December of the previous year in January', () => {
    expect(monthlyRunDue('2027-01-05', 1)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('ends February on the 28th, or the 29th in a leap year', () => {
    expect(previousMonth('2026-03-01')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousMonth('2028-03-15')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(previousMonth('2100-03-15')).toEqual({ from: '2100-02-01', to: '2100-02-28' });
    expect(previousMonth('2000-03-15')).toEqual({ from: '2000-02-01', to: '2000-02-29' });
  });

  it('ends 30- and 31-day months on their last day', () => {
    expect(previousMonth('2026-07-10')).toEqual({ from: '2026-06-01', to: '2026-06-30' });
    expect(previousMonth('2026-08-10')).toEqual({ from: '2026-07-01', to: '2026-07-31' });
    expect(previousMonth('2026-10-01')).toEqual({ from: '2026-09-01', to: '2026-09-30' });
  });
});
