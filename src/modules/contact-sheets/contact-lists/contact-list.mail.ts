import type { DateOnly } from '../../../common/tabular/date-only.js';
import type { ListAudience } from './issued-contact-list.entity.js';

/** What `templates/mail/contact-list/<locale>/` prints: no amount, whichever the audience (the PDF holds them). */
export interface ContactListMailData {
  number: string;
  audience: ListAudience;
  from: DateOnly | null;
  to: DateOnly | null;
  contractCount: number;
  issuedBy: string;
  companyName: string | null;
}

export const CONTACT_LIST_MAIL = 'contact-list';

/** The record -> mail data mapper of an issued list. */
export function contactListMailData(
  list: { number: string; audience: ListAudience; periodFrom: DateOnly | null; periodTo: DateOnly | null },
  contractCount: number,
  issuedBy: string,
  companyName: string | null,
): ContactListMailData {
  return {
    number: list.number,
    audience: list.audience,
    from: list.periodFrom,
    to: list.periodTo,
    contractCount,
    issuedBy,
    companyName,
  };
}

/** One message per issued list, however often its issue runs: the outbox's idempotency key. */
export function contactListMailKey(listId: string): string {
  return `contact-list:${listId}`;
}
