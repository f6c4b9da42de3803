import type { DateOnly } from '../../common/tabular/date-only.js';

/**
 * The life of a quotation:
 *
 *   draft --submit--> submitted --approve--> approved --send--> sent --accept--> accepted
 *                                                                   --reject--> rejected
 *   expired: not stored; any quotation past its validity date that is neither accepted nor rejected.
 *
 * Editing is not a transition of its own: a draft is edited in place; a quotation that has left the draft
 * (submitted, approved, sent, rejected, expired) gets revision N+1, which starts again as a draft and needs
 * approval again; an accepted quotation is final (the contract follows from it).
 *
 * accept and reject are recorded by staff, or by the customer through the acceptance link of the sent revision
 * (quotation-acceptance.service.ts; the customer's "decline" is `rejected` here, `declined` on the link).
 */
export const QUOTATION_STATUSES = [
  'draft',
  'submitted',
  'approved',
  'sent',
  'accepted',
  'rejected',
  'expired',
] as const;
export type QuotationStatus = (typeof QUOTATION_STATUSES)[number];

/** What the database keeps; `expired` is derived from the validity date (see effectiveStatus). */
export type StoredStatus = Exclude<QuotationStatus, 'expired'>;
export const STORED_STATUSES: readonly StoredStatus[] = [
  'draft',
  'submitted',
  'approved',
  'sent',
  'accepted',
  'rejected',
];

/** Answered by the customer: no longer expires. */
export const CLOSED_STATUSES: readonly StoredStatus[] = ['accepted', 'rejected'];

export const QUOTATION_ACTIONS = ['submit', 'approve', 'send', 'accept', 'reject'] as const;
export type QuotationAction = (typeof QUOTATION_ACTIONS)[number];

const TRANSITIONS: Record<QuotationAction, { from: QuotationStatus; to: StoredStatus }> = {
  submit: { from: 'draft', to: 'submitted' },
  approve: { from: 'submitted', to: 'approved' },
  send: { from: 'approved', to: 'sent' },
  accept: { from: 'sent', to: 'accepted' },
  reject: { from: 'sent', to: 'rejected' },
};

/**
 * The status a caller sees on day `today`. The repository's SQL filter (statusFilterSql) states the same rule;
 * the e2e tests hold them together.
 */
export function effectiveStatus(stored: StoredStatus, validUntil: DateOnly, today: DateOnly): QuotationStatus {
  if (CLOSED_STATUSES.includes(stored)) return stored;
  return validUntil < today ? 'expired' : stored;
}

export type TransitionResult =
  { ok: true; from: QuotationStatus; to: StoredStatus } | { ok: false; from: QuotationStatus; to: StoredStatus };

/** Where `action` leads from `from`; not ok when the machine has no such edge (the caller answers 409). */
export function transition(from: QuotationStatus, action: QuotationAction): TransitionResult {
  const edge = TRANSITIONS[action];
  return { ok: edge.from === from, from, to: edge.to };
}

export type EditMode = 'in_place' | 'new_revision' | 'locked';

/**
 * How an edit applies, by the stored status: a draft (even one past its validity date) is still being written,
 * so it changes in place; anything the approver or the customer has seen keeps its revision and gets a new one.
 */
export function editMode(stored: StoredStatus): EditMode {
  switch (stored) {
    case 'draft':
      return 'in_place';
    case 'submitted':
    case 'approved':
    case 'sent':
    case 'rejected':
      return 'new_revision';
    case 'accepted':
      return 'locked';
  }
}
