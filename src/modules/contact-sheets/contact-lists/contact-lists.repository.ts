import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../../database/transaction.js';
import { IssuedContactList, type ListAudience } from './issued-contact-list.entity.js';

export type IssuedContactListData = Omit<IssuedContactList, 'issuedAt'>;

export interface IssuedContactListFilter {
  /** Only these audiences (a production user reads the production lists only). */
  audiences: readonly ListAudience[];
}

@Injectable()
export class ContactListsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * The next list sequence of the year: one upsert, atomic by itself; the service runs it outside the issue's
   * transaction so that no counter lock is held while Chromium renders.
   */
  nextSequence(year: number): Promise<number> {
    return this.nextYearSequence('contact_list_counters', year);
  }

  async insert(data: IssuedContactListData): Promise<IssuedContactList> {
    const repo = this.repo(IssuedContactList);
    // jsonb columns make TypeORM's deep-partial type reject the plain arrays; `data` is an IssuedContactList.
    const row = repo.create(data as Parameters<typeof repo.create>[0]);
    await repo.insert(row);
    return row;
  }

  findById(id: string): Promise<IssuedContactList | null> {
    return this.repo(IssuedContactList).findOneBy({ id });
  }

  /** Newest first. */
  list(filter: IssuedContactListFilter, page: number, pageSize: number): Promise<[IssuedContactList[], number]> {
    return this.repo(IssuedContactList)
      .createQueryBuilder('l')
      .where('l.audience IN (:...audiences)', { audiences: filter.audiences })
      .orderBy('l.issued_at', 'DESC')
      .addOrderBy('l.number', 'DESC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
  }
}
