import { sum, type Amount } from '../../../common/money.js';
import type { DateOnly } from '../../../common/tabular/date-only.js';
import type { Locale } from '../../../rendering/rendering.types.js';
import type { DunningLetterItem } from '../dunning-letter.entity.js';
import type { DunningLevel } from '../dunning-level.js';

/** The payment events in words, per locale (the share's own label wins when it has one). */
const EVENTS: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    contract_signed: '合同签订',
    before_delivery: '发货前',
    on_delivery: '到货',
    after_acceptance: '验收',
    warranty_end: '质保期满',
    other: '其他',
    total: '合同总额',
  },
  en: {
    contract_signed: 'On signing',
    before_delivery: 'Before delivery',
    on_delivery: 'On delivery',
    after_acceptance: 'After acceptance',
    warranty_end: 'End of warranty',
    other: 'Other',
    total: 'Contract total',
  },
  es: {
    contract_signed: 'A la firma',
    before_delivery: 'Antes de la entrega',
    on_delivery: 'A la entrega',
    after_acceptance: 'Tras la aceptación',
    warranty_end: 'Fin de la garantía',
    other: 'Otro',
    total: 'Total del contrato',
  },
};
const SHARE: Record<Locale, (n: number) => string> = {
  'zh-CN': (n) => `（第${n}期）`,
  en: (n) => ` (instalment ${n})`,
  es: (n) => ` (plazo ${n})`,
};

/** An overdue share in the letter's words: its label or payment event, and its place in the schedule. */
export function itemDescription(
  share: { share: number | null; event: string | null; label: string | null },
  locale: Locale,
): string {
  const words = EVENTS[locale];
  const what = share.label ?? (share.event ? (words[share.event] ?? share.event) : words.total!);
  return share.share === null ? what : `${what}${SHARE[locale](share.share)}`;
}

/** The letter's total: the sum of what its items still owe (decimal, never a float). */
export function letterTotal(items: Pick<DunningLetterItem, 'outstanding'>[]): Amount {
  return sum(items.map((i) => i.outstanding));
}

export interface LetterCompany {
  name: string;
  nameEn: string | null;
  address: string | null;
  phone: string | null;
  taxId: string | null;
  bank: { name: string; account: string } | null;
}

/** What templates/dunning-letter gets (see its sample.json). */
export function letterTemplateData(input: {
  number: string;
  issuedOn: DateOnly;
  level: DunningLevel;
  currency: string;
  company: LetterCompany;
  customer: { name: string; address: string | null; contact: { name: string; email: string | null } | null };
  items: DunningLetterItem[];
  total: Amount;
}): Record<string, unknown> {
  return {
    letterNo: input.number,
    issuedOn: input.issuedOn,
    level: input.level,
    currency: input.currency,
    company: input.company,
    customer: input.customer,
    items: input.items.map((i) => ({
      contractNumber: i.contractNumber,
      description: i.description,
      invoices: i.invoices,
      dueDate: i.dueDate,
      daysOverdue: i.daysOverdue,
      outstanding: i.outstanding,
    })),
    total: input.total,
  };
}
