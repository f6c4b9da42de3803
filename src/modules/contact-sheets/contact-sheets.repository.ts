import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BaseRepository, returnedRows } from '../../database/transaction.js';
import { ContactSheet, ContactSheetMailing, ContactSheetSignoff } from './contact-sheet.entity.js';

export type SheetData = Omit<ContactSheet, 'id' | 'createdAt' | 'updatedAt'>;
export type SignoffData = Omit<ContactSheetSignoff, 'id'>;
export type MailingData = Omit<
  ContactSheetMailing,
  'id' | 'createdAt' | 'updatedAt' | 'messageId' | 'attempts' | 'error'
>;

// A mailing left in `sending` this long ago belongs to a job that died mid-send: it may be taken again.
const STALE_SENDING_SECONDS = 300;

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

  mailings(sheetIds: string[]): Promise<ContactSheetMailing[]> {
    if (!sheetIds.length) return Promise.resolve([]);
    return this.repo(ContactSheetMailing).find({ where: { sheetId: In(sheetIds) }, order: { createdAt: 'ASC' } });
  }

  /** Records the mailing of a stored copy unless one is recorded for this sheet, stage and department. */
  async addMailing(data: MailingData): Promise<void> {
    await this.repo(ContactSheetMailing)
      .createQueryBuilder()
      .insert()
      .values({ ...data, attempts: 0 })
      .orIgnore()
      .execute();
  }

  /**
   * Takes a mailing to send: pending, failed for a passing reason (not refused for good: `permanent:`), or stuck in
   * `sending`. The
   * conditional update makes two jobs never send the same copy at once.
   */
  async claimMailing(id: string): Promise<ContactSheetMailing | null> {
    const list = returnedRows<{ id: string }>(
      await this.manager.query(
        `UPDATE contact_sheet_mailings SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND (status = 'pending' OR (status = 'failed' AND error NOT LIKE 'permanent:%') OR (status = 'sending' AND updated_at < now() - make_interval(secs => $2)))
        RETURNING id`,
        [id, STALE_SENDING_SECONDS],
      ),
    );
    if (!list.length) return null;
    return this.repo(ContactSheetMailing).findOneBy({ id });
  }

  async finishMailing(
    id: string,
    patch: Pick<ContactSheetMailing, 'status'> & Partial<Pick<ContactSheetMailing, 'messageId' | 'error'>>,
  ): Promise<void> {
    await this.repo(ContactSheetMailing).update({ id }, patch);
  }
}
