import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { BaseRepository } from '../../database/transaction.js';
import type { MilestoneEvent, MilestoneSource } from './contract-milestone.entity.js';

export interface MilestoneRow {
  contractId: string;
  event: MilestoneEvent;
  date: DateOnly;
  source: MilestoneSource;
}

/**
 * The receivables module's own table, contract_milestones (plain SQL so that dates stay YYYY-MM-DD text). What it
 * reads of the contracts, payments, invoices and customers tables is in the read-model module (LedgerReadModel).
 */
@Injectable()
export class ReceivablesRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  async milestones(contractIds: string[]): Promise<MilestoneRow[]> {
    if (!contractIds.length) return [];
    const rows = (await this.manager.query(
      `SELECT contract_id, event, date::text AS date, source FROM contract_milestones WHERE contract_id = ANY($1::uuid[])`,
      [contractIds],
    )) as { contract_id: string; event: MilestoneEvent; date: string; source: MilestoneSource }[];
    return rows.map((r) => ({ contractId: r.contract_id, event: r.event, date: r.date, source: r.source }));
  }

  /**
   * Inserts the milestone, or (overwrite) moves its date; without overwrite an existing row keeps its first date.
   * One statement on the (contract_id, event) unique index, so two concurrent recorders cannot both insert.
   */
  async upsertMilestone(
    row: {
      contractId: string;
      event: MilestoneEvent;
      date: DateOnly;
      source: MilestoneSource;
      deliveryId: string | null;
      recordedBy: string | null;
      recordedByName: string;
    },
    overwrite: boolean,
  ): Promise<void> {
    const onConflict = overwrite
      ? `DO UPDATE SET date = EXCLUDED.date, source = EXCLUDED.source, delivery_id = EXCLUDED.delivery_id,
           recorded_by = EXCLUDED.recorded_by, recorded_by_name = EXCLUDED.recorded_by_name`
      : 'DO NOTHING';
    await this.manager.query(
      `INSERT INTO contract_milestones (contract_id, event, date, source, delivery_id, recorded_by, recorded_by_name)
       VALUES ($1, $2, $3::date, $4, $5, $6, $7)
       ON CONFLICT (contract_id, event) ${onConflict}`,
      [row.contractId, row.event, row.date, row.source, row.deliveryId, row.recordedBy, row.recordedByName],
    );
  }
}
