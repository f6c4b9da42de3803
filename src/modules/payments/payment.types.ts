/** What other modules may use of the payment records: their vocabulary (statuses, kinds) without the ORM entity. */
/** advance = 预付款 (gives the contract its project number), progress, delivery (before shipping), retention (质保金). */
export const PAYMENT_NATURES = ['advance', 'progress', 'delivery', 'retention', 'other'] as const;

export type PaymentNature = (typeof PAYMENT_NATURES)[number];

export const PAYMENT_METHODS = [
  'bank_transfer',
  'bank_acceptance',
  'commercial_acceptance',
  'cash',
  'cheque',
  'other',
] as const;

export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
