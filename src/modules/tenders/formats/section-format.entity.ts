import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/**
 * A tender's own wording or layout of one package section (投标文件格式): a Handlebars body that the package renders
 * instead of the company's section (a TenderSection key), or a free section the tender names (`custom:<slug>`, with
 * its title and position). One row per tender and key; its `version` goes up with every save (the ETag), and each
 * package version records the key, version, hash and body it was made with (tender_package_versions.formats).
 * Deleting the row is going back to the company's format.
 */
@Entity('tender_section_formats')
@Index(['tenderId', 'key'], { unique: true })
export class TenderSectionFormat {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  tenderId!: string;

  /** A TenderSection (`bid_letter`…) or `custom:<slug>`. */
  @Column({ type: 'varchar', length: 48 })
  key!: string;

  /** Free sections only: the title in the heading, the outline and the table of contents. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  title!: string | null;

  /** Free sections only: where it goes among the tender's sections (an index, toc included). */
  @Column({ type: 'integer', nullable: true })
  position!: number | null;

  @Column({ type: 'text' })
  body!: string;

  /** SHA-256 of key, title and body (formatHash). */
  @Column({ type: 'char', length: 64 })
  hash!: string;

  /** The company's template version the first save started from (TemplateEngine version or override version). */
  @Column({ type: 'varchar', length: 64 })
  basedOn!: string;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  updatedByName!: string;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /** 1 on creation, +1 per save: the format's version number and ETag. */
  @VersionColumn({ default: 1 })
  version!: number;
}
