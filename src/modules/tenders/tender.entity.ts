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
import type { QualificationType } from '../qualifications/index.js';
import type { TenderLanguage } from './tender-matching.js';
import { type BidBondForm, type BidBondStatus, type DeviationKind, type TenderStatus } from './tender.types.js';
export * from './tender.types.js';

/** The parts of a tender package (投标文件), in the default order. */
export const TENDER_SECTIONS = [
  'cover',
  'toc',
  'bid_letter',
  'opening_summary',
  'itemised_quotation',
  'deviation_table',
  'authorisation',
  'qualifications',
  'performance',
  'credit',
] as const;
export type TenderSection = (typeof TENDER_SECTIONS)[number];

/** One row of the deviation table (偏离表): the tender's clause and requirement, our response and the deviation. */
export interface DeviationRow {
  clause: string;
  requirement: string;
  response: string;
  /** none = 无偏离, positive = 正偏离 (better than asked), negative = 负偏离 */
  deviation: DeviationKind;
  note: string | null;
}

/** "Similar projects in the last 3 years above ¥1,000,000, at least 3 of them." */
export interface PerformanceRequirement {
  industry: string | null;
  productLine: string | null;
  minAmount: Amount | null;
  completedWithinYears: number | null;
  minCount: number;
}

export interface TenderRequirements {
  /** Each type must have a qualification in force on the deadline. */
  qualificationTypes: QualificationType[];
  performance: PerformanceRequirement | null;
  /** The sections wanted, in the order wanted (a subset of TENDER_SECTIONS; cover first, toc second by convention). */
  sections: TenderSection[];
  deviations: DeviationRow[];
}

/** What goes into the package: null = the proposal of GET /candidates (accepted as it is). */
export interface TenderSelection {
  qualificationIds: string[] | null;
  performanceIds: string[] | null;
}

/** Who signs for the company at the opening (授权委托书): defaults to the sales owner. */
export interface AuthorisedRepresentative {
  name: string;
  title: string | null;
  idNumber: string | null;
  phone: string | null;
}

/** A tender (招标项目) the company bids in, with what the buyer requires and what we put in the package. */
@Entity('tenders')
export class Tender {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The buyer's or agency's tender number (招标编号). */
  @Index()
  @Column({ type: 'varchar', length: 64 })
  tenderNo!: string;

  @Column({ type: 'varchar', length: 300 })
  projectName!: string;

  /** 标段; null when the tender has one lot. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  lot!: string | null;

  @Column({ type: 'varchar', length: 200 })
  buyer!: string;

  /** 招标代理机构 */
  @Column({ type: 'varchar', length: 200, nullable: true })
  agency!: string | null;

  /** The submission deadline (投标截止时间); qualifications must be in force on its day. */
  @Index()
  @Column({ type: 'timestamptz' })
  deadline!: Date;

  /** 投标有效期 in days from the deadline. */
  @Column({ type: 'integer' })
  bidValidityDays!: number;

  @Column({ type: 'numeric', precision: 18, scale: 2, nullable: true, transformer: amountColumn })
  bidBondAmount!: Amount | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  bidBondForm!: BidBondForm | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  bidBondBank!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'not_required' })
  bidBondStatus!: BidBondStatus;

  /** ISO 4217 */
  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency!: string;

  /** The quotation bid with: its current revision gives the opening summary and itemised quotation. */
  @Index()
  @Column({ type: 'uuid', nullable: true })
  quotationId!: string | null;

  /** The salesman (a user) who owns the bid and receives the package by e-mail. */
  @Index()
  @Column({ type: 'uuid', nullable: true })
  salesOwnerId!: string | null;

  /** The package's language: zh-CN (default), en or es. */
  @Column({ type: 'varchar', length: 8, default: 'zh-CN' })
  language!: TenderLanguage;

  @Column({ type: 'jsonb' })
  requirements!: TenderRequirements;

  @Column({ type: 'jsonb' })
  selection!: TenderSelection;

  @Column({ type: 'jsonb', nullable: true })
  representative!: AuthorisedRepresentative | null;

  @Index()
  @Column({ type: 'varchar', length: 16, default: 'preparing' })
  status!: TenderStatus;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

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
