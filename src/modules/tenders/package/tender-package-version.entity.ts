import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { SectionFormatKey, UsedFormat } from '../formats/section-formats.js';
import type { TenderSection } from '../tender.entity.js';

/** Where a section sits in the assembled PDF (1-based, inclusive; attachments appended after it included). */
export interface PackageSectionRange {
  /** A TenderSection, or a free section of the tender's own (`custom:<slug>`). */
  key: TenderSection | SectionFormatKey;
  title: string;
  firstPage: number;
  lastPage: number;
}

/** A warning the generation gave (e.g. NO_COMPANY_SEAL), kept with the version it concerns. */
export interface PackageWarning {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * What the documents tables do not know about one version of a tender package: the page range of every
 * section (to send parts) and who overrode a blocking check. The override's reason is kept only in the
 * audit log (`tender.package.override`), never here and never in the package.
 */
@Entity('tender_package_versions')
@Index(['tenderId', 'version'], { unique: true })
export class TenderPackageVersion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  tenderId!: string;

  /** The `tender-package` document (documents table) this version belongs to. */
  @Index()
  @Column({ type: 'uuid' })
  documentId!: string;

  /** The document version (same number). */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'integer' })
  pages!: number;

  @Column({ type: 'jsonb' })
  sections!: PackageSectionRange[];

  @Column({ type: 'uuid', nullable: true })
  overrideBy!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  overrideByName!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  overrideAt!: Date | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  warnings!: PackageWarning[];

  /**
   * The tender's own section formats this version was made with (key, version, hash and the body itself), so an old
   * package says which wording it had after the format changed; empty: every section the company's.
   */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  formats!: UsedFormat[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
