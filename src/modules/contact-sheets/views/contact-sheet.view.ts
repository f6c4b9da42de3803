import { toChineseCapital } from '../../../common/chinese-numerals.js';
import { dec, type Amount } from '../../../common/money.js';
import type { DateOnly } from '../../../common/tabular/date-only.js';
import type { Locale } from '../../../rendering/rendering.types.js';
import { type ContractView, contractAmounts, paymentShares } from '../../contracts/index.js';
import type { PaymentEvent } from '../../quotations/index.js';
import type { Department } from '../contact-sheet.entity.js';
import { redactAmounts } from '../../../common/amount-redaction.js';

/**
 * The data templates/contact-sheet is rendered from, one builder per copy (联). The finance copy is built from the
 * contract with its prices. The engineering and production copies are built from price-free projections
 * (`technicalProjection`, `productionProjection`) that copy named fields only: a price field added to the contract
 * later does not reach them, so the template cannot print what it was never given.
 */

export interface SheetCompany {
  name: string;
  nameEn: string | null;
  address: string | null;
  phone: string | null;
  taxId: string | null;
}

/** The sheet version being printed, with its sign-offs so far. */
export interface SheetHeader {
  projectNumber: string;
  version: number;
  contractRevision: number;
  /** ISO timestamps */
  issuedAt: string;
  completedAt: string | null;
  signoffs: { department: Department; name: string; signedAt: string; comment: string | null }[];
}

export interface SignoffRow {
  department: string;
  name: string | null;
  time: string | null;
  comment: string | null;
}

interface CopyBase {
  company: SheetCompany | null;
  sheet: {
    projectNumber: string;
    version: number;
    contractRevision: number;
    issuedAt: string;
    completedAt: string | null;
    complete: boolean;
  };
  contract: {
    number: string;
    projectName: string;
    customer: string;
    signingDate: DateOnly;
    deliveryDate: DateOnly | null;
  };
  remarks: string | null;
  signoffs: SignoffRow[];
}

export interface FinanceCopyData extends CopyBase {
  audience: 'finance';
  currency: string;
  lines: {
    no: number;
    code: string | null;
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
  totals: { net: Amount; tax: Amount; total: Amount; totalInWords: string };
  paymentTerms: { percent: string; event: PaymentEvent; days: number | null; label: string | null; amount: Amount }[];
  configuration: { item: string; options: string | null }[];
}

/** An item as engineering and production see it: what and how many, never at what price. */
export interface ItemRow {
  no: number;
  code: string | null;
  name: string;
  specification: string | null;
  qty: string;
  unit: string;
}

export interface EngineeringCopyData extends CopyBase {
  audience: 'engineering';
  lines: ItemRow[];
  configuration: { item: string; options: string | null }[];
}

export interface ProductionCopyData extends CopyBase {
  audience: 'production';
  lines: ItemRow[];
}

export type ContactSheetData = FinanceCopyData | EngineeringCopyData | ProductionCopyData;

/** What engineering may know of a contract: no price, amount, discount, tax or payment term. */
export interface TechnicalProjection {
  number: string;
  projectName: string;
  customer: string;
  signingDate: DateOnly;
  deliveryDate: DateOnly | null;
  items: ItemRow[];
  configuration: { item: string; options: string | null }[];
  remarks: string | null;
}

/** What production scheduling may know: items, quantities, delivery date, remarks. */
export type ProductionProjection = Omit<TechnicalProjection, 'configuration'>;

const DEPARTMENT_LABELS: Record<Locale, Record<Department, string>> = {
  'zh-CN': { finance: '财务部', engineering: '技术部', production: '生产调度' },
  en: { finance: 'Finance', engineering: 'Engineering', production: 'Production scheduling' },
  es: { finance: 'Finanzas', engineering: 'Ingeniería', production: 'Planificación de la producción' },
};

export function departmentLabel(department: Department, locale: Locale): string {
  return DEPARTMENT_LABELS[locale][department];
}

function items(c: ContractView, redact: (t: string | null) => string | null): ItemRow[] {
  return c.lines.map((l) => ({
    no: l.line,
    code: l.productCode,
    name: redact(l.name) ?? '',
    specification: redact(l.specification),
    qty: dec(l.qty).toFixed(),
    unit: l.unit,
  }));
}

export function technicalProjection(c: ContractView): TechnicalProjection {
  const amounts = contractAmounts(c);
  const redact = (t: string | null) => redactAmounts(t, amounts);
  return {
    number: c.number,
    projectName: redact(c.projectName) ?? '',
    customer: c.customer.name,
    signingDate: c.signingDate,
    deliveryDate: c.deliveryDate,
    items: items(c, redact),
    configuration: c.configuration.map((x) => ({ item: redact(x.item) ?? '', options: redact(x.options) })),
    remarks: redact(c.specialRequirements),
  };
}

export function productionProjection(c: ContractView): ProductionProjection {
  const { configuration: _configuration, ...rest } = technicalProjection(c);
  return rest;
}

function base(
  p: Pick<TechnicalProjection, 'number' | 'projectName' | 'customer' | 'signingDate' | 'deliveryDate' | 'remarks'>,
  sheet: SheetHeader,
  company: SheetCompany | null,
  locale: Locale,
): CopyBase {
  const byDept = new Map(sheet.signoffs.map((s) => [s.department, s]));
  const complete = sheet.completedAt !== null;
  return {
    company,
    sheet: {
      projectNumber: sheet.projectNumber,
      version: sheet.version,
      contractRevision: sheet.contractRevision,
      issuedAt: sheet.issuedAt,
      completedAt: sheet.completedAt,
      complete,
    },
    contract: {
      number: p.number,
      projectName: p.projectName,
      customer: p.customer,
      signingDate: p.signingDate,
      deliveryDate: p.deliveryDate,
    },
    remarks: p.remarks,
    signoffs: (['finance', 'engineering', 'production'] as const).map((d) => {
      const s = byDept.get(d);
      return {
        department: departmentLabel(d, locale),
        name: s?.name ?? null,
        time: s?.signedAt ?? null,
        comment: s?.comment ?? null,
      };
    }),
  };
}

export function financeCopy(
  c: ContractView,
  sheet: SheetHeader,
  company: SheetCompany | null,
  locale: Locale,
): FinanceCopyData {
  return {
    audience: 'finance',
    ...base(
      {
        number: c.number,
        projectName: c.projectName,
        customer: c.customer.name,
        signingDate: c.signingDate,
        deliveryDate: c.deliveryDate,
        remarks: c.specialRequirements,
      },
      sheet,
      company,
      locale,
    ),
    currency: c.currency,
    lines: c.lines.map((l) => ({
      no: l.line,
      code: l.productCode,
      name: l.name,
      specification: l.specification,
      qty: dec(l.qty).toFixed(),
      unit: l.unit,
      unitPrice: l.unitPrice,
      discount: dec(l.discount).toFixed(),
      taxRate: dec(l.taxRate).toFixed(),
      net: l.net,
      tax: l.tax,
      total: l.total,
    })),
    totals: { net: c.subtotal, tax: c.taxTotal, total: c.total, totalInWords: toChineseCapital(c.total) },
    paymentTerms: paymentShares(c),
    configuration: c.configuration.map((x) => ({ item: x.item, options: x.options })),
  };
}

export function engineeringCopy(
  p: TechnicalProjection,
  sheet: SheetHeader,
  company: SheetCompany | null,
  locale: Locale,
): EngineeringCopyData {
  return {
    audience: 'engineering',
    ...base(p, sheet, company, locale),
    lines: p.items,
    configuration: p.configuration,
  };
}

export function productionCopy(
  p: ProductionProjection,
  sheet: SheetHeader,
  company: SheetCompany | null,
  locale: Locale,
): ProductionCopyData {
  return { audience: 'production', ...base(p, sheet, company, locale), lines: p.items };
}

/** The copy for one department, each from what that department may know. */
export function copyFor(
  department: Department,
  c: ContractView,
  sheet: SheetHeader,
  company: SheetCompany | null,
  locale: Locale,
): ContactSheetData {
  switch (department) {
    case 'finance':
      return financeCopy(c, sheet, company, locale);
    case 'engineering':
      return engineeringCopy(technicalProjection(c), withoutAmountsInComments(sheet, c), company, locale);
    case 'production':
      return productionCopy(productionProjection(c), withoutAmountsInComments(sheet, c), company, locale);
  }
}

/** Sign-off comments are free text too (finance may write "预付款 33,900.00 已到账"): price-free copies redact them. */
export function withoutAmountsInComments(sheet: SheetHeader, c: ContractView): SheetHeader {
  const amounts = contractAmounts(c);
  return { ...sheet, signoffs: sheet.signoffs.map((s) => ({ ...s, comment: redactAmounts(s.comment, amounts) })) };
}
