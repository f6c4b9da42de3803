import type { Amount } from '../../common/money.js';
import type { DunningLevel } from './dunning-level.js';

/** The billing mail's template: `templates/mail/dunning-letter/<locale>/{subject,text,html}.hbs`. */
export const DUNNING_MAIL = 'dunning-letter';

/** What the dunning mail's templates get (see its sample.json). */
export interface DunningMailData {
  number: string;
  level: DunningLevel;
  customerName: string;
  total: Amount;
  currency: string;
  itemCount: number;
  oldestDays: number;
  /** The attached statement's number. */
  statementNumber: string | null;
  /** whom to ask: the company's name and phone */
  contact: string;
}
