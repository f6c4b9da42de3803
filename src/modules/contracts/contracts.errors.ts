/** The error codes of the contracts module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const ContractError = {
  /** Cancelling a contract needs a reason (400). */
  CANCEL_REASON_REQUIRED: 'CANCEL_REASON_REQUIRED',
  /** A change request that changes nothing (422). */
  CHANGE_EMPTY: 'CHANGE_EMPTY',
  CHANGE_LINE_NOT_FOUND: 'CHANGE_LINE_NOT_FOUND',
  CHANGE_LINE_TWICE: 'CHANGE_LINE_TWICE',
  /** A change request without a reason (400). */
  CHANGE_REASON_REQUIRED: 'CHANGE_REASON_REQUIRED',
  CHANGE_NOT_FOUND: 'CHANGE_NOT_FOUND',
  CHANGE_NOT_PENDING: 'CHANGE_NOT_PENDING',
  /** Another change landed after this one was asked: ask again against the current revision (409). */
  CHANGE_OUTDATED: 'CHANGE_OUTDATED',
  CONTRACT_EXISTS_FOR_QUOTATION: 'CONTRACT_EXISTS_FOR_QUOTATION',
  /** An approved contract changes only through a change request (409). */
  CONTRACT_LOCKED: 'CONTRACT_LOCKED',
  /** Shipping, invoicing or paying against a contract that is not approved or active. */
  CONTRACT_NOT_APPROVED: 'CONTRACT_NOT_APPROVED',
  /** Change requests are for approved or active contracts; a draft is edited directly (409). */
  CONTRACT_NOT_CHANGEABLE: 'CONTRACT_NOT_CHANGEABLE',
  CONTRACT_NOT_FOUND: 'CONTRACT_NOT_FOUND',
  CONTRACT_NUMBER_TAKEN: 'CONTRACT_NUMBER_TAKEN',
  CONTRACT_REVISION_NOT_FOUND: 'CONTRACT_REVISION_NOT_FOUND',
  /** A change request that would leave the contract without a line (422). */
  CONTRACT_WITHOUT_LINES: 'CONTRACT_WITHOUT_LINES',
  /** The quotation is for another customer than the contract (422). */
  CUSTOMER_MISMATCH: 'CUSTOMER_MISMATCH',
  INVALID_PROJECT_NUMBER: 'INVALID_PROJECT_NUMBER',
  /** Only a manager approves a contract that failed review, or decides on a change (403). */
  MANAGER_APPROVAL_REQUIRED: 'MANAGER_APPROVAL_REQUIRED',
  /** The contract has its project number already: it is given once (409). */
  PROJECT_NUMBER_ASSIGNED: 'PROJECT_NUMBER_ASSIGNED',
  PROJECT_NUMBER_TAKEN: 'PROJECT_NUMBER_TAKEN',
  QUOTATION_NOT_ACCEPTED: 'QUOTATION_NOT_ACCEPTED',
  /** Rejecting a change request needs a reason (400). */
  REJECT_REASON_REQUIRED: 'REJECT_REASON_REQUIRED',
} as const;
export type ContractErrorCode = (typeof ContractError)[keyof typeof ContractError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    contracts: ContractErrorCode;
  }
}
