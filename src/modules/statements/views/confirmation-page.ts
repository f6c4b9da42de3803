import { sum, type Amount } from '../../../common/money.js';
import type { DateOnly } from '../../../common/tabular/date-only.js';
import type { Locale } from '../../../rendering/rendering.types.js';
import type { TemplateEngine } from '../../../rendering/templates/template-engine.js';
import { AGING_BUCKETS, type AgingBucket } from '../../receivables/index.js';
import type { AnswerError } from '../statement-answer.js';
import { MAX_NAME, MAX_REASON } from '../statement-answer.js';
import type { IssuedLine } from './statement-document.js';

/**
 * The customer's confirmation page (no login), rendered on the server by the one template engine from
 * `templates/statement-confirmation/` (statement.hbs: the statement and the answer form; notice.hbs: the pages
 * without figures; meta.json: their labels in zh-CN and en; _partials/page.css inline). No script, no image, no external
 * request. Every page is in the statement's language; the "not valid" page, which knows no statement, is in
 * Chinese with English below. This file maps the records to the pages' data; the wording is the templates'.
 */
export const CONFIRMATION_PAGE = 'statement-confirmation';

export interface PageCompany {
  name: string;
  nameEn: string | null;
  phone: string | null;
}

export interface StatementPageModel {
  locale: Locale;
  company: PageCompany;
  customerName: string;
  number: string;
  from: DateOnly | null;
  to: DateOnly;
  issuedOn: DateOnly;
  replyBy: DateOnly;
  currency: string;
  openingBalance: Amount;
  closingBalance: Amount;
  totals: { debit: Amount; credit: Amount; invoiced: Amount };
  lines: IssuedLine[];
  aging: Record<AgingBucket, Amount>;
  /** the page's own path: the form posts here, the PDF is below it */
  path: string;
  errors: AnswerError[];
  /** what the customer typed, shown again with the errors (never the code) */
  values: { action?: string; amount?: string; reason?: string; name?: string };
  /**
   * open: the form; notMailed: the statement was not mailed with a confirmation code, so it cannot be answered
   * here; locked: too many wrong codes.
   */
  answerable: 'open' | 'notMailed' | 'locked';
}

/** A page to render: which view of templates/statement-confirmation, in which language, with what. */
export interface ConfirmationPage {
  view: 'statement' | 'notice';
  locale: Locale;
  data: object;
}

/** The fields of the form the page names (statement-answer.ts); any other is shown as posted. */
const FORM_FIELDS = new Set(['action', 'amount', 'reason', 'name', 'code', 'body']);

export function renderConfirmationPage(engine: TemplateEngine, page: ConfirmationPage): string {
  return engine.renderPage(CONFIRMATION_PAGE, page.view, page.data, page.locale).html;
}

/** Whom to contact, in the page's language: the company's English name on an English or Spanish page, if it has one. */
function contactOf(locale: Locale, company: PageCompany | null): { name: string; phone: string | null } | null {
  if (!company) return null;
  return { name: locale !== 'zh-CN' && company.nameEn ? company.nameEn : company.name, phone: company.phone };
}

/** The statement with the answer form (again with `errors` after a refused answer). */
export function statementPage(model: StatementPageModel): ConfirmationPage {
  return {
    view: 'statement',
    locale: model.locale,
    data: {
      ...model,
      buckets: AGING_BUCKETS.map((key) => ({ key, amount: model.aging[key] })),
      // Summed here, as the printed statement does: aging that did not add up would show.
      agingTotal: sum(Object.values(model.aging)),
      errors: model.errors.map((e) => ({ field: e.field, known: FORM_FIELDS.has(e.field), problem: e.problem })),
      contact: contactOf(model.locale, model.company),
      limits: { reason: MAX_REASON, name: MAX_NAME },
    },
  };
}

export function thanksPage(input: {
  locale: Locale;
  company: PageCompany;
  number: string;
  status: 'confirmed' | 'disputed';
  amount: Amount;
  currency: string;
  name: string;
  at: Date;
}): ConfirmationPage {
  return { view: 'notice', locale: input.locale, data: { kind: 'thanks', ...input, at: input.at.toISOString() } };
}

/** Answered already: when and how, no figures. */
export function answeredPage(input: {
  locale: Locale;
  company: PageCompany;
  number: string;
  status: 'confirmed' | 'disputed';
  at: string;
}): ConfirmationPage {
  return {
    view: 'notice',
    locale: input.locale,
    data: {
      kind: 'answered',
      company: input.company,
      number: input.number,
      status: input.status,
      at: input.at,
      contact: contactOf(input.locale, input.company),
    },
  };
}

/** Too many wrong codes (answered as 403 to a POST): whom to contact, nothing of the statement. */
export function lockedPage(locale: Locale, company: PageCompany | null): ConfirmationPage {
  return { view: 'notice', locale, data: { kind: 'locked', company, contact: contactOf(locale, company) } };
}

/** Expired: whom to contact (the company's name and phone from its profile), nothing of the statement. */
export function expiredPage(locale: Locale, company: PageCompany | null): ConfirmationPage {
  return { view: 'notice', locale, data: { kind: 'expired', company, contact: contactOf(locale, company) } };
}

/** No statement has this token: nothing is known, so nothing is shown but the fact. */
export function invalidLinkPage(): ConfirmationPage {
  return { view: 'notice', locale: 'zh-CN', data: { kind: 'invalid', company: null } };
}
