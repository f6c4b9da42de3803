import { compare, dec, round2, type Amount } from '../../common/money.js';
import { addDays, daysBetween, type DateOnly } from '../../common/tabular/date-only.js';
import type { DeliveryTerms, PaymentShare } from '../quotations/index.js';
import type { ConfigurationItem, ContractLine, ReviewCheck } from './contract.entity.js';

/**
 * The contract review (合同评审): the contract as it stands against the quotation revision it was made from.
 * Every check is listed, passed or not, and a failed one carries both values and the difference (contract minus
 * quotation). Pure: the service loads both sides and stores the result.
 *
 * Lines are paired by what they sell — the same product code (or, for a free-text line, the same name) —
 * preferring the same position; a quotation line with no partner was removed, a contract line with none added
 * (`configuration.added` / `configuration.removed`: the issue's "configuration items added or removed").
 */
export interface ReviewedContract {
  lines: ContractLine[];
  subtotal: Amount;
  total: Amount;
  paymentTerms: PaymentShare[];
  signingDate: DateOnly;
  deliveryDate: DateOnly | null;
  configuration: ConfigurationItem[];
}

export type QuotedLine = Pick<
  ContractLine,
  'line' | 'productCode' | 'name' | 'qty' | 'unit' | 'unitPrice' | 'discount' | 'total'
>;

export interface QuotedTerms {
  number: string;
  revision: number;
  lines: QuotedLine[];
  subtotal: Amount;
  total: Amount;
  paymentTerms: PaymentShare[];
  deliveryTerms: DeliveryTerms | null;
}

export interface LineMatch {
  pairs: { quoted: QuotedLine; contracted: ContractLine }[];
  removed: QuotedLine[];
  added: ContractLine[];
}

/** Item summary as listed in `configuration.added` / `configuration.removed`. */
export interface LineItem {
  line: number;
  productCode: string | null;
  name: string;
  qty: string;
  unit: string;
}

type Pairable = Pick<ContractLine, 'productCode' | 'name'>;

const sameItem = (a: Pairable, b: Pairable): boolean =>
  a.productCode || b.productCode ? a.productCode === b.productCode : a.name.trim() === b.name.trim();

/** Pairs quotation and contract lines: same item at the same position first, then the same item anywhere. */
export function matchLines(quoted: QuotedLine[], contracted: ContractLine[]): LineMatch {
  const partner = new Map<QuotedLine, ContractLine>();
  const taken = new Set<ContractLine>();
  quoted.forEach((q, i) => {
    const c = contracted[i];
    if (c && sameItem(q, c)) {
      partner.set(q, c);
      taken.add(c);
    }
  });
  for (const q of quoted) {
    if (partner.has(q)) continue;
    const c = contracted.find((x) => !taken.has(x) && sameItem(q, x));
    if (c) {
      partner.set(q, c);
      taken.add(c);
    }
  }
  return {
    pairs: quoted.flatMap((q) => {
      const c = partner.get(q);
      return c ? [{ quoted: q, contracted: c }] : [];
    }),
    removed: quoted.filter((q) => !partner.has(q)),
    added: contracted.filter((c) => !taken.has(c)),
  };
}

/** Every check of the review, in a stable order: quotation, lines, added/removed, totals, terms, delivery, configuration. */
export function reviewChecks(contract: ReviewedContract, quotation: QuotedTerms | null): ReviewCheck[] {
  if (!quotation) {
    return [
      {
        check: 'quotation',
        passed: false,
        quotation: null,
        contract: null,
        message: 'No quotation to compare with: the contract was made by hand, a manager must approve it',
      },
      configurationCheck(contract.configuration),
    ];
  }
  const match = matchLines(quotation.lines, contract.lines);
  return [
    {
      check: 'quotation',
      passed: true,
      quotation: { number: quotation.number, revision: quotation.revision },
      contract: null,
      message: `Compared with quotation ${quotation.number} revision ${quotation.revision}`,
    },
    ...match.pairs.flatMap(({ quoted, contracted }) => lineChecks(quoted, contracted)),
    addedCheck(match.added),
    removedCheck(match.removed),
    amountCheck('subtotal', 'subtotal before VAT', quotation.subtotal, contract.subtotal),
    amountCheck('total', 'total incl. VAT', quotation.total, contract.total),
    paymentTermsCheck(quotation.paymentTerms, contract.paymentTerms),
    deliveryCheck(quotation.deliveryTerms, contract.signingDate, contract.deliveryDate),
    configurationCheck(contract.configuration),
  ];
}

// ---- the checks ----

function lineChecks(q: QuotedLine, c: ContractLine): ReviewCheck[] {
  const where = q.line === c.line ? `line ${c.line}` : `line ${c.line} (quotation line ${q.line})`;
  const check = (
    field: string,
    label: string,
    quoted: string,
    contracted: string,
    kind: 'amount' | 'number',
    suffix = '',
  ) => {
    const passed = compare(contracted, quoted) === 0;
    return {
      check: `line.${c.line}.${field}`,
      passed,
      quotation: quoted,
      contract: contracted,
      message: passed
        ? `${where} ${label} ${show(quoted, kind)}${suffix} as quoted`
        : `${where} ${label}: ${show(contracted, kind)}${suffix} in the contract, ${show(quoted, kind)}${suffix} in the quotation (${difference(contracted, quoted, kind)}${suffix})`,
    };
  };
  return [
    check('qty', 'quantity', q.qty, c.qty, 'number', ` ${c.unit}`),
    check('unitPrice', 'unit price', q.unitPrice, c.unitPrice, 'amount'),
    check('discount', 'discount', q.discount, c.discount, 'number', ' %'),
    check('total', 'total incl. VAT', q.total, c.total, 'amount'),
  ];
}

const item = (l: QuotedLine | ContractLine): LineItem => ({
  line: l.line,
  productCode: l.productCode,
  name: l.name,
  qty: l.qty,
  unit: l.unit,
});
const describe = (l: LineItem) =>
  `line ${l.line} ${l.productCode ? `${l.productCode} ` : ''}${l.name} × ${dec(l.qty).toFixed()} ${l.unit}`;

function addedCheck(added: ContractLine[]): ReviewCheck {
  const items = added.map(item);
  return {
    check: 'configuration.added',
    passed: items.length === 0,
    quotation: null,
    contract: items,
    message: items.length
      ? `Not in the quotation: ${items.map(describe).join('; ')}`
      : 'No line added to what was quoted',
  };
}

function removedCheck(removed: QuotedLine[]): ReviewCheck {
  const items = removed.map(item);
  return {
    check: 'configuration.removed',
    passed: items.length === 0,
    quotation: items,
    contract: null,
    message: items.length
      ? `Quoted but not in the contract: ${items.map((l) => `quotation ${describe(l)}`).join('; ')}`
      : 'No quoted line left out',
  };
}

function amountCheck(check: string, label: string, quoted: Amount, contracted: Amount): ReviewCheck {
  const passed = compare(contracted, quoted) === 0;
  return {
    check,
    passed,
    quotation: quoted,
    contract: contracted,
    message: passed
      ? `${label} ${show(quoted, 'amount')} as quoted`
      : `${label}: ${show(contracted, 'amount')} in the contract, ${show(quoted, 'amount')} in the quotation (${difference(contracted, quoted, 'amount')})`,
  };
}

/** Same shares, events and days (labels are wording); the order of the schedule does not matter. */
function paymentTermsCheck(quoted: PaymentShare[], contracted: PaymentShare[]): ReviewCheck {
  const key = (s: PaymentShare) => `${dec(s.percent).toFixed()}|${s.event}|${s.days ?? ''}`;
  const norm = (list: PaymentShare[]) => list.map(key).sort().join(',');
  const passed = norm(quoted) === norm(contracted);
  return {
    check: 'paymentTerms',
    passed,
    quotation: quoted,
    contract: contracted,
    message: passed
      ? `Payment terms as quoted: ${schedule(contracted)}`
      : `Payment terms: ${schedule(contracted)} in the contract, ${schedule(quoted)} in the quotation`,
  };
}

const schedule = (shares: PaymentShare[]) =>
  shares.map((s) => `${dec(s.percent).toFixed()} % ${s.event}${s.days !== null ? ` +${s.days} days` : ''}`).join(' / ');

/**
 * The delivery date may not be earlier than the quotation promised: not before its date, and not before the
 * signing date plus its days after the advance (the advance cannot come before the signing).
 */
function deliveryCheck(terms: DeliveryTerms | null, signingDate: DateOnly, deliveryDate: DateOnly | null): ReviewCheck {
  const base = { check: 'deliveryDate', quotation: terms, contract: deliveryDate };
  if (!terms || (terms.date === null && terms.daysAfterAdvance === null)) {
    return { ...base, passed: true, message: 'The quotation states no delivery date or time: nothing to compare' };
  }
  const problems: string[] = [];
  const notes: string[] = [];
  if (terms.date !== null) {
    if (deliveryDate === null) {
      problems.push(`the quotation promises delivery on ${terms.date}, the contract has no delivery date`);
    } else if (deliveryDate < terms.date) {
      problems.push(
        `delivery on ${deliveryDate} in the contract, ${terms.date} in the quotation (${daysBetween(terms.date, deliveryDate)} days)`,
      );
    } else {
      notes.push(`delivery on ${deliveryDate}, not before the quoted ${terms.date}`);
    }
  }
  if (terms.daysAfterAdvance !== null) {
    const earliest = addDays(signingDate, terms.daysAfterAdvance);
    if (deliveryDate === null) {
      notes.push(`delivery ${terms.daysAfterAdvance} days after the advance payment, as quoted`);
    } else if (deliveryDate < earliest) {
      problems.push(
        `delivery on ${deliveryDate} in the contract, but the quotation needs ${terms.daysAfterAdvance} days after the advance: not before ${earliest} (signing ${signingDate}; ${daysBetween(earliest, deliveryDate)} days)`,
      );
    } else {
      notes.push(`delivery on ${deliveryDate}, not before signing + ${terms.daysAfterAdvance} days (${earliest})`);
    }
  }
  return problems.length
    ? { ...base, passed: false, message: `Delivery date: ${problems.join('; ')}` }
    : { ...base, passed: true, message: `Delivery date: ${notes.join('; ')}` };
}

/** The configuration (配置) has no counterpart in the quotation: listed for the reviewers, never failing. */
function configurationCheck(items: ConfigurationItem[]): ReviewCheck {
  return {
    check: 'configuration',
    passed: true,
    quotation: null,
    contract: items,
    message: items.length
      ? `${items.length} configuration item(s) for engineering to confirm (not in the quotation; for information)`
      : 'No configuration items',
  };
}

// ---- formatting ----

function show(value: string, kind: 'amount' | 'number'): string {
  return kind === 'amount' ? round2(value) : dec(value).toFixed();
}

/** contract − quotation, signed: "-300.00", "+1". */
function difference(contracted: string, quoted: string, kind: 'amount' | 'number'): string {
  const d = dec(contracted).minus(quoted);
  const text = show(d.toFixed(), kind);
  return d.greaterThan(0) ? `+${text}` : text;
}
