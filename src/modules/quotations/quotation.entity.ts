import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Customer } from '../customers/index.js';
import type { StoredStatus } from './quotation-status.js';

/**
 * A quotation (报价): its number, customer and status. What it offers lives in its revisions
 * (QuotationRevision); `revision` is the current one, the others stay readable.
 */
@Entity('quotations')
export class Quotation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Q{YYYY}-{SEQ:4}, gap-free per year (QuotationCounter). */
  @Column({ type: 'varchar', length: 20, unique: true })
  number!: string;

  @Index()
  @Column({ type: 'uuid' })
  customerId!: string;

  // By name, without importing Customer at run time: entities name each other lazily.
  @ManyToOne('Customer')
  @JoinColumn({ name: 'customer_id' })
  customer?: Customer;

  /** Never 'expired': that is derived from the current revision's validity date (quotation-status.ts). */
  @Index()
  @Column({ type: 'varchar', length: 16 })
  status!: StoredStatus;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /**
   * Goes up by one with every change saved (never written from a loaded copy: update: false); GET gives it as the
   * ETag, and a write with a stale If-Match is refused (src/common/versioning).
   */
  @VersionColumn({ update: false, default: 1 })
  version!: number;
}
