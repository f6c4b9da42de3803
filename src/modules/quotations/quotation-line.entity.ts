import {
  Column,
  Entity,
  ForeignKey,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  type ValueTransformer,
} from 'typeorm';
import { amountColumn, dec, type Amount } from '../../common/money.js';
import { QuotationRevision } from './quotation-revision.entity.js';

/** numeric(15,3) quantities come back without trailing zeros: "3", "2.5", "0.125". */
const quantityColumn: ValueTransformer = {
  to: (v: string | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : dec(v).toFixed()),
};

/**
 * A line of a quotation revision: a product from the price list (code, name and specification copied, so the
 * quotation reads the same when the price list changes) or free text. Amounts are stored as computed by
 * quotation-amounts.ts, so the numbers read back are the ones that were offered.
 */
@Entity('quotation_lines')
export class QuotationLine {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  revisionId!: string;

  @ManyToOne(() => QuotationRevision, (r) => r.lines, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'revision_id' })
  revision?: Relation<QuotationRevision>;

  /** 1, 2, … as printed (序号). */
  @Column({ type: 'integer' })
  position!: number;

  // The product by id only: its table is the products module's (read through ProductsService), the constraint stays.
  @Index()
  @Column({ type: 'uuid', nullable: true })
  @ForeignKey('Product')
  productId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  productCode!: string | null;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  specification!: string | null;

  @Column({ type: 'numeric', precision: 15, scale: 3, transformer: quantityColumn })
  qty!: string;

  @Column({ type: 'varchar', length: 16 })
  unit!: string;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  unitPrice!: Amount;

  /** percent */
  @Column({ type: 'numeric', precision: 5, scale: 2, transformer: amountColumn })
  discount!: string;

  /** VAT percent */
  @Column({ type: 'numeric', precision: 5, scale: 2, transformer: amountColumn })
  taxRate!: string;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  net!: Amount;

  @Column({ type: 'numeric', precision: 18, scale: 2, transformer: amountColumn })
  tax!: Amount;
}
