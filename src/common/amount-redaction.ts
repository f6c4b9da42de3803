import { toChineseCapital } from './chinese-numerals.js';
import { isAmount, round2, type Amount } from './money.js';

/**
 * The ways an amount can be written in free text: 123457.89, 123457.9 (a trailing zero dropped), 123457 (the
 * integer part, also when there are cents), 123,457.89 and 123,457 (grouped), and 壹拾贰万叁仟肆佰伍拾柒元捌角玖分.
 * Small integers (below 1000) are left out: "12" is a quantity or a day count far more often than a price.
 */
export function amountForms(amount: Amount): string[] {
  if (!isAmount(amount)) return [];
  const fixed = round2(amount).replace(/^-/, '');
  const [int, frac] = fixed.split('.');
  if (int.length < 4 && /^0*$/.test(frac)) return [];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = `${int}.${frac}`.replace(/\.?0+$/, '');
  const forms = new Set([fixed, trimmed, `${grouped}.${frac}`, grouped, toChineseCapital(fixed)]);
  if (int.length >= 4) forms.add(int);
  return [...forms].filter((f) => f !== '' && f !== '0');
}

const REDACTED = '***';

/**
 * `text` with every written form of these amounts replaced by ***: free text (remarks, specifications) typed on
 * a contract can repeat a price, and the production copy must not carry it.
 */
export function redactAmounts(text: string | null, amounts: Amount[]): string | null {
  if (text === null) return null;
  const forms = [...new Set(amounts.flatMap(amountForms))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const f of forms) {
    const escaped = f.replace(/[.*+?^${}()|[\]\\,]/g, '\\$&');
    const digits = /^\d/.test(f);
    // A figure counts only as a number of its own (not digits inside a longer number or a phone number).
    const re = digits ? new RegExp(`(?<![\\d.,])${escaped}(?![\\d]|[.,]\\d)`, 'g') : new RegExp(escaped, 'g');
    out = out.replace(re, REDACTED);
  }
  return out;
}

/**
 * A field name that carries a commercial figure: a price, an amount, a discount, a tax, a total, a balance, what was
 * paid or is owed, whether a price is below the floor. It covers the modules' price lists (CONTRACT_PRICE_FIELDS,
 * CONTRACT_LINE_PRICE_FIELDS, QUOTATION_PRICE_FIELDS, LINE_PRICE_FIELDS, PRODUCT_PRICE_FIELDS, performance's
 * contractAmount; src/rendering/templates/data-contract.spec.ts holds it to them) and the names the templates' data
 * use (totals, totalInWords, paymentTerms, openingBalance, debit/credit, aging, bidBond, received, outstanding,
 * invoiced). Production staff receive no field of these names: the template guardrails refuse a production copy
 * that reaches one. `taxId` and `creditCode` (a company's registration numbers) are not figures.
 */
export const PRICE_FIELD =
  /price|amount|discount|total|^net$|^tax$|^taxRate$|balance|paid|outstanding|received|invoiced|^debit$|^credit$|unappliedCredit|^paymentTerms$|^aging$|bidBond|belowFloor/i;

/** Whether the last name of a dotted path (`lines[].unitPrice` -> `unitPrice`) is a price field. */
export function isPriceField(path: string): boolean {
  const last = path.split('.').pop() ?? '';
  return PRICE_FIELD.test(last.replace(/\[\]$/, ''));
}
