/** What other modules may use of the tender records: their vocabulary (statuses, kinds) without the ORM entity. */
export const BID_BOND_FORMS = ['cash', 'bank_transfer', 'bank_guarantee', 'insurance', 'other'] as const;

export type BidBondForm = (typeof BID_BOND_FORMS)[number];

export const BID_BOND_STATUSES = ['not_required', 'to_pay', 'paid', 'returned', 'forfeited'] as const;

export type BidBondStatus = (typeof BID_BOND_STATUSES)[number];

export const TENDER_STATUSES = ['preparing', 'generated', 'submitted', 'won', 'lost', 'cancelled'] as const;

export type TenderStatus = (typeof TENDER_STATUSES)[number];

export const DEVIATION_KINDS = ['none', 'positive', 'negative'] as const;

export type DeviationKind = (typeof DEVIATION_KINDS)[number];
