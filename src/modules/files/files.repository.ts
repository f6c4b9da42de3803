import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { StoredFile } from './stored-file.entity.js';

export interface FileOwner {
  ownerType: string;
  ownerId: string;
}

@Injectable()
export class FilesRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  insert(data: Omit<StoredFile, 'id' | 'uploadedAt'>): Promise<StoredFile> {
    return this.repo(StoredFile).save(this.repo(StoredFile).create(data));
  }

  findOwned(owner: FileOwner, id: string): Promise<StoredFile | null> {
    return this.repo(StoredFile).findOneBy({ ...owner, id });
  }

  findById(id: string): Promise<StoredFile | null> {
    return this.repo(StoredFile).findOneBy({ id });
  }

  /** The files of several owners of one type, oldest first (one query for a page of records). */
  listFor(ownerType: string, ownerIds: string[], purpose?: string): Promise<StoredFile[]> {
    if (!ownerIds.length) return Promise.resolve([]);
    return this.repo(StoredFile).find({
      where: { ownerType, ownerId: In(ownerIds), ...(purpose ? { purpose } : {}) },
      order: { uploadedAt: 'ASC', id: 'ASC' },
    });
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length) await this.repo(StoredFile).delete({ id: In(ids) });
  }
}
