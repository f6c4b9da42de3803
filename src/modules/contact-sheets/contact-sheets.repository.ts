import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { ContactSheet, ContactSheetSignoff } from './contact-sheet.entity.js';

export type SheetData = Omit<ContactSheet, 'id' | 'createdAt' | 'updatedAt'>;
export type SignoffData = Omit<ContactSheetSignoff, 'id'>;

@Injectable()
export class ContactSheetsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The contract's newest sheet version. */
  latest(contractId: string): Promise<ContactSheet | null> {
    return this.repo(ContactSheet).findOne({ where: { contractId }, order: { version: 'DESC' } });
  }

  /** Every version of the contract's sheet, oldest first. */
  versions(contractId: string): Promise<ContactSheet[]> {
    return this.repo(ContactSheet).find({ where: { contractId }, order: { version: 'ASC' } });
  }

  findById(id: string): Promise<ContactSheet | null> {
    return this.repo(ContactSheet).findOneBy({ id });
  }

  /**
   * Every sheet version of the contract locked until the transaction ends, newest first: sign-offs, new versions
   * and the storing of rendered copies of one contract queue up here.
   */
  lockContract(contractId: string): Promise<ContactSheet[]> {
    return this.repo(ContactSheet).find({
      where: { contractId },
      order: { version: 'DESC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  create(data: SheetData): Promise<ContactSheet> {
    return this.repo(ContactSheet).save(this.repo(ContactSheet).create(data));
  }

  async update(
    id: string,
    patch: Partial<Pick<ContactSheet, 'status' | 'completedAt' | 'copies' | 'renderJobId'>>,
  ): Promise<void> {
    // jsonb columns make TypeORM's deep-partial type reject a plain object; the patch is a ContactSheet subset.
    await this.repo(ContactSheet).update(
      { id },
      patch as Parameters<ReturnType<typeof this.repo<ContactSheet>>['update']>[1],
    );
  }

  signoffs(sheetIds: string[]): Promise<ContactSheetSignoff[]> {
    if (!sheetIds.length) return Promise.resolve([]);
    return this.repo(ContactSheetSignoff).find({ where: { sheetId: In(sheetIds) }, order: { signedAt: 'ASC' } });
  }

  createSignoff(data: SignoffData): Promise<ContactSheetSignoff> {
    return this.repo(ContactSheetSignoff).save(this.repo(ContactSheetSignoff).create(data));
  }
}
