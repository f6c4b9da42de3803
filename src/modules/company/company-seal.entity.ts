import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type SealKind } from './company-seal.types.js';
export * from './company-seal.types.js';

/** The current image of one seal; the bytes are in object storage under `storageKey`. */
@Entity('company_seals')
export class CompanySeal {
  /** One current image per kind. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  kind!: SealKind;

  @Column({ type: 'varchar', length: 512 })
  storageKey!: string;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  @Column({ type: 'timestamptz' })
  uploadedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  uploadedBy!: string | null;
}
