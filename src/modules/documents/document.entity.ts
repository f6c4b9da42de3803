import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DocumentOrigin } from './document-origin.js';
import { DocumentVersion } from './document-version.entity.js';

/**
 * A generated document (a statement, a contact sheet, a tender package…) about one subject record.
 * Every (re-)generation adds a version; earlier versions stay downloadable.
 */
@Entity('documents')
@Index(['subjectType', 'subjectId', 'type'])
export class DocumentRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The template (document type), e.g. `customer-statement`. */
  @Column({ type: 'varchar', length: 64 })
  type!: string;

  /** The record the document is about (`customer`, `contract`, `tender`…); null for ad-hoc documents. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  subjectType!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  subjectId!: string | null;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  /** `workflow`: issued by a record's workflow (only it adds versions); `ad-hoc`: rendered through POST /api/documents. */
  @Column({ type: 'varchar', length: 16, default: 'ad-hoc' })
  origin!: DocumentOrigin;

  /** A workflow document's record, as /verify names it (`statement`, `contact-sheet`…) and its number; null for ad-hoc. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  recordType!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  recordNumber!: string | null;

  @Column({ type: 'integer', default: 0 })
  latestVersion!: number;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany(() => DocumentVersion, (v) => v.document)
  versions?: DocumentVersion[];
}
