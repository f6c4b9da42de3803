import { SetMetadata } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import type { AuthUser } from './auth-user.js';

/**
 * One ownership policy (issue #14): a user whose roles give them no wider view than `sales` reads and writes only the
 * customers they own and what hangs from them (quotations, tenders, contracts, payments, invoices, deliveries,
 * statements, documents, jobs and their files). Tenders have their own sales owner; everything else is owned through
 * its customer. A user who also holds admin, backoffice, finance or manager is not bound; engineering and production
 * (alone) are not bound either, but they do not widen a sales user's view. SALES_SEE_ALL_RECORDS=true lifts the
 * binding for the whole company.
 */
export const OWNER_KEY = 'tenderdesk:owner';

export type OwnedType =
  | 'customer'
  | 'quotation'
  | 'tender'
  | 'contract'
  | 'payment'
  | 'invoice'
  | 'delivery'
  | 'statement'
  | 'dunning-letter'
  | 'document'
  | 'job'
  | 'outbox-message';

export interface OwnedParam {
  type: OwnedType;
  param: string;
}

/** What a route declares about its path param: an owner-bound record, or the company's shared records. */
export type OwnerRule = OwnedParam | 'shared';

/** Path param `param` (default 'id') names a record of `type`; a sales user reaches it only when they own its customer/tender. */
export const OwnedRecord = (type: OwnedType, param = 'id') =>
  SetMetadata(OWNER_KEY, { type, param } satisfies OwnedParam);

/** The route's records are the company's shared catalogue (products, qualifications, performance, company...): not owner-bound. */
export const SharedRecords = () => SetMetadata(OWNER_KEY, 'shared' satisfies OwnerRule);

/** Whose a record is: the sales owner of its customer (or of the tender itself). `null`: nobody's (no sales user reaches it). */
export interface RecordOwner {
  salesOwnerId: string | null;
}

/** Finds the owner of one record of a type; `null` when there is no such record. Registered by the module owning the table. */
export type OwnerResolver = (id: string) => Promise<RecordOwner | null>;

/** The roles that see every record their @Roles allow; a sales user also holding one of them is not bound. */
export const UNBOUND_ROLES = ['admin', 'backoffice', 'finance', 'manager'] as const;

/**
 * Whether this user reaches only their own records: a `sales` user with no role that sees everything,
 * unless the company lets sales see all (SALES_SEE_ALL_RECORDS). Anything without roles (system actors) is not bound.
 */
export function boundToOwnRecords(user: Pick<AuthUser, 'roles'> | object, salesSeeAll: boolean): boolean {
  if (salesSeeAll || !('roles' in user)) return false;
  const roles = user.roles as readonly string[];
  return roles.includes('sales') && !roles.some((r) => (UNBOUND_ROLES as readonly string[]).includes(r));
}

/** Whether `user` may reach a record owned by `owner` (the pure rule; see boundToOwnRecords). */
export function mayReach(
  user: Pick<AuthUser, 'id' | 'roles'> | object,
  owner: RecordOwner,
  salesSeeAll: boolean,
): boolean {
  if (!boundToOwnRecords(user, salesSeeAll)) return true;
  return owner.salesOwnerId !== null && owner.salesOwnerId === (user as AuthUser).id;
}

/** The refusal: 403 NOT_YOUR_RECORD. */
export function notYourRecord(message: string, details?: Record<string, unknown>): AppException {
  return AppException.forbidden(ErrorCode.NOT_YOUR_RECORD, message, details);
}
