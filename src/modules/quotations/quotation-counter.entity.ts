import { Entity } from 'typeorm';
import { YearCounter } from '../../database/year-counter.js';

/**
 * The last quotation number given out in a year. Taken with a row lock in the transaction that creates the
 * quotation, so numbers are unique and gap-free: a rolled-back creation gives its number back.
 */
@Entity('quotation_counters')
export class QuotationCounter extends YearCounter {}
