import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { AuditEntry } from './audit-entry.entity.js';

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  action?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
}

@Injectable()
export class AuditRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  async append(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
    return this.repo(AuditEntry).save(this.repo(AuditEntry).create(entry));
  }

  async list(filter: AuditFilter, page: number, pageSize: number): Promise<[AuditEntry[], number]> {
    const q = this.repo(AuditEntry).createQueryBuilder('a');
    if (filter.entityType) q.andWhere('a.entity_type = :entityType', { entityType: filter.entityType });
    if (filter.entityId) q.andWhere('a.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.action) q.andWhere('a.action = :action', { action: filter.action });
    if (filter.actorId) q.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.from) q.andWhere('a.at >= :from', { from: filter.from });
    if (filter.to) q.andWhere('a.at < :to', { to: filter.to });
    return q
      .orderBy('a.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }
}
