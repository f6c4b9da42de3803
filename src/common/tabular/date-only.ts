import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * Calendar dates ("2026-03-31") as plain strings: PostgreSQL `date` columns, JSON, CSV cells. A date has no
 * time zone, so none of this goes through a JS Date in local time (that is how a validTo shifts by a day).
 * Lives beside the tabular framework because sheets are where dates arrive in every shape; the decorators
 * belong in src/common/validation.ts once that file's owner takes them.
 */
export type DateOnly = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in YYYY-MM-DD (2026-02-30 is not one). */
export function isDateOnly(value: unknown): value is DateOnly {
  if (typeof value !== 'string') return false;
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function toUtc(date: DateOnly): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function fromUtc(d: Date): DateOnly {
  return d.toISOString().slice(0, 10);
}

/**
 * Today on the server's clock, in its local time zone (set TZ=Asia/Shanghai on the server for China):
 * "expires today" must flip at local midnight, not at UTC midnight.
 */
export function todayIso(now: Date = new Date()): DateOnly {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function addDays(date: DateOnly, days: number): DateOnly {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: DateOnly, to: DateOnly): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000);
}

/** The same day `years` earlier; 29 February becomes 28 February in a common year. */
export function minusYears(date: DateOnly, years: number): DateOnly {
  const [y, m, d] = date.split('-').map(Number);
  const target = y - years;
  const lastDay = new Date(Date.UTC(target, m, 0)).getUTCDate();
  return `${String(target).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** A calendar date field: "YYYY-MM-DD" and a real date. */
export function IsDateOnly(): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isDateOnly',
      target: target.constructor,
      propertyName: propertyKey as string,
      validator: {
        validate: (value: unknown) => isDateOnly(value),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be a date such as 2026-03-31 (YYYY-MM-DD)`,
      },
    });
}

/** This date field must not be before `other` (checked only when both are valid dates). */
export function IsNotBefore(other: string): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isNotBefore',
      target: target.constructor,
      propertyName: propertyKey as string,
      constraints: [other],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const start = (args?.object as Record<string, unknown> | undefined)?.[other];
          return !isDateOnly(value) || !isDateOnly(start) || value >= start;
        },
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must not be before ${other}`,
      },
    });
}

/**
 * Fills `{today}`, `{today+30}`, `{today-400}` in a template (demo sheets) with dates relative to `today`,
 * so demo data about expiry stays true whenever it is loaded.
 */
export function fillRelativeDates(template: string, today: DateOnly = todayIso()): string {
  return template.replace(/\{today(?:([+-])(\d+))?\}/g, (_, sign?: string, n?: string) =>
    addDays(today, sign === '-' ? -Number(n) : Number(n ?? 0)),
  );
}
