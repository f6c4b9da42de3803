import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DocumentVersion } from './document-version.entity.js';

import type { DocumentFormat } from '../../rendering/rendering.types.js';

// The formats are rendering's vocabulary (rendering knows no module); re-exported for this module's importers.
export { DOCUMENT_FORMATS, type DocumentFormat } from '../../rendering/rendering.types.js';

/** One stored file of a version. The sha256 index answers "is this file one of ours, unaltered?". */
@Entity('document_files')
@Index(['versionId', 'format'], { unique: true })
export class DocumentFile {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  versionId!: string;

  @ManyToOne(() => DocumentVersion, (v) => v.files, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id' })
  version?: DocumentVersion;

  @Column({ type: 'varchar', length: 8 })
  format!: DocumentFormat;

  @Column({ type: 'varchar', length: 512 })
  storageKey!: string;

  @Index()
  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'bigint' })
  size!: string;

  @Column({ type: 'varchar', length: 100 })
  contentType!: string;

  @Column({ type: 'varchar', length: 200 })
  fileName!: string;
}
