import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { type QualificationType } from './qualification.types.js';
export * from './qualification.types.js';

/** A qualification (资质) the company holds. Its status is derived from the dates, never stored. */
@Entity('qualifications')
export class Qualification {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'varchar', length: 32 })
  type!: QualificationType;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The certificate or licence number. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  number!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  issuer!: string | null;

  /** Grade or scope (等级/范围): "AAA", "甲级", "压力变送器的设计和生产". */
  @Column({ type: 'varchar', length: 500, nullable: true })
  grade!: string | null;

  @Column({ type: 'date' })
  validFrom!: string;

  /** The last valid day, inclusive; null for a permanent one (长期, as many business licences are). */
  @Index()
  @Column({ type: 'date', nullable: true })
  validTo!: string | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

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
