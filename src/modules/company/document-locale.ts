import { DEFAULT_LOCALE, type Locale } from '../../rendering/rendering.types.js';

/**
 * Who reads a document decides its language (docs/architecture.md, "Document languages"):
 * - a document or mail for the customer (statement, delivery notice, quotation, the mails that carry them): the
 *   language the request asked for, else the customer's, else the company's;
 * - an internal one (contact sheets and lists, mails to departments): the company's.
 * The company's is zh-CN until the profile says otherwise (and before there is a profile).
 */
export type DocumentReader =
  | { audience: 'customer'; requested?: Locale | null; customer?: { locale: Locale | null } | null }
  | { audience: 'internal' };

export function documentLocale(reader: DocumentReader, companyLocale: Locale | null | undefined): Locale {
  const company = companyLocale ?? DEFAULT_LOCALE;
  if (reader.audience === 'internal') return company;
  return reader.requested ?? reader.customer?.locale ?? company;
}
