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

/** A price-list item. Prices are decimal strings (numeric(18,2)); see common/money.ts. */
@Entity('products')
export class Product {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  nameZh!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  nameEn!: string | null;

  /** Model, size, material, output… as printed on quotations, e.g. "DN50 PN16, PTFE 衬里, 4-20mA/HART". */
  @Column({ type: 'text', nullable: true })
  specification!: string | null;

  /** 台, 套, 件, m, 次… */
  @Column({ type: 'varchar', length: 16 })
  unit!: string;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  listPrice!: Amount;

  /** The lowest price a quotation may carry without a manager's approval; never above the list price. */
  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  floorPrice!: Amount;

  /** VAT rate in percent, two places ("13.00"). */
  @Column({ type: 'numeric', precision: 5, scale: 2, transformer: amountColumn })
  taxRate!: string;

  /** ISO 4217. */
  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency!: string;

  @Index()
  @Column({ type: 'varchar', length: 100, nullable: true })
  productLine!: string | null;

  /** Inactive products stay on old quotations but are not offered on new ones (DELETE deactivates). */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

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
