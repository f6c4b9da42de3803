/** What other modules may use of the quotation-revision records: their vocabulary (statuses, kinds) without the ORM entity. */
export const PAYMENT_EVENTS = [
  'contract_signed',
  'before_delivery',
  'on_delivery',
  'after_acceptance',
  'warranty_end',
  'other',
] as const;

export type PaymentEvent = (typeof PAYMENT_EVENTS)[number];
