import { redactAmounts } from '../../common/amount-redaction.js';
import { dec, round2, type Amount } from '../../common/money.js';
import type { PaymentEvent } from '../quotations/index.js';
import type { ContractView } from './contract.view.js';

export interface PaymentShareAmount {
  percent: string;
  event: PaymentEvent;
  days: number | null;
  label: string | null;
  amount: Amount;
}

/** The amount of each payment share: percent of the total, half-up per share; the last share takes the rest, so they add up. */
export function paymentShares(c: Pick<ContractView, 'total' | 'paymentTerms'>): PaymentShareAmount[] {
  let given = dec(0);
  return c.paymentTerms.map((s, i, all) => {
    const amount =
      i === all.length - 1 ? round2(dec(c.total).minus(given)) : round2(dec(c.total).times(s.percent).dividedBy(100));
    given = given.plus(amount);
    return { percent: dec(s.percent).toFixed(), event: s.event, days: s.days, label: s.label, amount };
  });
}

/** Every amount of the contract (lines, totals, payment shares): what free text shown without prices must not repeat. */
export function contractAmounts(c: ContractView): Amount[] {
  return [
    ...c.lines.flatMap((l) => [l.unitPrice, l.net, l.tax, l.total]),
    c.subtotal,
    c.taxTotal,
    c.total,
    ...paymentShares(c).map((s) => s.amount),
  ];
}

/**
 * A redactor for the free text of this contract as shown without prices (production's JSON, the production and
 * engineering copies): every written form of its amounts becomes ***.
 */
export function contractRedactor(c: ContractView): (text: string | null) => string | null {
  const amounts = contractAmounts(c);
  return (text) => redactAmounts(text, amounts);
}
