import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../../database/transaction.js';
import { TenderSectionFormat } from './section-format.entity.js';

export type NewSectionFormat = Omit<TenderSectionFormat, 'id' | 'updatedAt' | 'version'>;

@Injectable()
export class SectionFormatsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** Serialises the writes of one tender's formats until the transaction ends (creating a key twice waits). */
  async lockTender(tenderId: string): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tender-formats:${tenderId}`]);
  }

  /** The tender's formats, by key. */
  list(tenderId: string): Promise<TenderSectionFormat[]> {
    return this.repo(TenderSectionFormat).find({ where: { tenderId }, order: { key: 'ASC' } });
  }

  find(tenderId: string, key: string): Promise<TenderSectionFormat | null> {
    return this.repo(TenderSectionFormat).findOneBy({ tenderId, key });
  }

  /** The format's version, its row locked for the rest of the transaction (checkVersion); null: none. */
  lockVersion(id: string): Promise<number | null> {
    return this.lockedVersion(TenderSectionFormat, id);
  }

  create(data: NewSectionFormat): Promise<TenderSectionFormat> {
    return this.repo(TenderSectionFormat).save(this.repo(TenderSectionFormat).create(data));
  }

  save(row: TenderSectionFormat): Promise<TenderSectionFormat> {
    return this.repo(TenderSectionFormat).save(row);
  }

  async delete(id: string): Promise<void> {
    await this.repo(TenderSectionFormat).delete({ id });
  }
}
