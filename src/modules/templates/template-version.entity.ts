import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { TemplateFiles } from '../../rendering/templates/template-source.js';
import type { TemplateVersionStatus } from './template-version.types.js';
export * from './template-version.types.js';

/**
 * A company's version of a document type's template for one locale: the files of its folder under templates/ (as
 * jsonb), content-hashed, numbered 1, 2, … per type and locale. At most one is published per type and locale (the
 * partial unique index): the one documents render with; none published means the built-in folder.
 */
@Entity('template_versions')
@Index(['type', 'locale', 'number'], { unique: true })
@Index('UQ_template_versions_one_published', ['type', 'locale'], { unique: true, where: `"status" = 'published'` })
export class TemplateVersion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The document type: a folder name under templates/ (`customer-statement`). */
  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'varchar', length: 8 })
  locale!: string;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'jsonb' })
  files!: TemplateFiles;

  /** SHA-256 of the files (templateFilesHash): what the version is, whatever its number. */
  @Index()
  @Column({ type: 'char', length: 64 })
  hash!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: TemplateVersionStatus;

  /** Where its files came from: the built-in template's version (a content hash) or a stored version's id. */
  @Column({ type: 'varchar', length: 64 })
  basedOn!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  publishedBy!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  publishedByName!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /** Set on a version published by restoring an older one: that version's id. */
  @Column({ type: 'uuid', nullable: true })
  restoredFrom!: string | null;

  /** Goes up with every saved change of a draft: the ETag its edits check (src/common/versioning). */
  @VersionColumn({ update: false, default: 1 })
  version!: number;
}
