import type { Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import { formatCode } from './statement-code.js';
import type { StatementCompany } from './views/statement-document.js';

/** The billing mail's template: `templates/mail/statement/<locale>/{subject,text,html}.hbs`. */
export const STATEMENT_MAIL = 'statement';

/** What the statement mail's templates get (see its sample.json): the link, the reply-by date, the closing balance. */
export interface StatementMailData {
  number: string;
  customerName: string;
  /** null: an as-of statement */
  from: DateOnly | null;
  to: DateOnly;
  closingBalance: Amount;
  currency: string;
  replyBy: DateOnly;
  url: string;
  /** the confirmation code, grouped for reading ("1234 5678"); only the mail carries it */
  code: string;
  /** whom to ask: the company's name and phone */
  contact: string;
}

/** The statement record -> the mail's data (the wording is the template's, in the statement's language). */
export function statementMailData(input: {
  number: string;
  customerName: string;
  from: DateOnly | null;
  to: DateOnly;
  closingBalance: Amount;
  currency: string;
  replyBy: DateOnly;
  url: string;
  /** the confirmation code as issued (digits) */
  code: string;
  company: Pick<StatementCompany, 'name' | 'phone'>;
}): StatementMailData {
  return {
    number: input.number,
    customerName: input.customerName,
    from: input.from,
    to: input.to,
    closingBalance: input.closingBalance,
    currency: input.currency,
    replyBy: input.replyBy,
    url: input.url,
    code: formatCode(input.code),
    contact: [input.company.name, input.company.phone].filter(Boolean).join(' '),
  };
}
