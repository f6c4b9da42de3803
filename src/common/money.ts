import { Decimal } from 'decimal.js';
import type { ValueTransformer } from 'typeorm';

/**
 * Money is a decimal string with two places ("12345678901234.56") everywhere in the service: in JSON (a JS
 * number cannot hold 16 significant digits), in entities (PostgreSQL numeric(18,2), which pg returns as a
 * string) and in arithmetic (decimal.js, never a float). Rounding is half-up, applied where a rule says so
 * (per quotation line, per tax amount); see `round2`.
 */
export type Amount = string;

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export { D as Dec };

/** numeric(18,2): 16 digits before the point. */
export const AMOUNT_PATTERN = /^-?\d{1,16}(\.\d{1,2})?$/;
export const MAX_AMOUNT = '9999999999999999.99';

export function isAmount(value: unknown): value is string {
  return typeof value === 'string' && AMOUNT_PATTERN.test(value);
}

export function dec(value: Decimal.Value): Decimal {
  return new D(value);
}

/** Half-up to two places, as a fixed string: "1234.5" -> "1234.50". */
export function round2(value: Decimal.Value): Amount {
  return new D(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

export function sum(values: Decimal.Value[]): Amount {
  return round2(values.reduce<Decimal>((acc, v) => acc.plus(v), new D(0)));
}

export function compare(a: Decimal.Value, b: Decimal.Value): -1 | 0 | 1 {
  return new D(a).comparedTo(b) as -1 | 0 | 1;
}

/** TypeORM transformer for numeric columns: stored and read as a normalised two-place string. */
export const amountColumn: ValueTransformer = {
  to: (v: Amount | null | undefined) => (v === null || v === undefined ? v : round2(v)),
  from: (v: string | null) => (v === null ? null : round2(v)),
};
