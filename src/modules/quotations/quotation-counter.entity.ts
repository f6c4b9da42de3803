import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last quotation number given out in a year. Taken with a row lock in the transaction that creates the
 * quotation, so numbers are unique and gap-free: a rolled-back creation gives its number back.
 */
@Entity('quotation_counters')
export class QuotationCounter {
  @PrimaryColumn({ type: 'integer' })
  year!: number;

  @Column({ type: 'integer' })
  last!: number;
}
