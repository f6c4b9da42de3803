import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Locale } from '../../rendering/rendering.types.js';
import { CustomerContact } from './customer-contact.entity.js';

/** A buyer (甲方): who quotations, contracts, deliveries and statements are for. */
@Entity('customers')
export class Customer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  nameEn!: string | null;

  /** 统一社会信用代码 (checked) or another tax number (taken as is). */
  @Column({ type: 'varchar', length: 30, nullable: true })
  taxId!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  address!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone!: string | null;

  /** The language of the documents and mails for this customer; null: the company's (company/document-locale.ts). */
  @Column({ type: 'varchar', length: 10, nullable: true })
  locale!: Locale | null;

  @Index()
  // The owner by id only: the users table is the users module's (names through UsersService.names); the
  // constraint stays.
  @Column({ type: 'uuid', nullable: true })
  @ForeignKey('User')
  salesOwnerId!: string | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  /** DELETE archives: quotations, contracts and statements keep pointing at the customer. */
  @Column({ type: 'boolean', default: false })
  archived!: boolean;

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

  @OneToMany(() => CustomerContact, (c) => c.customer)
  contacts?: CustomerContact[];
}
