import { likeContains } from '../../database/like.js';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { CustomerContact } from './customer-contact.entity.js';
import { Customer } from './customer.entity.js';
import type { CustomerSort } from './dto/customer-query.dto.js';

export interface CustomerSearch {
  q?: string;
  salesOwnerId?: string;
  archived: boolean;
  sort: CustomerSort;
  order: 'asc' | 'desc';
}

export type CustomerData = Omit<Customer, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'contacts'>;
export type ContactData = Omit<CustomerContact, 'id' | 'customerId' | 'customer' | 'position'>;

const SORT_COLUMNS: Record<CustomerSort, string> = {
  name: 'c.name',
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
};

/** A search term for LIKE: % and _ match themselves. */

@Injectable()
export class CustomersRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The record's version, its row locked for the rest of the transaction (checkVersion); null: no such record. */
  lockVersion(id: string): Promise<number | null> {
    return this.lockedVersion(Customer, id);
  }

  /**
   * The customer with its contacts (in their order). find() rather than findOne(): findOne's LIMIT 1
   * over joined rows makes TypeORM look up the distinct ids in a query of its own first (two round trips per read; a
   * statement run reads every customer).
   */
  async findById(id: string): Promise<Customer | null> {
    const [customer] = await this.repo(Customer).find({
      where: { id },
      relations: { contacts: true },
      order: { contacts: { position: 'ASC' } },
    });
    return customer ?? null;
  }

  /** The ids of the customers a sales user owns, archived ones included (the ownership policy's list scope). */
  async idsOwnedBy(salesOwnerId: string): Promise<string[]> {
    const rows = await this.repo(Customer).find({ select: { id: true }, where: { salesOwnerId } });
    return rows.map((c) => c.id);
  }

  findByIds(ids: string[]): Promise<Customer[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.repo(Customer).find({
      where: { id: In(ids) },
      relations: { contacts: true },
      order: { name: 'ASC', contacts: { position: 'ASC' } },
    });
  }

  /** The customers with these tax ids, with contacts (an import matches its rows by tax id). */
  findByTaxIds(taxIds: string[]): Promise<Customer[]> {
    if (!taxIds.length) return Promise.resolve([]);
    return this.repo(Customer).find({
      where: { taxId: In(taxIds) },
      relations: { contacts: true },
      order: { name: 'ASC', contacts: { position: 'ASC' } },
    });
  }

  /**
   * One page, with contacts. Text search is ILIKE over name, English name and tax id:
   * it works for Chinese and needs no extension (pg_trgm is not in the embedded PostgreSQL).
   */
  async list(search: CustomerSearch, page: number, pageSize: number): Promise<[Customer[], number]> {
    const [items, total] = await this.query(search)
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return [await this.withContacts(items), total];
  }

  /** Every match, in the same order as the list (an export). */
  async all(search: CustomerSearch): Promise<Customer[]> {
    return this.withContacts(await this.query(search).getMany());
  }

  private query(search: CustomerSearch) {
    const q = this.repo(Customer)
      .createQueryBuilder('c')
      .where('c.archived = :archived', { archived: search.archived });
    if (search.q)
      q.andWhere('(c.name ILIKE :p OR c.name_en ILIKE :p OR c.tax_id ILIKE :p)', { p: likeContains(search.q) });
    if (search.salesOwnerId) q.andWhere('c.sales_owner_id = :owner', { owner: search.salesOwnerId });
    const dir = search.order === 'desc' ? 'DESC' : 'ASC';
    return q.orderBy(SORT_COLUMNS[search.sort], dir).addOrderBy('c.id', dir);
  }

  // Contacts in a second query: paging over a one-to-many join would page contacts, not customers.
  private async withContacts(items: Customer[]): Promise<Customer[]> {
    const contacts = items.length
      ? await this.repo(CustomerContact).find({
          where: { customerId: In(items.map((c) => c.id)) },
          order: { position: 'ASC' },
        })
      : [];
    const byCustomer = new Map<string, CustomerContact[]>();
    for (const ct of contacts) byCustomer.set(ct.customerId, [...(byCustomer.get(ct.customerId) ?? []), ct]);
    for (const c of items) c.contacts = byCustomer.get(c.id) ?? [];
    return items;
  }

  async create(data: CustomerData): Promise<Customer> {
    return this.repo(Customer).save(this.repo(Customer).create(data));
  }

  async save(customer: Customer): Promise<Customer> {
    const { contacts: _contacts, ...columns } = customer;
    return this.repo(Customer).save(columns as Customer);
  }

  /** Replaces the customer's contacts with these, in this order. */
  async replaceContacts(customerId: string, contacts: ContactData[]): Promise<void> {
    await this.repo(CustomerContact).delete({ customerId });
    if (contacts.length)
      await this.repo(CustomerContact).insert(contacts.map((c, position) => ({ ...c, customerId, position })));
  }

  /** Customers with their contacts in a few statements (an import), not two round trips per customer. */
  async insertMany(rows: { customer: CustomerData; contacts: ContactData[] }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      // Ids made here, so that the contacts can name their customer without relying on RETURNING's order.
      const chunk = rows.slice(i, i + 500).map((r) => ({ ...r, id: randomUUID() }));
      await this.repo(Customer).insert(chunk.map((r) => ({ ...r.customer, id: r.id })));
      const contacts = chunk.flatMap((r) => r.contacts.map((c, position) => ({ ...c, customerId: r.id, position })));
      if (contacts.length) await this.repo(CustomerContact).insert(contacts);
    }
  }
}
