import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { type Department } from './contact-sheet.types.js';
export * from './contact-sheet.types.js';

export const SHEET_STATUSES = ['open', 'complete'] as const;
export type SheetStatus = (typeof SHEET_STATUSES)[number];

/** When copies are rendered and mailed: on issue (blank sign-offs) and on completion (sign-offs filled). */
export const SHEET_STAGES = ['issued', 'completed'] as const;
export type SheetStage = (typeof SHEET_STAGES)[number];

/** Where a department's copy (a stored document) stands for this sheet version: the document versions per stage. */
export interface SheetCopy {
  documentId: string;
  issuedVersion: number | null;
  completedVersion: number | null;
}

/**
 * A contract contact sheet (合同联系单), one row per version: version 1 when the advance payment gives the
 * contract its project number, one more for each approved contract change (sign-offs start empty again). The
 * rendered copies are documents (`contact-sheet-<department>` about the contract); `copies` says which of their
 * versions belong to this sheet version.
 */
@Entity('contact_sheets')
@Unique(['contractId', 'version'])
export class ContactSheet {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  contractId!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** The contract revision this sheet version prints. */
  @Column({ type: 'integer' })
  contractRevision!: number;

  @Column({ type: 'varchar', length: 40 })
  projectNumber!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: SheetStatus;

  @Column({ type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  issuedBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  issuedByName!: string;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  copies!: Partial<Record<Department, SheetCopy>>;

  /** The last job enqueued to render and mail this version's copies. */
  @Column({ type: 'uuid', nullable: true })
  renderJobId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** A department's sign-off (会签) of one sheet version: who, when, what they said. One per department and version. */
@Entity('contact_sheet_signoffs')
@Unique(['sheetId', 'department'])
export class ContactSheetSignoff {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  sheetId!: string;

  @Column({ type: 'varchar', length: 16 })
  department!: Department;

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'timestamptz' })
  signedAt!: Date;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;
}

export const CONTACT_SHEET_ENTITIES = [ContactSheet, ContactSheetSignoff];
