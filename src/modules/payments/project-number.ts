/**
 * Project numbers (项目号) from the configured pattern (PROJECT_NUMBER_PATTERN, default `{YYYY}-{SEQ:3}`):
 * `{YYYY}` the year, `{YY}` its last two digits, `{SEQ:n}` the year's sequence padded to at least n digits
 * (the 1000th project of a `{SEQ:3}` year is `2026-1000`: numbers grow, they never wrap). Everything else is
 * printed as written. The config schema has checked the pattern; the formatter checks again, so a bad pattern
 * can never produce a half-filled number.
 */

const FIELD = /\{(YYYY|YY|SEQ:([1-9]))\}/g;

export class ProjectNumberPatternError extends Error {
  constructor(pattern: string, reason: string) {
    super(`project number pattern ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'ProjectNumberPatternError';
  }
}

function check(pattern: string): void {
  const rest = pattern.replace(FIELD, '');
  if (rest.includes('{') || rest.includes('}'))
    throw new ProjectNumberPatternError(pattern, 'knows only {YYYY}, {YY} and {SEQ:n}');
  if (!/\{SEQ:[1-9]\}/.test(pattern)) throw new ProjectNumberPatternError(pattern, 'needs {SEQ:n}');
  if (!/\{YY(YY)?\}/.test(pattern)) throw new ProjectNumberPatternError(pattern, 'needs {YYYY} or {YY}');
}

/** `formatProjectNumber('{YYYY}-{SEQ:3}', 2026, 7)` is `2026-007`. */
export function formatProjectNumber(pattern: string, year: number, sequence: number): string {
  check(pattern);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`not a four-digit year: ${year}`);
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`not a sequence number: ${sequence}`);
  return pattern.replace(FIELD, (_all, field: string, width: string | undefined) => {
    if (field === 'YYYY') return String(year);
    if (field === 'YY') return String(year % 100).padStart(2, '0');
    return String(sequence).padStart(Number(width), '0');
  });
}

/** A RegExp matching the numbers the pattern makes, with named groups `year` (or `yy`) and `seq`. */
export function projectNumberRegExp(pattern: string): RegExp {
  check(pattern);
  let source = '';
  let last = 0;
  for (const m of pattern.matchAll(FIELD)) {
    source += pattern.slice(last, m.index).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    source += m[1] === 'YYYY' ? '(?<year>\\d{4})' : m[1] === 'YY' ? '(?<yy>\\d{2})' : `(?<seq>\\d{${m[2]},})`;
    last = m.index + m[0].length;
  }
  source += pattern.slice(last).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  return new RegExp(`^${source}$`);
}

/** The year a payment dated `date` (YYYY-MM-DD) numbers its project in. */
export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}
