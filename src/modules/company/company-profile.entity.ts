import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { Locale } from '../../rendering/rendering.types.js';

/** A bank account printed on documents; the first one in the list is the one documents use by default. */
export interface BankAccount {
  bankName: string;
  branch: string | null;
  accountName: string;
  accountNumber: string;
}

/** The installation's own company: the seller on every document. */
@Entity('company_profile')
export class CompanyProfile {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** One profile per installation: always true, and unique, so a second row cannot be inserted. */
  @Column({ type: 'boolean', default: true, unique: true })
  singleton!: boolean;

  @Column({ type: 'varchar', length: 200 })
  legalNameZh!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  legalNameEn!: string | null;

  /** 统一社会信用代码 (checked, see uscc.ts). */
  @Column({ type: 'char', length: 18 })
  creditCode!: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  addressZh!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  addressEn!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  postalCode!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  fax!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  website!: string | null;

  /** 法定代表人 */
  @Column({ type: 'varchar', length: 100, nullable: true })
  legalRepresentative!: string | null;

  /** Values of the profile, never referenced on their own: jsonb rather than a table. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  bankAccounts!: BankAccount[];

  /**
   * The language of the company's documents: internal ones always, a customer's when neither the request nor the
   * customer names one (document-locale.ts).
   */
  @Column({ type: 'varchar', length: 10, default: 'zh-CN' })
  documentLocale!: Locale;

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
