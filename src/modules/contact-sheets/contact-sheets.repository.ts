import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { Amount } from '../../common/money.js';
import { round2 } from '../../common/money.js';
import { BaseRepository } from '../../database/transaction.js';
import { Payment } from '../payments/payment.entity.js';
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

  /**
   * What each contract has received: the sum of its payments in the shared receivables ledger (reversals are
   * negative payments, so they count). Read-only; the payments module owns the ledger.
   */
  async receivedByContract(contractIds: string[]): Promise<Map<string, Amount>> {
    if (!contractIds.length) return new Map();
    const rows = await this.repo(Payment)
      .createQueryBuilder('p')
      .select('p.contract_id', 'contractId')
      .addSelect('SUM(p.amount)::text', 'received')
      .where('p.contract_id IN (:...ids)', { ids: contractIds })
      .groupBy('p.contract_id')
      .getRawMany<{ contractId: string; received: string }>();
    return new Map(rows.map((r) => [r.contractId, round2(r.received)]));
  }
}
