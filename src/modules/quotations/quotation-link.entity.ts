import {
  Column,
  ForeignKey,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import type { Locale } from '../../rendering/rendering.types.js';
import { Quotation } from './quotation.entity.js';

import type { QuotationAnswer } from './quotation-link.types.js';
export * from './quotation-link.types.js';

/**
 * The acceptance link of one sent revision of a quotation (quotation-acceptance.service.ts): mailed to the customer
 * with the issued PDF, it shows that revision and takes one answer. The token is kept as its hash only
 * (src/common/public-links/link-token.ts); the link ends with the revision's validity, with its answer, or when the
 * quotation moves on (a new revision needs a new link and a new acceptance).
 */
@Entity('quotation_links')
export class QuotationLink {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  quotationId!: string;

  @ManyToOne(() => Quotation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'quotation_id' })
  quotation?: Relation<Quotation>;

  /** The revision that was sent. */
  @Column({ type: 'integer' })
  revision!: number;

  /** The document version the customer was sent (and sees through the link): its PDF's sha256 is what they accept. */
  @Column({ type: 'uuid' })
  @ForeignKey('DocumentRecord')
  documentId!: string;

  @Column({ type: 'integer' })
  documentVersion!: number;

  @Column({ type: 'char', length: 64 })
  documentSha256!: string;

  /** sha256 (hex) of the link's token. */
  @Index({ unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'varchar', length: 320 })
  sentTo!: string;

  @Column({ type: 'varchar', length: 8 })
  locale!: Locale;

  @Column({ type: 'varchar', length: 16, nullable: true })
  answer!: QuotationAnswer | null;

  @Column({ type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  /** Who answered, as typed: name and position (职务); a decline needs no position. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  position!: string | null;

  /** Why the customer declined (required then), or a remark with an acceptance. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** The client's address (TRUST_PROXY) and user agent when it answered. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  userAgent!: string | null;

  /** When the customer first opened the link's page or PDF (null: not yet). */
  @Column({ type: 'timestamptz', nullable: true })
  openedAt!: Date | null;

  /** The document version issued with the signed audit page appended (accepted only). */
  @Column({ type: 'integer', nullable: true })
  auditVersion!: number | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdByName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
