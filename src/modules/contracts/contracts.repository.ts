import { Injectable } from '@nestjs/common';
import { DataSource, In, type SelectQueryBuilder } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { likeContains } from '../../database/like.js';
import { BaseRepository } from '../../database/transaction.js';
import { Contract, ContractChangeRequest, ContractRevision, type ContractStatus } from './contract.entity.js';
import { inOwnCustomers } from '../../database/own-customers.js';

export type ContractData = Omit<Contract, 'id' | 'createdAt' | 'updatedAt' | 'version'>;
export type RevisionData = Omit<ContractRevision, 'id' | 'createdAt'>;
export type ChangeData = Omit<ContractChangeRequest, 'id' | 'requestedAt'>;
export type RevisionSummary = Pick<
  ContractRevision,
  'revision' | 'createdAt' | 'createdBy' | 'createdByName' | 'changeRequestId'
>;

/** A contract with the names it is shown with (customer, quotation number). */
export interface ContractRow {
  contract: Contract;
  customerName: string;
  quotationNumber: string | null;
}

/** A listed contract: its row and the current revision's delivery date. */
export interface ContractListRow extends ContractRow {
  deliveryDate: DateOnly | null;
}

export const CONTRACT_SORTS = ['signingDate', 'number', 'createdAt', 'updatedAt'] as const;
export type ContractSort = (typeof CONTRACT_SORTS)[number];

const SORT_COLUMNS: Record<ContractSort, string> = {
  signingDate: 'c.signing_date',
  number: 'c.number',
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
};

export interface ContractFilter {
  q?: string;
  customerId?: string;
  /** Only these customers' contracts (a sales user's own customers; see auth/ownership.ts). */
  customerIds?: string[];
  status?: ContractStatus;
  signedFrom?: DateOnly;
  signedTo?: DateOnly;
  projectNumber?: string;
  sort: ContractSort;
  order: 'asc' | 'desc';
}

export interface ContactListFilter {
  from?: DateOnly;
  to?: DateOnly;
  statuses?: ContractStatus[];
  /** Only these customers' contracts (a sales user's own customers; see auth/ownership.ts). */
  customerIds?: string[];
}

@Injectable()
export class ContractsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The record's version, its row locked for the rest of the transaction (checkVersion); null: no such record. */
  lockVersion(id: string): Promise<number | null> {
    return this.lockedVersion(Contract, id);
  }

  /**
   * The next automatic number of the year. The upsert takes the counter row's lock until the transaction ends:
   * concurrent creations queue here, and a creation that rolls back takes its increment with it (no gaps).
   */
  nextSequence(year: number): Promise<number> {
    return this.nextYearSequence('contract_counters', year);
  }

  /**
   * Serialises contract creation per quotation until the transaction ends, so two requests cannot both find
   * "no contract yet" (the quotations row belongs to another module; an advisory lock needs no row).
   */
  async lockQuotation(quotationId: string): Promise<void> {
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtext('contract-for-quotation'), hashtext($1))`, [
      quotationId,
    ]);
  }

  /** The contract made from this quotation that is not cancelled, if any. */
  findLiveByQuotation(quotationId: string): Promise<Contract | null> {
    return this.repo(Contract)
      .createQueryBuilder('c')
      .where('c.quotation_id = :quotationId', { quotationId })
      .andWhere(`c.status <> 'cancelled'`)
      .getOne();
  }

  async numberTaken(number: string): Promise<boolean> {
    return (await this.repo(Contract).count({ where: { number } })) > 0;
  }

  async projectNumberTaken(projectNumber: string): Promise<boolean> {
    return (await this.repo(Contract).count({ where: { projectNumber } })) > 0;
  }

  async findById(id: string): Promise<ContractRow | null> {
    const rows = await this.rows(this.named(this.repo(Contract).createQueryBuilder('c').where('c.id = :id', { id })));
    return rows[0] ?? null;
  }

  /** The row locked until the transaction ends: status changes, reviews and revisions of one contract queue up. */
  /** Numbers and project of these contracts, for other modules' lists and documents. */
  labels(ids: string[]): Promise<Pick<Contract, 'id' | 'number' | 'projectName' | 'projectNumber'>[]> {
    return this.repo(Contract).find({
      where: { id: In(ids) },
      select: { id: true, number: true, projectName: true, projectNumber: true },
    });
  }

  findByIdForUpdate(id: string): Promise<Contract | null> {
    return this.repo(Contract).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findRevision(contractId: string, revision: number): Promise<ContractRevision | null> {
    return this.repo(ContractRevision).findOne({ where: { contractId, revision } });
  }

  /** Every revision of these contracts, lines included, oldest first. */
  revisionsOf(contractIds: string[]): Promise<ContractRevision[]> {
    if (!contractIds.length) return Promise.resolve([]);
    return this.repo(ContractRevision)
      .createQueryBuilder('r')
      .where('r.contract_id IN (:...contractIds)', { contractIds })
      .orderBy('r.revision', 'ASC')
      .getMany();
  }

  /** The revisions of a contract without their content, oldest first. */
  revisionSummaries(contractId: string): Promise<RevisionSummary[]> {
    return this.repo(ContractRevision).find({
      where: { contractId },
      select: { revision: true, createdAt: true, createdBy: true, createdByName: true, changeRequestId: true },
      order: { revision: 'ASC' },
    });
  }

  async list(filter: ContractFilter, page: number, pageSize: number): Promise<[ContractListRow[], number]> {
    const qb = this.named(this.repo(Contract).createQueryBuilder('c'))
      .innerJoin(ContractRevision, 'r', 'r.contract_id = c.id AND r.revision = c.revision')
      .addSelect('r.delivery_date::text', 'delivery_date'); // text: pg would make a local-time Date of it
    if (filter.q) {
      qb.andWhere(
        '(c.number ILIKE :p OR c.project_name ILIKE :p OR c.project_number ILIKE :p OR cu.name ILIKE :p OR cu.name_en ILIKE :p)',
        { p: likeContains(filter.q) },
      );
    }
    if (filter.customerId) qb.andWhere('c.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.customerIds) qb.andWhere(...inOwnCustomers('c.customer_id', filter.customerIds));
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter.signedFrom) qb.andWhere('c.signing_date >= :signedFrom', { signedFrom: filter.signedFrom });
    if (filter.signedTo) qb.andWhere('c.signing_date <= :signedTo', { signedTo: filter.signedTo });
    if (filter.projectNumber) qb.andWhere('c.project_number = :projectNumber', { projectNumber: filter.projectNumber });
    const dir = filter.order === 'desc' ? 'DESC' : 'ASC';
    const total = await qb.getCount();
    const rows = await this.rows(
      qb
        .orderBy(SORT_COLUMNS[filter.sort], dir)
        .addOrderBy('c.number', dir)
        .offset((page - 1) * pageSize)
        .limit(pageSize),
    );
    return [rows as ContractListRow[], total];
  }

  /** Contracts signed in the period (inclusive) with these statuses, by signing date then number. */
  contactList(filter: ContactListFilter): Promise<ContractRow[]> {
    const qb = this.named(this.repo(Contract).createQueryBuilder('c'));
    if (filter.from) qb.andWhere('c.signing_date >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('c.signing_date <= :to', { to: filter.to });
    if (filter.statuses) qb.andWhere('c.status IN (:...statuses)', { statuses: [...filter.statuses, ''] });
    if (filter.customerIds) qb.andWhere(...inOwnCustomers('c.customer_id', filter.customerIds));
    return this.rows(qb.orderBy('c.signing_date', 'ASC').addOrderBy('c.number', 'ASC'));
  }

  createContract(data: ContractData): Promise<Contract> {
    return this.repo(Contract).save(this.repo(Contract).create(data));
  }

  async saveContract(contract: Contract): Promise<void> {
    await this.repo(Contract).save(contract);
  }

  createRevision(data: RevisionData): Promise<ContractRevision> {
    return this.repo(ContractRevision).save(this.repo(ContractRevision).create(data));
  }

  async saveRevision(revision: ContractRevision): Promise<void> {
    await this.repo(ContractRevision).save(revision);
  }

  changes(contractId: string): Promise<ContractChangeRequest[]> {
    return this.repo(ContractChangeRequest).find({ where: { contractId }, order: { requestedAt: 'ASC', id: 'ASC' } });
  }

  findChangeForUpdate(contractId: string, id: string): Promise<ContractChangeRequest | null> {
    return this.repo(ContractChangeRequest).findOne({ where: { id, contractId }, lock: { mode: 'pessimistic_write' } });
  }

  createChange(data: ChangeData): Promise<ContractChangeRequest> {
    return this.repo(ContractChangeRequest).save(this.repo(ContractChangeRequest).create(data));
  }

  async saveChange(change: ContractChangeRequest): Promise<void> {
    await this.repo(ContractChangeRequest).save(change);
  }

  // ---- internals ----

  /** Adds the customer's name and the quotation's number (by entity name: no run-time import of other modules). */
  private named(qb: SelectQueryBuilder<Contract>): SelectQueryBuilder<Contract> {
    return qb
      .leftJoin('Customer', 'cu', 'cu.id = c.customer_id')
      .leftJoin('Quotation', 'q', 'q.id = c.quotation_id')
      .addSelect('cu.name', 'customer_name')
      .addSelect('q.number', 'quotation_number');
  }

  private async rows(qb: SelectQueryBuilder<Contract>): Promise<ContractListRow[]> {
    const { entities, raw } = await qb.getRawAndEntities<{
      c_id: string;
      customer_name: string | null;
      quotation_number: string | null;
      delivery_date?: DateOnly | null;
    }>();
    const byId = new Map(raw.map((r) => [r.c_id, r]));
    return entities.map((contract) => {
      const r = byId.get(contract.id);
      return {
        contract,
        customerName: r?.customer_name ?? '',
        quotationNumber: r?.quotation_number ?? null,
        deliveryDate: r?.delivery_date ?? null,
      };
    });
  }
}
