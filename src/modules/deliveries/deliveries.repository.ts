import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { Delivery, type DeliveryStatus } from './delivery.entity.js';
import { inOwnCustomers } from '../../database/own-customers.js';

export type DeliveryData = Omit<Delivery, 'id' | 'createdAt' | 'updatedAt'>;
export type DeliveryPatch = Partial<
  Pick<
    Delivery,
    | 'status'
    | 'shippedAt'
    | 'arrivedOn'
    | 'arrivalNote'
    | 'carrier'
    | 'driverName'
    | 'driverPhone'
    | 'licencePlate'
    | 'documentId'
    | 'renderJobId'
  >
>;

export interface DeliveryFilter {
  contractId?: string;
  customerId?: string;
  /** Only these customers' notices (a sales user's own customers; see auth/ownership.ts). */
  customerIds?: string[];
  status?: DeliveryStatus;
}

@Injectable()
export class DeliveriesRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * The next delivery number's sequence of the year. The upsert takes the counter row's lock and holds it until
   * the surrounding transaction ends: concurrent notices queue here, and one that rolls back takes its increment
   * with it, so the numbers have no gaps (as PaymentsRepository.nextProjectSequence).
   */
  nextSequence(year: number): Promise<number> {
    return this.nextYearSequence('delivery_counters', year);
  }

  create(data: DeliveryData): Promise<Delivery> {
    return this.repo(Delivery).save(this.repo(Delivery).create(data));
  }

  findById(id: string): Promise<Delivery | null> {
    return this.repo(Delivery).findOneBy({ id });
  }

  /** The delivery locked until the transaction ends: two status changes of one notice queue up. */
  findByIdForUpdate(id: string): Promise<Delivery | null> {
    return this.repo(Delivery).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(id: string, patch: DeliveryPatch): Promise<void> {
    await this.repo(Delivery).update({ id }, patch);
  }

  /** Every notice of the contract (cancelled ones included), oldest first. */
  forContract(contractId: string): Promise<Delivery[]> {
    return this.repo(Delivery).find({ where: { contractId }, order: { createdAt: 'ASC', number: 'ASC' } });
  }

  /** Newest first (ship date, then number). */
  async list(filter: DeliveryFilter, page: number, pageSize: number): Promise<[Delivery[], number]> {
    const q = this.repo(Delivery).createQueryBuilder('d');
    if (filter.contractId) q.andWhere('d.contract_id = :contractId', { contractId: filter.contractId });
    if (filter.customerId) q.andWhere('d.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.customerIds) q.andWhere(...inOwnCustomers('d.customer_id', filter.customerIds));
    if (filter.status) q.andWhere('d.status = :status', { status: filter.status });
    return q
      .orderBy('d.ship_date', 'DESC')
      .addOrderBy('d.number', 'DESC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
  }
}
