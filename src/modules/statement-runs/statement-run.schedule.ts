import type { DateOnly } from '../../common/tabular/date-only.js';

export interface Period {
  from: DateOnly;
  to: DateOnly;
}

/** The calendar month before the one `date` is in: its first and last day. */
export function previousMonth(date: DateOnly): Period {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)); // 1..12
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  // Day 0 of the next month is the last day of month m (UTC: no time zone can move it).
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const ym = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
  return { from: `${ym}-01`, to: `${ym}-${String(lastDay).padStart(2, '0')}` };
}

/**
 * The monthly run due on `today` (the server's local date) with STATEMENT_RUN_DAY = `runDay`: on or after that day of
 * the month, the previous calendar month; before it, none (last month's run was due last month). Whether it already
 * exists is the database's business (one monthly run per period end).
 */
export function monthlyRunDue(today: DateOnly, runDay: number): Period | null {
  const day = Number(today.slice(8, 10));
  return day >= runDay ? previousMonth(today) : null;
}
