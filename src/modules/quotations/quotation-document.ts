import { toChineseCapital } from '../../common/chinese-numerals.js';
import type { Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import type { Locale } from '../../rendering/rendering.types.js';
import type { CompanyProfileWithSeals } from '../company/index.js';
import type { CustomerView } from '../customers/index.js';
import { trimDecimal } from './quotation-amounts.js';
import type { DeliveryTerms, PaymentEvent } from './quotation-revision.entity.js';
import type { QuotationView } from './quotations.service.js';

/** The data templates/quotation/template.hbs is rendered from (its sample.json has the same shape). */
export interface QuotationDocumentData {
  quotationNo: string;
  revision: number;
  issueDate: DateOnly;
  validUntil: DateOnly;
  currency: string;
  projectName: string;
  company: {
    name: string;
    nameEn: string | null;
    address: string | null;
    phone: string | null;
    taxId: string;
    bank: { name: string; account: string } | null;
  };
  customer: {
    name: string;
    taxId: string | null;
    address: string | null;
    contact: { name: string; phone: string | null; email: string | null } | null;
  };
  lines: {
    no: number;
    code: string | null;
    name: string;
    specification: string | null;
    qty: string;
    unit: string;
    unitPrice: Amount;
    /** percent, trimmed ("5", "12.5") */
    discount: string;
    net: Amount;
    taxRate: string;
    tax: Amount;
  }[];
  totals: { net: Amount; tax: Amount; total: Amount; totalInWords: string };
  paymentTerms: { percent: string; event: PaymentEvent; days: number | null; label: string | null }[];
  delivery: DeliveryTerms | null;
  notes: string | null;
  /** Which seal the issuer's signature block carries (the assembly step stamps it); null when none is on file. */
  seal: 'company' | null;
}

/** A quotation as the customer gets it: the seller from the company profile, every price, the total in words. */
export function quotationDocument(
  q: QuotationView,
  company: CompanyProfileWithSeals,
  customer: CustomerView,
  locale: Locale,
): QuotationDocumentData {
  const p = company.profile;
  const bank = p.bankAccounts[0];
  // The buyer's first contact is the one who asked for the offer; the billing contact is for statements.
  const contact = customer.contacts[0] ?? null;
  return {
    quotationNo: q.number,
    revision: q.revision,
    issueDate: q.issueDate,
    validUntil: q.validUntil,
    currency: q.currency,
    projectName: q.projectName,
    company: {
      name: p.legalNameZh,
      nameEn: p.legalNameEn,
      address: (locale === 'zh-CN' ? null : p.addressEn) ?? p.addressZh,
      phone: p.phone,
      taxId: p.creditCode,
      bank: bank ? { name: [bank.bankName, bank.branch].filter(Boolean).join(' '), account: bank.accountNumber } : null,
    },
    customer: {
      name: customer.name,
      taxId: customer.taxId,
      address: customer.address,
      contact: contact ? { name: contact.name, phone: contact.phone, email: contact.email } : null,
    },
    lines: q.lines.map((l) => ({
      no: l.line,
      code: l.productCode,
      name: l.name,
      specification: l.specification,
      qty: l.qty,
      unit: l.unit,
      unitPrice: l.unitPrice,
      discount: trimDecimal(l.discount),
      net: l.net,
      taxRate: trimDecimal(l.taxRate),
      tax: l.tax,
    })),
    totals: { net: q.subtotal, tax: q.taxTotal, total: q.total, totalInWords: toChineseCapital(q.total) },
    paymentTerms: q.paymentTerms.map((s) => ({
      percent: trimDecimal(s.percent),
      event: s.event,
      days: s.days,
      label: s.label,
    })),
    delivery: q.deliveryTerms,
    notes: q.notes,
    seal: company.seals.company ? 'company' : null,
  };
}
