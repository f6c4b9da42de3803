import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import type { AppErrorCode } from '../../common/errors/error-codes.js';
import type { AuthUser } from './auth-user.js';
import {
  boundToOwnRecords,
  mayReach,
  notYourRecord,
  type OwnedType,
  type OwnerResolver,
  type RecordOwner,
} from './ownership.js';

interface Registration {
  resolve: OwnerResolver;
  /** The 404 code of the owning module (e.g. TENDER_NOT_FOUND). */
  notFoundCode: AppErrorCode;
  label: string;
}

/**
 * The ownership policy at work: each module registers how to find the owner of its own records (no module reads
 * another's tables); the guard and the services ask here. Whoever is not bound (see boundToOwnRecords) is never refused.
 */
@Injectable()
export class OwnershipService {
  private readonly resolvers = new Map<OwnedType, Registration>();
  private ownedCustomers: ((salesOwnerId: string) => Promise<string[]>) | null = null;

  constructor(private readonly config: AppConfig) {}

  register(type: OwnedType, notFoundCode: AppErrorCode, resolve: OwnerResolver, label: string = type): void {
    if (this.resolvers.has(type)) throw new Error(`An owner resolver for ${type} is registered twice`);
    this.resolvers.set(type, { resolve, notFoundCode, label });
  }

  /** How to find the ids of the customers a sales user owns (registered by the customers module). */
  registerCustomerScope(lister: (salesOwnerId: string) => Promise<string[]>): void {
    this.ownedCustomers = lister;
  }

  /**
   * For lists of records owned through their customer: the ids of the customers a bound user owns (their lists show
   * records of these only), else undefined (every customer). A customerId asked for outside them: 403 NOT_YOUR_RECORD.
   */
  async customerScope(
    user: Pick<AuthUser, 'id' | 'roles'> | object,
    askedCustomerId?: string,
  ): Promise<string[] | undefined> {
    if (!this.bound(user)) return undefined;
    if (!this.ownedCustomers) throw new Error('No customer scope registered');
    const ids = await this.ownedCustomers(user.id);
    if (askedCustomerId !== undefined && !ids.includes(askedCustomerId))
      throw notYourRecord('This customer belongs to another sales owner', { customerId: askedCustomerId });
    return ids;
  }

  registered(type: string): type is OwnedType {
    return this.resolvers.has(type as OwnedType);
  }

  /** Whether this user reaches only their own records (a sales user, unless SALES_SEE_ALL_RECORDS). */
  bound(user: Pick<AuthUser, 'roles'> | object): user is AuthUser {
    return boundToOwnRecords(user, this.config.salesSeeAllRecords);
  }

  /** For list filters: the sales owner a bound user's lists are limited to, else undefined (everything). */
  ownerFilter(user: Pick<AuthUser, 'id' | 'roles'> | object): string | undefined {
    return this.bound(user) ? user.id : undefined;
  }

  /**
   * The sales owner a list is filtered by: a bound user's own id (403 NOT_YOUR_RECORD when they ask for another
   * owner's), else the one asked for (undefined: every owner).
   */
  listOwner(user: Pick<AuthUser, 'id' | 'roles'> | object, asked?: string): string | undefined {
    const own = this.ownerFilter(user);
    if (own && asked !== undefined && asked !== own)
      throw notYourRecord("A sales user lists only their own customers' and tenders' records", { salesOwnerId: asked });
    return own ?? asked;
  }

  /** The owner of a record; null when there is no such record. */
  async ownerOf(type: OwnedType, id: string): Promise<RecordOwner | null> {
    return lookUp(this.registration(type), id);
  }

  /** 404 (the owning module's code) when the record does not exist; 403 NOT_YOUR_RECORD when the user may not reach it. */
  async check(
    user: Pick<AuthUser, 'id' | 'roles'> | object,
    type: OwnedType,
    id: string,
    field?: string,
  ): Promise<void> {
    const reg = this.registration(type);
    const owner = await lookUp(reg, id);
    if (!owner)
      throw AppException.notFound(reg.notFoundCode, `No such ${reg.label}`, { id, ...(field ? { field } : {}) });
    this.assert(user, owner, `This ${reg.label} belongs to another sales owner`, {
      type,
      id,
      ...(field ? { field } : {}),
    });
  }

  /**
   * A record named in a request's body (a quotation's customerId, a tender's quotationId...): 403 NOT_YOUR_RECORD when
   * a bound user may not reach it. A missing record is left to the service's own check (usually 422).
   */
  async checkReference(
    user: Pick<AuthUser, 'id' | 'roles'> | object,
    type: OwnedType,
    id: string,
    field: string,
  ): Promise<void> {
    if (!this.bound(user)) return;
    const reg = this.registration(type);
    const owner = await lookUp(reg, id);
    if (owner) this.assert(user, owner, `${field} is a ${reg.label} of another sales owner`, { field, [field]: id });
  }

  /** 403 NOT_YOUR_RECORD unless the user may reach a record with this owner. */
  assert(
    user: Pick<AuthUser, 'id' | 'roles'> | object,
    owner: RecordOwner,
    message: string,
    details?: Record<string, unknown>,
  ): void {
    if (!mayReach(user, owner, this.config.salesSeeAllRecords)) throw notYourRecord(message, details);
  }

  /** A bound user may only name themselves as a sales owner (of a customer or tender). */
  assertOwnerIsSelf(
    user: Pick<AuthUser, 'id' | 'roles'> | object,
    salesOwnerId: string | null | undefined,
    what: string,
  ): void {
    if (salesOwnerId === undefined || !this.bound(user)) return;
    if (salesOwnerId !== user.id)
      throw notYourRecord(`A sales user cannot give a ${what} to another sales owner`, { salesOwnerId });
  }

  private registration(type: OwnedType): Registration {
    const reg = this.resolvers.get(type);
    if (!reg) throw new Error(`No owner resolver registered for ${type}`);
    return reg;
  }
}

/**
 * Records have UUIDs: any other id names no record (an ad-hoc document's free-form subject id, say), and is not sent
 * to the database, where comparing it with a uuid column would fail.
 */
function lookUp(reg: Registration, id: string): Promise<RecordOwner | null> {
  return isUUID(id) ? reg.resolve(id) : Promise.resolve(null);
}
