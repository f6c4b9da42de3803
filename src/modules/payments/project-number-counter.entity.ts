import { Entity } from 'typeorm';
import { YearCounter } from '../../database/year-counter.js';

/**
 * The last project number sequence given out in a year. Taken with a row lock (an upsert) in the transaction
 * that records the advance payment, so numbers are unique and gap-free: a payment that rolls back gives its
 * number back, and concurrent advance payments queue on the row.
 */
@Entity('project_number_counters')
export class ProjectNumberCounter extends YearCounter {}
