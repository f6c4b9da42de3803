import type { ContractStatus } from './contract.entity.js';

/**
 * The contract's status machine (drawn in contract.entity.ts), as pure functions the service and the specs share:
 *
 *   edit      draft | review_failed -> draft          (the review must be run again)
 *   review    draft | review_failed -> approved        when every check passes
 *                                   -> review_failed   otherwise
 *   approve   review_failed -> approved               (a manager lets the failed checks through, with a reason)
 *   activate  approved -> active                      (the project number, on the advance payment)
 *   complete  active -> completed
 *   cancel    anything but completed or cancelled -> cancelled
 *   change    approved | active -> unchanged          (a change request, and its approval, make a new revision)
 */
export const CONTRACT_ACTIONS = ['edit', 'review', 'approve', 'activate', 'complete', 'cancel', 'change'] as const;
export type ContractAction = (typeof CONTRACT_ACTIONS)[number];

export type ContractTransition =
  | { ok: true; from: ContractStatus; to: ContractStatus }
  | { ok: false; from: ContractStatus; allowedFrom: readonly ContractStatus[] };

const FROM: Record<ContractAction, readonly ContractStatus[]> = {
  edit: ['draft', 'review_failed'],
  review: ['draft', 'review_failed'],
  approve: ['review_failed'],
  activate: ['approved'],
  complete: ['active'],
  cancel: ['draft', 'review_failed', 'approved', 'active'],
  change: ['approved', 'active'],
};

/**
 * Where `action` leads from `from`; `passed` is the review's outcome (only read for `review`). Not ok when the
 * machine has no such edge: the caller answers 409 with the statuses it would have accepted.
 */
export function contractTransition(from: ContractStatus, action: ContractAction, passed = false): ContractTransition {
  const allowedFrom = FROM[action];
  if (!allowedFrom.includes(from)) return { ok: false, from, allowedFrom };
  return { ok: true, from, to: target(from, action, passed) };
}

function target(from: ContractStatus, action: ContractAction, passed: boolean): ContractStatus {
  switch (action) {
    case 'edit':
      return 'draft';
    case 'review':
      return passed ? 'approved' : 'review_failed';
    case 'approve':
      return 'approved';
    case 'activate':
      return 'active';
    case 'complete':
      return 'completed';
    case 'cancel':
      return 'cancelled';
    case 'change':
      return from;
  }
}

/** After approval the contract changes only through change requests (a manager approves each). */
export function isEditable(status: ContractStatus): boolean {
  return FROM.edit.includes(status);
}
