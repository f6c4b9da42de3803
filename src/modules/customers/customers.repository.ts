import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { CustomerContact } from './customer-contact.entity.js';
import { Customer } from './customer.entity.js';
import type { CustomerSort } from './dto/customer-query.dto.js';

export interface CustomerFilter {
  q?: string;
  salesOwnerId?: string;
  archived: boolean;
  sort: CustomerSort;
  order: 'asc' | 'desc';
}

export type CustomerData = Omit<Customer, 'id' | 'createdAt' | 'updatedAt' | 'salesOwner' | 'contacts'>;
export type ContactData = Omit<CustomerContact, 'id' | 'customerId' | 'customer' | 'position'>;

const SORT_COLUMNS: Record<CustomerSort, string> = {
  name: 'c.name',
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
};

/** A search term for LIKE: % and _ match themselves. */
export const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, '\\$&')}%`;

@Injectable()
export class CustomersRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The customer with its sales owner and contacts (in their order). */
  findById(id: string): Promise<Customer | null> {
    return this.repo(Customer).findOne({
      where: { id },
      relations: { salesOwner: true, contacts: true },
      order: { contacts: { position: 'ASC' } },
    });
  }

  findByIds(ids: string[]): Promise<Customer[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.repo(Customer).find({
      where: { id: In(ids) },
      relations: { salesOwner: true, contacts: true },
      order: { name: 'ASC', contacts: { position: 'ASC' } },
    });
  }

  /**
   * One page, with sales owners and contacts. Text search is ILIKE over name, English name and tax id:
   * it works for Chinese and needs no extension (pg_trgm is not in the embedded PostgreSQL).
   */
  async list(filter: CustomerFilter, page: number, pageSize: number): Promise<[Customer[], number]> {
    const q = this.repo(Customer)
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.salesOwner', 'o')
      .where('c.archived = :archived', { archived: filter.archived });
    if (filter.q)
      q.andWhere('(c.name ILIKE :p OR c.name_en ILIKE :p OR c.tax_id ILIKE :p)', { p: likePattern(filter.q) });
    if (filter.salesOwnerId) q.andWhere('c.sales_owner_id = :owner', { owner: filter.salesOwnerId });
    const dir = filter.order === 'desc' ? 'DESC' : 'ASC';
    const [items, total] = await q
      .orderBy(SORT_COLUMNS[filter.sort], dir)
      .addOrderBy('c.id', dir)
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    // Contacts in a second query: paging over a one-to-many join would page contacts, not customers.
    const contacts = items.length
      ? await this.repo(CustomerContact).find({
          where: { customerId: In(items.map((c) => c.id)) },
          order: { position: 'ASC' },
        })
      : [];
    for (const c of items) c.contacts = contacts.filter((ct) => ct.customerId === c.id);
    return [items, total];
  }

  async create(data: CustomerData): Promise<Customer> {
    return this.repo(Customer).save(this.repo(Customer).create(data));
  }

  async save(customer: Customer): Promise<Customer> {
    const { contacts: _contacts, salesOwner: _owner, ...columns } = customer;
    return this.repo(Customer).save(columns as Customer);
  }

  /** Replaces the customer's contacts with these, in this order. */
  async replaceContacts(customerId: string, contacts: ContactData[]): Promise<void> {
    await this.repo(CustomerContact).delete({ customerId });
    if (contacts.length)
      await this.repo(CustomerContact).insert(contacts.map((c, position) => ({ ...c, customerId, position })));
  }
}
