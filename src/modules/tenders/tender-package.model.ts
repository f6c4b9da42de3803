import type { Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import type { CustomSectionKey } from './formats/section-formats.js';
import type { DeviationKind, TenderSection } from './tender.entity.js';
import type { TenderLanguage } from './tender-matching.js';

/**
 * The data of the `tender-package` template (templates/tender-package/). The package service renders it once per
 * section for the PDF (`sections` = [that section], so each section's page count and first page are known for the
 * table of contents and the outline) and once with every editable section for the DOCX. Scans are not part of the
 * HTML: the assembler appends them after the `qualifications`, `performance` and `credit` sections.
 *
 * Amounts are decimal strings ("1234567.80"); the template formats them with {{money}} and {{capital}}.
 */
export interface TenderPackageModel {
  /**
   * The sections to render, in order (never `toc`: that is the `tender-toc` template); `custom:<slug>`: a free
   * section of the tender's own formats (tenders/formats), which the composed template renders.
   */
  sections: (Exclude<TenderSection, 'toc'> | CustomSectionKey)[];
  /**
   * Each section's title in the package's language (TENDER_SECTION_TITLES). The template prints it as the
   * section's first heading, exactly so: the outline, the table of contents and the tests find it by this text.
   */
  titles: Record<TenderSection, string> & Partial<Record<CustomSectionKey, string>>;
  tender: {
    tenderNo: string;
    projectName: string;
    lot: string | null;
    buyer: string;
    agency: string | null;
    /** Shown as is, e.g. "2026-12-15 09:30" (Beijing time). */
    deadline: string;
    deadlineDate: DateOnly;
    bidValidityDays: number;
    currency: string;
    bidBond: { amount: Amount | null; form: string | null; bank: string | null } | null;
  };
  company: {
    name: string;
    nameEn: string | null;
    creditCode: string;
    address: string | null;
    postalCode: string | null;
    phone: string | null;
    fax: string | null;
    email: string | null;
    legalRepresentative: string | null;
    bankAccounts: { bankName: string; branch: string | null; accountName: string; accountNumber: string }[];
  };
  /** The authorised representative (授权委托人). */
  representative: { name: string; title: string | null; idNumber: string | null; phone: string | null };
  /** The date printed on the bid letter and the authorisation (the generation day). */
  date: DateOnly;
  /** From the quotation's current revision. */
  quotation: {
    number: string;
    revision: number;
    lines: {
      line: number;
      productCode: string | null;
      name: string;
      specification: string | null;
      qty: string;
      unit: string;
      unitPrice: Amount;
      discount: string;
      taxRate: string;
      net: Amount;
      tax: Amount;
      total: Amount;
    }[];
    subtotal: Amount;
    taxTotal: Amount;
    total: Amount;
    /** Chinese capital numerals of `total` (already computed, e.g. 壹拾贰万叁仟肆佰伍拾陆元柒角捌分). */
    totalInWords: string;
    /** One line each, in the package's language, e.g. "30% 合同签订后 7 天内". */
    paymentTerms: string[];
    deliveryTerms: string | null;
  };
  deviations: {
    no: number;
    clause: string;
    requirement: string;
    response: string;
    deviation: DeviationKind;
    note: string | null;
  }[];
  /** Qualifications except credit ratings; `pages` = pages of its scans appended after the section. */
  qualifications: QualificationRow[];
  performance: {
    no: number;
    projectName: string;
    customerName: string;
    industry: string;
    productLine: string | null;
    amount: Amount;
    currency: string;
    signedDate: DateOnly;
    completedDate: DateOnly | null;
    location: string | null;
    scope: string | null;
    proofs: number;
  }[];
  /** Credit certificates (qualifications of type credit_rating). */
  credit: QualificationRow[];
}

export interface QualificationRow {
  no: number;
  /** The type's name in the package's language, e.g. 营业执照 / Business licence. */
  typeName: string;
  name: string;
  number: string | null;
  issuer: string | null;
  grade: string | null;
  validFrom: DateOnly;
  /** null: no end (长期). */
  validTo: DateOnly | null;
  scans: number;
}

/** The data of the `tender-toc` template: the package's table of contents with real page numbers. */
export interface TenderTocModel {
  tender: { tenderNo: string; projectName: string; lot: string | null };
  entries: { title: string; page: number }[];
}

/** Section titles, one source for the template's headings, the outline and the table of contents. */
export const TENDER_SECTION_TITLES: Record<TenderLanguage, Record<TenderSection, string>> = {
  'zh-CN': {
    cover: '封面',
    toc: '目录',
    bid_letter: '投标函',
    opening_summary: '开标一览表',
    itemised_quotation: '分项报价表',
    deviation_table: '技术和商务偏离表',
    authorisation: '法定代表人授权委托书',
    qualifications: '资格证明文件',
    performance: '类似项目业绩',
    credit: '信用证明文件',
  },
  en: {
    cover: 'Cover',
    toc: 'Contents',
    bid_letter: 'Bid Letter',
    opening_summary: 'Bid Opening Summary',
    itemised_quotation: 'Itemised Price Schedule',
    deviation_table: 'Deviation Table',
    authorisation: 'Letter of Authorisation',
    qualifications: 'Qualification Documents',
    performance: 'Similar Project References',
    credit: 'Credit Certificates',
  },
  es: {
    cover: 'Portada',
    toc: 'Índice',
    bid_letter: 'Carta de oferta',
    opening_summary: 'Cuadro resumen para la apertura de ofertas',
    itemised_quotation: 'Oferta económica desglosada',
    deviation_table: 'Tabla de desviaciones técnicas y comerciales',
    authorisation: 'Poder de representación',
    qualifications: 'Documentación acreditativa',
    performance: 'Referencias de proyectos similares',
    credit: 'Certificados de solvencia crediticia',
  },
};
