import type { DateOnly } from '../../common/tabular/date-only.js';

/**
 * What other modules may use of the quotation-revision records: their vocabulary (statuses, kinds) and the shapes
 * of their JSON columns (payment and delivery terms), without the ORM entity.
 */
export const PAYMENT_EVENTS = [
  'contract_signed',
  'before_delivery',
  'on_delivery',
  'after_acceptance',
  'warranty_end',
  'other',
] as const;

export type PaymentEvent = (typeof PAYMENT_EVENTS)[number];

/** One share of the payment schedule, e.g. 30 % within 7 days of signing ("3-6-1" is three of them). */
export interface PaymentShare {
  /** percent, two places at most; the shares add up to exactly 100 */
  percent: string;
  event: PaymentEvent;
  /** due within this many days of the event */
  days: number | null;
  label: string | null;
}

/** Incoterms 2020. */
export const INCOTERMS = ['EXW', 'FCA', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP', 'FAS', 'FOB', 'CFR', 'CIF'] as const;

export interface DeliveryTerms {
  /** delivery within this many days of receiving the advance payment */
  daysAfterAdvance: number | null;
  /** or on/by this date */
  date: DateOnly | null;
  place: string | null;
  incoterm: (typeof INCOTERMS)[number] | null;
}
