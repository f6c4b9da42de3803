import { Column, PrimaryColumn } from 'typeorm';

/**
 * The columns of a per-year number counter table: the last sequence given out in a year. Each numbered record type
 * has its own table (an entity extending this one); BaseRepository.nextYearSequence takes the next number under the
 * row's lock, so numbers are unique and a rolled-back transaction gives its number back.
 */
export abstract class YearCounter {
  @PrimaryColumn({ type: 'integer' })
  year!: number;

  @Column({ type: 'integer' })
  last!: number;
}
