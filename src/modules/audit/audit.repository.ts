import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import type { ChainHead, ChainRow } from './audit-chain.js';
import { AuditEntry } from './audit-entry.entity.js';

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  /** Exact, or a prefix when it ends in `.*` (`contract.*`: contract.create, contract.approve...). */
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

  async append(entry: Omit<AuditEntry, 'id' | 'at' | 'chainSeq' | 'prevHash' | 'hash'>): Promise<AuditEntry> {
    return this.repo(AuditEntry).save(this.repo(AuditEntry).create(entry));
  }

  async list(filter: AuditFilter, page: number, pageSize: number): Promise<[AuditEntry[], number]> {
    const q = this.repo(AuditEntry).createQueryBuilder('a');
    if (filter.entityType) q.andWhere('a.entity_type = :entityType', { entityType: filter.entityType });
    if (filter.entityId) q.andWhere('a.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.action?.endsWith('.*'))
      q.andWhere('starts_with(a.action, :prefix)', { prefix: filter.action.slice(0, -1) });
    else if (filter.action) q.andWhere('a.action = :action', { action: filter.action });
    if (filter.actorId) q.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.from) q.andWhere('a.at >= :from', { from: filter.from });
    if (filter.to) q.andWhere('a.at < :to', { to: filter.to });
    return q
      .orderBy('a.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }

  /** The chain in position order, `size` entries at a time, with each entry's canonical form from the database. */
  async *chainBatches(size = 1000): AsyncGenerator<ChainRow[]> {
    let after = '0';
    for (;;) {
      const rows = (await this.manager.query(
        `SELECT id::text AS id, chain_seq::text AS "chainSeq", prev_hash AS "prevHash", hash,
                audit_log_canonical(chain_seq, id, at, actor_id, actor_name, action, entity_type, entity_id, details, prev_hash)
                  AS canonical
           FROM audit_log WHERE chain_seq > $1 ORDER BY chain_seq LIMIT $2`,
        [after, size],
      )) as ChainRow[];
      if (!rows.length) return;
      yield rows;
      after = rows[rows.length - 1].chainSeq;
    }
  }

  async chainHead(): Promise<ChainHead | null> {
    const rows = (await this.manager.query(
      `SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1`,
    )) as ChainHead[];
    return rows[0] ?? null;
  }
}
