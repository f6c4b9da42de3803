import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DateOnly } from '../../common/tabular/date-only.js';
import type { PaymentEvent } from '../quotations/index.js';

/** Milestones a payment share can hang on; `contract_signed` is the contract's signing date, never a row. */
export const MILESTONE_EVENTS = [
  'before_delivery',
  'on_delivery',
  'after_acceptance',
  'warranty_end',
  'other',
] as const satisfies readonly PaymentEvent[];
export type MilestoneEvent = (typeof MILESTONE_EVENTS)[number];

export const MILESTONE_SOURCES = ['delivery', 'manual'] as const;
export type MilestoneSource = (typeof MILESTONE_SOURCES)[number];

/**
 * When a contract reached a payment event (发货, 到货, 验收, 质保期满): the date its shares fall due from.
 * One row per contract and event. Deliveries record `before_delivery` (the first notice's ship date) and
 * `on_delivery` (the day the last quantity's arrival was confirmed); the rest are recorded by hand.
 */
@Entity('contract_milestones')
@Index(['contractId', 'event'], { unique: true })
export class ContractMilestone {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  contractId!: string;

  @Column({ type: 'varchar', length: 24 })
  event!: MilestoneEvent;

  @Column({ type: 'date' })
  date!: DateOnly;

  @Column({ type: 'varchar', length: 16 })
  source!: MilestoneSource;

  /** The delivery notice that set it (source delivery). */
  @Column({ type: 'uuid', nullable: true })
  deliveryId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  recordedByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
