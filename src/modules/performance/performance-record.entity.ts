import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { amountColumn, type Amount } from '../../common/money.js';
export * from './performance-record.types.js';

/** A performance record (业绩): a past contract cited as a reference in tenders. */
@Entity('performance_records')
export class PerformanceRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 300 })
  projectName!: string;

  /** The customer (甲方) as named on the contract: free text, often not one of our customer records. */
  @Column({ type: 'varchar', length: 300 })
  customerName!: string;

  @Index()
  @Column({ type: 'varchar', length: 64 })
  industry!: string;

  @Index()
  @Column({ type: 'varchar', length: 100, nullable: true })
  productLine!: string | null;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  contractAmount!: Amount;

  /** ISO 4217. */
  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency!: string;

  @Column({ type: 'date' })
  signedDate!: string;

  /** Null while the project is not yet accepted. */
  @Index()
  @Column({ type: 'date', nullable: true })
  completedDate!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  location!: string | null;

  /** Scope of supply (供货范围). */
  @Column({ type: 'text', nullable: true })
  scope!: string | null;

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
