/** What other modules may use of the contract records: their vocabulary (statuses, kinds) without the ORM entity. */
/**
 *   draft --review (all pass)--> approved --advance payment--> active --> completed
 *   draft --review (a check fails)--> review_failed --manager approval (reason)--> approved
 *   draft / review_failed --edit--> draft (the review must be run again)
 *   any but completed --cancel--> cancelled
 */
export const CONTRACT_STATUSES = ['draft', 'review_failed', 'approved', 'active', 'completed', 'cancelled'] as const;

export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export const CHANGE_STATUSES = ['pending', 'approved', 'rejected'] as const;

export type ChangeStatus = (typeof CHANGE_STATUSES)[number];
