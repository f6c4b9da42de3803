import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An uploaded file kept in ObjectStorage, attached to one record. The owner is polymorphic
 * (`ownerType` + `ownerId`, no foreign key) so that qualification scans, performance proofs, company seals
 * and tender attachments share one table and one upload path; the owning service deletes its files.
 */
@Entity('stored_files')
@Index(['ownerType', 'ownerId'])
export class StoredFile {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** e.g. `qualification`, `performance_record`, `company`, `tender`. */
  @Column({ type: 'varchar', length: 40 })
  ownerType!: string;

  @Column({ type: 'uuid' })
  ownerId!: string;

  /** What the file is for, e.g. `scan`, `proof`, `company_seal`. */
  @Column({ type: 'varchar', length: 40 })
  purpose!: string;

  /** A finer classification within the purpose, e.g. a proof's `invoice`; null when none applies. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  kind!: string | null;

  /** The uploader's file name, sanitised (file-naming.ts); for display and downloads only. */
  @Column({ type: 'varchar', length: 255 })
  originalName!: string;

  /** From the bytes (file-kinds.ts), never from the client's header. */
  @Column({ type: 'varchar', length: 100 })
  contentType!: string;

  @Column({ type: 'integer' })
  size!: number;

  @Index()
  @Column({ type: 'char', length: 64 })
  sha256!: string;

  /** `files/<yyyy>/<mm>/<uuid>.<ext>`: generated, never derived from the file name. */
  @Column({ type: 'varchar', length: 512, unique: true })
  storageKey!: string;

  @Column({ type: 'uuid', nullable: true })
  uploadedBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  uploadedByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  uploadedAt!: Date;
}
