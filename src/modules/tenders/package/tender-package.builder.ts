import { toChineseCapital } from '../../../common/chinese-numerals.js';
import type { DateOnly } from '../../../common/tabular/date-only.js';
import type { TocEntry } from '../../../rendering/assembly/assembler.js';
import type { Locale } from '../../../rendering/rendering.types.js';
import { formatDate, formatPercent } from '../../../rendering/templates/helpers.js';
import type { CompanyProfileWithSeals } from '../../company/index.js';
import {
  type QualificationType,
  QUALIFICATION_TYPE_LABELS,
  type QualificationView,
} from '../../qualifications/index.js';
import {
  trimDecimal,
  type DeliveryTerms,
  type PaymentEvent,
  type PaymentShare,
  type QuotationView,
} from '../../quotations/index.js';
import { TENDER_SECTIONS, type TenderSection } from '../tender.entity.js';
import {
  isCustomKey,
  withFreeSections,
  type CustomSectionKey,
  type SectionFormatBody,
} from '../formats/section-formats.js';
import { TENDER_SECTION_TITLES, type QualificationRow, type TenderPackageModel } from '../tender-package.model.js';
import type { TenderPackageInput, TenderView } from '../tender.view.js';
import type { PackageSectionRange } from './tender-package-version.entity.js';

/**
 * The pure part of the tender package: the template's view model from the records, where the table of
 * contents goes, which scans follow which section, and every section's page range in the assembled PDF.
 */

export type RenderedSection = Exclude<TenderSection, 'toc'>;
/** A section the package renders: one of the template's, or a free section of the tender's own formats. */
export type PackageSection = RenderedSection | CustomSectionKey;

/** The sections that carry appended scans, in the order of the records listed in them. */
export const SCAN_SECTIONS = ['qualifications', 'performance', 'credit'] as const satisfies readonly RenderedSection[];

export interface PackageLayout {
  /** The sections rendered from `tender-package`, in package order (free sections included). */
  rendered: PackageSection[];
  /** The assembler's `toc.afterSection`: index into `rendered` of the section before the table of contents (-1: first); null: no table of contents. */
  tocAfter: number | null;
  /** Every section in package order, `toc` included where it goes. */
  order: (TenderSection | CustomSectionKey)[];
}

/**
 * The tender's sections in its order (unknown and repeated keys dropped; the defaults when none are given), with the
 * free sections of its own formats at their positions.
 */
export function packageLayout(
  sections: readonly string[] | null | undefined,
  free: readonly Pick<SectionFormatBody, 'key' | 'position'>[] = [],
): PackageLayout {
  const known = new Set<string>(TENDER_SECTIONS);
  const seen = new Set<string>();
  const listed = (sections?.length ? sections : TENDER_SECTIONS).filter((s): s is TenderSection => {
    if (!known.has(s) || seen.has(s)) return false;
    seen.add(s);
    return true;
  });
  const order = withFreeSections(listed, free);
  const rendered = order.filter((s): s is PackageSection => s !== 'toc');
  const tocIndex = order.indexOf('toc');
  // A package of nothing but a table of contents has nothing to list: no table of contents then.
  const tocAfter = tocIndex === -1 || !rendered.length ? null : tocIndex - 1;
  return { rendered, tocAfter, order: tocAfter === null ? rendered : order };
}

/**
 * The range of every section (its appended scans included) from the assembler's outline, which lists the
 * sections and the table of contents in page order with their first pages.
 */
export function sectionRanges(
  layout: PackageLayout,
  titles: Readonly<Partial<Record<string, string>>>,
  outline: readonly TocEntry[],
  totalPages: number,
): PackageSectionRange[] {
  if (outline.length !== layout.order.length) {
    throw new Error(`sectionRanges: the outline has ${outline.length} entries for ${layout.order.length} sections`);
  }
  return layout.order.map((key, i) => {
    const entry = outline[i]!;
    if (entry.title !== titles[key])
      throw new Error(`sectionRanges: outline entry ${i} is "${entry.title}", expected "${titles[key]}" (${key})`);
    const next = outline[i + 1];
    return { key, title: entry.title, firstPage: entry.page, lastPage: next ? next.page - 1 : totalPages };
  });
}

/** The pages (1-based, ascending, no repeats) of the requested sections; unknown keys are the caller's to refuse. */
export function pagesOf(ranges: readonly PackageSectionRange[], keys: readonly string[]): number[] {
  const pages = new Set<number>();
  for (const range of ranges.filter((r) => keys.includes(r.key))) {
    for (let p = range.firstPage; p <= range.lastPage; p++) pages.add(p);
  }
  return [...pages].sort((a, b) => a - b);
}

export interface BlockingCheck {
  blocking: TenderPackageInput['blocking'];
  missingTypes: QualificationType[];
}

/** Nothing blocks: every selected qualification is in force on the deadline and no required type is missing. */
export const isClear = (check: BlockingCheck): boolean => !check.blocking.length && !check.missingTypes.length;

export interface ModelContext {
  input: TenderPackageInput;
  quotation: QuotationView;
  company: CompanyProfileWithSeals;
  /** The generation day (printed on the bid letter and the authorisation). */
  date: DateOnly;
  /** The tender's own formats: its free sections are rendered too, with their titles. */
  formats?: readonly SectionFormatBody[];
}

/** The `tender-package` template's data: every section's data, `sections` = all rendered sections. */
export function buildPackageModel({ input, quotation, company, date, formats = [] }: ModelContext): TenderPackageModel {
  const { tender } = input;
  const locale = tender.language;
  const p = company.profile;
  const free = formats.filter((f) => isCustomKey(f.key));
  const layout = packageLayout(tender.requirements.sections, free);
  return {
    sections: layout.rendered,
    titles: {
      ...TENDER_SECTION_TITLES[locale],
      ...Object.fromEntries(free.map((f) => [f.key, f.title ?? f.key])),
    },
    tender: {
      tenderNo: tender.tenderNo,
      projectName: tender.projectName,
      lot: tender.lot,
      buyer: tender.buyer,
      agency: tender.agency,
      deadline: formatDeadline(tender.deadline),
      deadlineDate: tender.deadlineDate,
      bidValidityDays: tender.bidValidityDays,
      currency: tender.currency,
      bidBond:
        tender.bidBond.status === 'not_required' && tender.bidBond.amount === null
          ? null
          : { amount: tender.bidBond.amount, form: tender.bidBond.form, bank: tender.bidBond.bank },
    },
    company: {
      name: locale === 'zh-CN' ? p.legalNameZh : (p.legalNameEn ?? p.legalNameZh),
      nameEn: p.legalNameEn,
      creditCode: p.creditCode,
      address: (locale === 'zh-CN' ? null : p.addressEn) ?? p.addressZh,
      postalCode: p.postalCode,
      phone: p.phone,
      fax: p.fax,
      email: p.email,
      legalRepresentative: p.legalRepresentative,
      bankAccounts: p.bankAccounts.map((a) => ({
        bankName: a.bankName,
        branch: a.branch,
        accountName: a.accountName,
        accountNumber: a.accountNumber,
      })),
    },
    representative: representativeOf(tender, p.legalRepresentative),
    date,
    quotation: {
      number: quotation.number,
      revision: quotation.revision,
      lines: quotation.lines.map((l) => ({
        line: l.line,
        productCode: l.productCode,
        name: l.name,
        specification: l.specification,
        qty: trimDecimal(l.qty),
        unit: l.unit,
        unitPrice: l.unitPrice,
        discount: trimDecimal(l.discount),
        taxRate: trimDecimal(l.taxRate),
        net: l.net,
        tax: l.tax,
        total: l.total,
      })),
      subtotal: quotation.subtotal,
      taxTotal: quotation.taxTotal,
      total: quotation.total,
      totalInWords: toChineseCapital(quotation.total),
      paymentTerms: quotation.paymentTerms.map((s) => paymentTermLine(s, locale)),
      deliveryTerms: quotation.deliveryTerms ? deliveryTermsText(quotation.deliveryTerms, locale) : null,
    },
    deviations: tender.requirements.deviations.map((d, i) => ({
      no: i + 1,
      clause: d.clause,
      requirement: d.requirement,
      response: d.response,
      deviation: d.deviation,
      note: d.note,
    })),
    qualifications: input.qualifications.map((q, i) => qualificationRow(q, i, locale)),
    performance: input.performance.map((r, i) => ({
      no: i + 1,
      projectName: r.projectName,
      customerName: r.customerName,
      industry: r.industry,
      productLine: r.productLine,
      amount: r.contractAmount,
      currency: r.currency,
      signedDate: r.signedDate,
      completedDate: r.completedDate,
      location: r.location,
      scope: r.scope,
      proofs: r.proofs.length,
    })),
    credit: input.credit.map((q, i) => qualificationRow(q, i, locale)),
  };
}

/** The model for one section's PDF: the same data, `sections` = [that one]. */
export const sectionModel = (model: TenderPackageModel, section: PackageSection): TenderPackageModel => ({
  ...model,
  sections: [section],
});

/**
 * Where a render sits in its section when a long table is printed in several renders (sectionParts). The
 * template leaves out what belongs elsewhere: a `continued` part has no title nor the text before the table; a
 * part with `more` after it has no totals, no text after the table and no signature block. The table's header
 * row is in every part. Without `part` (the DOCX, the previews) a section is whole.
 */
export interface SectionPart {
  continued: boolean;
  more: boolean;
}

export type SectionPartModel = TenderPackageModel & { part?: SectionPart };

/** The row list of each section with a long table; the other sections are always one render. */
const SECTION_ROWS = {
  itemised_quotation: {
    rows: (m: TenderPackageModel) => m.quotation.lines,
    with: (m: TenderPackageModel, lines: TenderPackageModel['quotation']['lines']) => ({
      ...m,
      quotation: { ...m.quotation, lines },
    }),
  },
  deviation_table: {
    rows: (m: TenderPackageModel) => m.deviations,
    with: (m: TenderPackageModel, deviations: TenderPackageModel['deviations']) => ({ ...m, deviations }),
  },
  qualifications: {
    rows: (m: TenderPackageModel) => m.qualifications,
    with: (m: TenderPackageModel, qualifications: TenderPackageModel['qualifications']) => ({ ...m, qualifications }),
  },
  performance: {
    rows: (m: TenderPackageModel) => m.performance,
    with: (m: TenderPackageModel, performance: TenderPackageModel['performance']) => ({ ...m, performance }),
  },
  credit: {
    rows: (m: TenderPackageModel) => m.credit,
    with: (m: TenderPackageModel, credit: TenderPackageModel['credit']) => ({ ...m, credit }),
  },
} satisfies Partial<
  Record<
    RenderedSection,
    { rows(m: TenderPackageModel): unknown[]; with(m: TenderPackageModel, rows: never[]): TenderPackageModel }
  >
>;

/**
 * The renders of one section, in order: one model, or, for a table longer than `rowsPerRender`, one model
 * per slice of its rows (the rows keep their numbers). Chromium's renderer grows with the document it prints
 * (430–520 MiB for a 38-page table, docs/benchmarks.md "Tender package"); slices keep each print small. Every
 * slice starts a page: a part's last page may end short, as before a section's signature block.
 */
export function sectionParts(
  model: TenderPackageModel,
  section: PackageSection,
  rowsPerRender: number,
): SectionPartModel[] {
  if (!Number.isInteger(rowsPerRender) || rowsPerRender < 1)
    throw new Error(`sectionParts: rowsPerRender ${rowsPerRender} is not a positive integer`);
  const whole = sectionModel(model, section);
  if (!(section in SECTION_ROWS)) return [whole];
  const table = SECTION_ROWS[section as keyof typeof SECTION_ROWS];
  const rows = table.rows(model) as never[];
  if (rows.length <= rowsPerRender) return [whole];
  const parts: SectionPartModel[] = [];
  for (let from = 0; from < rows.length; from += rowsPerRender) {
    const slice = rows.slice(from, from + rowsPerRender);
    parts.push({
      ...table.with(whole, slice),
      part: { continued: from > 0, more: from + rowsPerRender < rows.length },
    });
  }
  return parts;
}

/** The appended files of a section, in list order: the selected qualifications' scans, each record's proofs, the credit certificates' scans. */
export function scanFileIds(input: TenderPackageInput, section: RenderedSection): { id: string; name: string }[] {
  switch (section) {
    case 'qualifications':
      return input.qualifications.flatMap((q) => q.scans.map((s) => ({ id: s.id, name: s.originalName })));
    case 'performance':
      return input.performance.flatMap((r) => r.proofs.map((s) => ({ id: s.id, name: s.originalName })));
    case 'credit':
      return input.credit.flatMap((q) => q.scans.map((s) => ({ id: s.id, name: s.originalName })));
    default:
      return [];
  }
}

/** The package's title: in the PDF's metadata, the signature's reason, the document record. */
export function packageTitle(tender: Pick<TenderView, 'tenderNo' | 'projectName' | 'lot' | 'language'>): string {
  const lot = tender.lot ? ` ${tender.lot}` : '';
  const word = { 'zh-CN': '投标文件', en: 'Bid', es: 'Oferta' }[tender.language];
  return `${word} ${tender.tenderNo} ${tender.projectName}${lot}`;
}

/** An ASCII file base name (Content-Disposition, mail attachments): `tender-package-<tender number>`. */
export function packageFileBase(tenderNo: string): string {
  const slug = tenderNo
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug ? `tender-package-${slug}` : 'tender-package';
}

/** The deadline as the buyer writes it, in China time: "2026-12-15 09:30". */
export function formatDeadline(deadline: Date): string {
  const parts = Object.fromEntries(SHANGHAI.formatToParts(deadline).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * "30% 合同签订后 7 天内" / "30% within 7 days after contract signing" /
 * "30 % en un plazo de 7 días tras la firma del contrato".
 */
export function paymentTermLine(share: PaymentShare, locale: Locale): string {
  const percent = formatPercent(trimDecimal(share.percent), locale);
  const event = share.event === 'other' && share.label ? share.label : PAYMENT_EVENT_LABELS[locale][share.event];
  const note =
    share.event !== 'other' && share.label ? (locale === 'zh-CN' ? `（${share.label}）` : ` (${share.label})`) : '';
  switch (locale) {
    case 'en':
      return `${percent} ${share.days === null ? event : `within ${share.days} days ${event}`}${note}`;
    case 'es':
      return `${percent} ${share.days === null ? event : `en un plazo de ${share.days} días ${event}`}${note}`;
    case 'zh-CN':
      return `${percent} ${event}${share.days === null ? '' : ` ${share.days} 天内`}${note}`;
  }
}

/** "收到预付款后 30 天内交货；交货地点：…；贸易术语：DAP" */
export function deliveryTermsText(terms: DeliveryTerms, locale: Locale): string | null {
  const w = DELIVERY_WORDS[locale];
  const parts: string[] = [];
  if (terms.daysAfterAdvance !== null) parts.push(w.afterAdvance(terms.daysAfterAdvance));
  if (terms.date) parts.push(w.date(locale === 'es' ? formatDate(terms.date, locale, 'short') : terms.date));
  if (terms.place) parts.push(w.place(terms.place));
  if (terms.incoterm) parts.push(w.incoterm(terms.incoterm));
  if (!parts.length) return null;
  const text = parts.join(w.sep);
  // Spanish goes on in lower case after a semicolon: only the whole line starts with a capital.
  return locale === 'es' ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

const DELIVERY_WORDS: Record<
  Locale,
  {
    afterAdvance: (days: number) => string;
    date: (date: string) => string;
    place: (place: string) => string;
    incoterm: (term: string) => string;
    sep: string;
  }
> = {
  'zh-CN': {
    afterAdvance: (days) => `收到预付款后 ${days} 天内交货`,
    date: (date) => `交货日期：${date}`,
    place: (place) => `交货地点：${place}`,
    incoterm: (term) => `贸易术语：${term}`,
    sep: '；',
  },
  en: {
    afterAdvance: (days) => `Delivery within ${days} days of receiving the advance payment`,
    date: (date) => `Delivery by ${date}`,
    place: (place) => `Place of delivery: ${place}`,
    incoterm: (term) => `Incoterms 2020: ${term}`,
    sep: '; ',
  },
  es: {
    afterAdvance: (days) => `entrega en un plazo de ${days} días desde la recepción del anticipo`,
    date: (date) => `entrega a más tardar el ${date}`,
    place: (place) => `lugar de entrega: ${place}`,
    incoterm: (term) => `Incoterms 2020: ${term}`,
    sep: '; ',
  },
};

function representativeOf(
  tender: TenderView,
  legalRepresentative: string | null,
): TenderPackageModel['representative'] {
  if (tender.representative) return { ...tender.representative };
  // 授权委托人 defaults to the salesman who owns the bid; without one, the legal representative signs himself.
  const name = tender.salesOwner?.name ?? legalRepresentative ?? '';
  return { name, title: null, idNumber: null, phone: null };
}

function qualificationRow(q: QualificationView, i: number, locale: Locale): QualificationRow {
  return {
    no: i + 1,
    typeName: QUALIFICATION_TYPE_NAMES[locale][q.type],
    name: q.name,
    number: q.number,
    issuer: q.issuer,
    grade: q.grade,
    validFrom: q.validFrom,
    validTo: q.validTo,
    scans: q.scans.length,
  };
}

export const QUALIFICATION_TYPE_NAMES: Record<Locale, Record<QualificationType, string>> = {
  'zh-CN': QUALIFICATION_TYPE_LABELS,
  en: {
    business_licence: 'Business licence',
    iso9001: 'ISO 9001 quality management certificate',
    iso14001: 'ISO 14001 environmental management certificate',
    iso45001: 'ISO 45001 occupational health and safety certificate',
    industry_permit: 'Industry permit',
    product_certificate: 'Product certificate',
    credit_rating: 'Credit rating',
    other: 'Other',
  },
  es: {
    business_licence: 'Licencia de actividad empresarial',
    iso9001: 'Certificado ISO 9001 de gestión de la calidad',
    iso14001: 'Certificado ISO 14001 de gestión ambiental',
    iso45001: 'Certificado ISO 45001 de seguridad y salud en el trabajo',
    industry_permit: 'Licencia sectorial',
    product_certificate: 'Certificado de producto',
    credit_rating: 'Calificación crediticia',
    other: 'Otros',
  },
};

const PAYMENT_EVENT_LABELS: Record<Locale, Record<PaymentEvent, string>> = {
  'zh-CN': {
    contract_signed: '合同签订后',
    before_delivery: '发货前',
    on_delivery: '货到后',
    after_acceptance: '验收合格后',
    warranty_end: '质保期满后',
    other: '其他',
  },
  en: {
    contract_signed: 'after contract signing',
    before_delivery: 'before delivery',
    on_delivery: 'after delivery',
    after_acceptance: 'after acceptance',
    warranty_end: 'after the warranty period',
    other: 'other',
  },
  es: {
    contract_signed: 'tras la firma del contrato',
    before_delivery: 'antes de la entrega',
    on_delivery: 'tras la entrega',
    after_acceptance: 'tras la recepción conforme',
    warranty_end: 'al término del período de garantía',
    other: 'otro',
  },
};
