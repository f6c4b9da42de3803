import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { DocumentFile } from './document-file.entity.js';
import { DocumentRecord } from './document.entity.js';

@Entity('document_versions')
@Index(['documentId', 'version'], { unique: true })
export class DocumentVersion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  documentId!: string;

  @ManyToOne(() => DocumentRecord, (d) => d.versions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'document_id' })
  document?: DocumentRecord;

  @Column({ type: 'integer' })
  version!: number;

  /** Content hash of every file that made the template (TemplateEngine), per template used. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  templateVersions!: Record<string, string>;

  @Column({ type: 'varchar', length: 8 })
  locale!: string;

  @Column({ type: 'boolean' })
  signed!: boolean;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @OneToMany(() => DocumentFile, (f) => f.version)
  files?: DocumentFile[];
}
