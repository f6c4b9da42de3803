import { Entity } from 'typeorm';
import { YearCounter } from '../../database/year-counter.js';

/**
 * The last automatic contract number (HT{YYYY}-{SEQ}) given out for a year. Taken with a row lock in the
 * transaction that creates the contract, so numbers are unique and gap-free: a rolled-back creation gives its
 * number back.
 */
@Entity('contract_counters')
export class ContractCounter extends YearCounter {}
