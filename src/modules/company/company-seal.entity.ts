import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SEAL_KINDS = ['company', 'contract'] as const;
/** `company` 公章, `contract` 合同章. */
export type SealKind = (typeof SEAL_KINDS)[number];

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
