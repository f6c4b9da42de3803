import type { Locale } from '../../../rendering/rendering.types.js';
import type { TemplateEngine } from '../../../rendering/templates/template-engine.js';
import { MAX_NAME, MAX_POSITION, MAX_REASON, type AcceptanceError, ACCEPTANCE_FIELDS } from '../acceptance-answer.js';
import type { QuotationAnswer } from '../quotation-link.entity.js';
import type { QuotationView } from '../quotations.service.js';

/**
 * The customer's quotation page (no login), rendered by the one template engine from `templates/quotation-acceptance/`
 * (quotation.hbs: the sent revision and the answer form; notice.hbs: the pages without figures). Every page is in the
 * language the quotation was sent in; the "not valid" page, which knows no quotation, is in Chinese with English
 * below. This file maps the records to the pages' data; the wording is the templates'.
 */
export const ACCEPTANCE_PAGE = 'quotation-acceptance';

export interface PageCompany {
  name: string;
  nameEn: string | null;
  phone: string | null;
}

export interface AcceptancePage {
  view: 'quotation' | 'notice';
  locale: Locale;
  data: object;
}

const FORM_FIELDS = new Set<string>([...ACCEPTANCE_FIELDS, 'body']);

export function renderAcceptancePage(engine: TemplateEngine, page: AcceptancePage): string {
  return engine.renderPage(ACCEPTANCE_PAGE, page.view, page.data, page.locale).html;
}

function contactOf(locale: Locale, company: PageCompany | null): { name: string; phone: string | null } | null {
  if (!company) return null;
  return { name: locale === 'en' && company.nameEn ? company.nameEn : company.name, phone: company.phone };
}

/** The sent revision's figures, as on its PDF, with the answer form (again with `errors` after a refused answer). */
export function quotationPage(input: {
  locale: Locale;
  company: PageCompany | null;
  quotation: QuotationView;
  path: string;
  errors: AcceptanceError[];
  values: { action?: string; name?: string; position?: string; reason?: string };
}): AcceptancePage {
  const q = input.quotation;
  return {
    view: 'quotation',
    locale: input.locale,
    data: {
      company: input.company ?? { name: '', nameEn: null, phone: null },
      customerName: q.customer.name,
      number: q.number,
      revision: q.revision,
      projectName: q.projectName,
      issueDate: q.issueDate,
      validUntil: q.validUntil,
      currency: q.currency,
      lines: q.lines.map((l) => ({
        line: l.line,
        name: l.name,
        specification: l.specification,
        qty: l.qty,
        unit: l.unit,
        unitPrice: l.unitPrice,
        discount: l.discount,
        taxRate: l.taxRate,
        total: l.total,
      })),
      subtotal: q.subtotal,
      taxTotal: q.taxTotal,
      total: q.total,
      paymentTerms: q.paymentTerms,
      path: input.path,
      errors: input.errors.map((e) => ({ field: e.field, known: FORM_FIELDS.has(e.field), problem: e.problem })),
      values: input.values,
      limits: { name: MAX_NAME, position: MAX_POSITION, reason: MAX_REASON },
    },
  };
}

export function thanksPage(input: {
  locale: Locale;
  company: PageCompany | null;
  number: string;
  answer: QuotationAnswer;
  name: string;
  at: Date;
}): AcceptancePage {
  return {
    view: 'notice',
    locale: input.locale,
    data: { kind: 'thanks', ...input, at: input.at.toISOString() },
  };
}

/** Answered already: when and how, no figures. */
export function answeredPage(input: {
  locale: Locale;
  company: PageCompany | null;
  number: string;
  answer: QuotationAnswer;
  at: Date;
}): AcceptancePage {
  return {
    view: 'notice',
    locale: input.locale,
    data: {
      kind: 'answered',
      company: input.company,
      number: input.number,
      answer: input.answer,
      at: input.at.toISOString(),
      contact: contactOf(input.locale, input.company),
    },
  };
}

/** The quotation moved on (a new revision, or answered by staff): whom to contact, nothing of the quotation. */
export function closedPage(locale: Locale, company: PageCompany | null): AcceptancePage {
  return { view: 'notice', locale, data: { kind: 'closed', company, contact: contactOf(locale, company) } };
}

/** Past the quotation's validity: whom to contact, nothing of the quotation. */
export function expiredPage(locale: Locale, company: PageCompany | null): AcceptancePage {
  return { view: 'notice', locale, data: { kind: 'expired', company, contact: contactOf(locale, company) } };
}

/** No quotation has this token: nothing is known, so nothing is shown but the fact. */
export function invalidLinkPage(): AcceptancePage {
  return { view: 'notice', locale: 'zh-CN', data: { kind: 'invalid', company: null } };
}
