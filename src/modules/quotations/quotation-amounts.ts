import type { Decimal } from 'decimal.js';
import { AppException } from '../../common/errors/app-exception.js';
import { QuotationError } from './quotations.errors.js';
import { compare, dec, MAX_AMOUNT, round2, sum, type Amount } from '../../common/money.js';

/**
 * Quotation arithmetic, in decimals (never a float). The rounding rule, as printed on the document:
 *
 *   line net   = round2(qty × unit price × (1 − discount / 100))     amount before tax
 *   line tax   = round2(line net × tax rate / 100)                   VAT of the line
 *   line total = line net + line tax                                 (already two places)
 *   subtotal   = Σ line net;  tax total = Σ line tax;  total = subtotal + tax total
 *
 * round2 is half-up at two places (0.005 -> 0.01), applied once per line amount; the totals add the rounded
 * line amounts and are never rounded again, so every figure on the page adds up to the one below it (the way
 * a VAT invoice computes tax per line).
 */
export interface LinePricing {
  qty: string;
  unitPrice: Amount;
  /** percent, "0" to "100" */
  discount: string;
  /** percent */
  taxRate: string;
}

export interface LineAmounts {
  net: Amount;
  tax: Amount;
  total: Amount;
}

export interface Totals {
  subtotal: Amount;
  taxTotal: Amount;
  total: Amount;
}

/** The unit price after the discount, unrounded: this is what the floor price rule compares. */
export function effectiveUnitPrice(line: Pick<LinePricing, 'unitPrice' | 'discount'>): Decimal {
  return dec(line.unitPrice).times(dec(100).minus(line.discount)).div(100);
}

export function lineAmounts(line: LinePricing): LineAmounts {
  const net = round2(effectiveUnitPrice(line).times(line.qty));
  const tax = round2(dec(net).times(line.taxRate).div(100));
  return { net, tax, total: round2(dec(net).plus(tax)) };
}

export function totals(lines: LineAmounts[]): Totals {
  const subtotal = sum(lines.map((l) => l.net));
  const taxTotal = sum(lines.map((l) => l.tax));
  return { subtotal, taxTotal, total: sum([subtotal, taxTotal]) };
}

/** numeric(18,2) holds 16 digits before the point. */
export function fitsAmountColumn(amount: Amount): boolean {
  return compare(dec(amount).abs(), MAX_AMOUNT) <= 0;
}

/** Payment shares must add up to exactly 100 (as decimals: "33.33" + "33.33" + "33.34"). */
export function percentSum(shares: { percent: string }[]): string {
  return shares.reduce((acc, s) => acc.plus(s.percent), dec(0)).toFixed();
}

/** 400 PAYMENT_TERMS_NOT_100 unless the shares add up to exactly 100 (quotations and contracts alike). */
export function checkPaymentTerms(shares: { percent: string }[]): void {
  const total = percentSum(shares);
  if (compare(total, '100') !== 0) {
    throw AppException.badRequest(
      QuotationError.PAYMENT_TERMS_NOT_100,
      `The payment shares add up to ${total} %, not 100 %`,
      { sum: total },
    );
  }
}

/** "13.00" -> "13", "12.50" -> "12.5", "3.000" -> "3": how quantities and percentages are shown. */
export function trimDecimal(value: string): string {
  return dec(value).toFixed();
}
