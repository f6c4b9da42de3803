import Handlebars from 'handlebars';
import { toChineseCapital } from '../../common/chinese-numerals.js';
import { Dec, isAmount, round2, type Amount } from '../../common/money.js';
import type { LetterheadData } from './clerk-settings.js';
import type { LabelSet, Locale } from './labels.js';

/**
 * Bump when a helper's output changes: it is part of every template's version, so documents record which
 * formatting they were made with.
 */
export const HELPERS_VERSION = 'helpers-2';

/** What the engine passes to every render as Handlebars data (`@locale`, `@title` in templates). */
export interface RenderData {
  locale: Locale;
  labels: LabelSet;
  title: string;
  type: string;
  /** The clerks' letterhead settings of meta.json (clerk-settings.ts), when it has them. */
  letterhead?: LetterheadData;
}

/** A helper refused its arguments; `line`/`column` are where the template called it. */
export class TemplateHelperError extends Error {
  constructor(
    readonly helper: string,
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${helper}: ${reason}`);
    this.name = 'TemplateHelperError';
  }
}

// Handlebars passes the call site as `options.loc` at run time (its typings leave it out).
type Options = Handlebars.HelperOptions & {
  loc?: { start: { line: number; column: number } };
  data: { locale: Locale; labels: LabelSet };
};

// ---- formatting, exported for unit tests and for code that formats outside templates ----

const SYMBOLS: Record<string, string> = { CNY: '¥', USD: '$', EUR: '€' };

/**
 * zh-CN and en: `¥1,234,567.89`, `$12.00`, `€0.50`, `GBP 1,234.56`; negative `-¥1.00`.
 * es: `1.234.567,89 CNY`, `0,50 €`, `-1,00 USD`: Spanish separators and the unit after the figure, as Spanish
 * readers write it. Only the euro keeps its sign: ¥ means the yen as much as the yuan to a Spanish reader and $ is
 * any dollar, so other currencies print their ISO code. Four-digit amounts are grouped too (`1.234,56`, where the
 * RAE would allow `1234,56`): amounts stand in columns, and a column reads best with one grouping.
 * Works on the decimal string (never a float). Blank for a missing amount, so optional cells (a line's debit or
 * credit) stay empty.
 */
export function formatMoney(amount: unknown, currency: string = 'CNY', locale: Locale = 'zh-CN'): string {
  if (amount === undefined || amount === null || amount === '') return '';
  if (!isAmount(amount))
    throw new Error(`not an amount (a decimal string such as "1234.50"): ${JSON.stringify(amount)}`);
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
  const fixed = round2(amount);
  const sign = fixed.startsWith('-') && /[1-9]/.test(fixed) ? '-' : '';
  const [int, frac] = fixed.replace('-', '').split('.');
  if (locale === 'es') {
    return `${sign}${groupThousands(int, '.')},${frac}\u00a0${currency === 'EUR' ? '€' : currency}`;
  }
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  return `${sign}${symbol}${groupThousands(int, ',')}.${frac}`;
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * A rate or share given in percent as a decimal string or number: zh-CN and en `13%`, `2.5%`; es `13 %`, `2,5 %`
 * (decimal comma, and the space the RAE and ISO 80000 ask for, non-breaking so the sign never wraps alone).
 */
export function formatPercent(value: unknown, locale: Locale): string {
  if (value === undefined || value === null || value === '') return '';
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d+(\.\d+)?$/.test(text))
    throw new Error(`not a percentage (a decimal such as "13" or "2.5"): ${JSON.stringify(value)}`);
  return locale === 'es' ? `${text.replace('.', ',')}\u00a0%` : `${text}%`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_ES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];
export const DATE_FORMATS = ['long', 'short', 'iso', 'datetime'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

// The business runs on China time: an instant (timestamp) is shown as the date and time in Shanghai.
const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

interface DateParts {
  y: number;
  m: number;
  d: number;
  time?: string;
}

function dateParts(value: unknown): DateParts {
  // A calendar date ("2026-11-23") is taken as written: no time zone can move it to another day.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number);
    if (m >= 1 && m <= 12 && d >= 1 && d <= 31) return { y, m, d };
  } else if ((typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) || value instanceof Date) {
    const instant = value instanceof Date ? value : new Date(value);
    if (!Number.isNaN(instant.getTime())) {
      const p = Object.fromEntries(SHANGHAI.formatToParts(instant).map((x) => [x.type, x.value]));
      return { y: Number(p.year), m: Number(p.month), d: Number(p.day), time: `${p.hour}:${p.minute}` };
    }
  }
  throw new Error(`not a date ("YYYY-MM-DD" or an ISO timestamp): ${JSON.stringify(value)}`);
}

/**
 * `long` (running text and headings): zh-CN `2026年11月23日`, en `23 Nov 2026`, es `23 de noviembre de 2026`.
 * `short` (table cells): es `23/11/2026`, the day-first numeric date Spanish readers write; zh-CN and en
 * `2026-11-23`, as their tables always printed. `iso` is `2026-11-23` in every locale. `datetime` adds `14:05`
 * (China time) to `long`, in es to `short` (`23/11/2026 14:05`): timestamps stand in narrow cells (sign-off
 * tables), where `23 de noviembre de 2026 14:05` would not fit.
 */
export function formatDate(value: unknown, locale: Locale, format: DateFormat = 'long'): string {
  if (value === undefined || value === null || value === '') return '';
  const { y, m, d, time } = dateParts(value);
  const dd = String(d).padStart(2, '0');
  const mm = String(m).padStart(2, '0');
  const iso = `${y}-${mm}-${dd}`;
  if (format === 'iso') return iso;
  if (locale === 'es' && (format === 'short' || (format === 'datetime' && time))) {
    const numeric = `${dd}/${mm}/${y}`;
    return format === 'datetime' ? `${numeric} ${time}` : numeric;
  }
  if (format === 'short') return iso;
  const long =
    locale === 'en'
      ? `${d} ${MONTHS_EN[m - 1]} ${y}`
      : locale === 'es'
        ? `${d} de ${MONTHS_ES[m - 1]} de ${y}`
        : `${y}年${m}月${d}日`;
  return format === 'datetime' && time ? `${long} ${time}` : long;
}

export function label(labels: LabelSet, key: string): string {
  const text = labels[key];
  if (text === undefined) throw new Error(`no label "${key}"`);
  return text;
}

/** Decimal sum of amounts or integers: "0.10" + "0.20" is "0.30", never 0.30000000000000004. */
export function addDecimals(values: unknown[]): string {
  let total = new Dec(0);
  for (const v of values) {
    if (!(isAmount(v) || Number.isSafeInteger(v)))
      throw new Error(`not a decimal string or integer: ${JSON.stringify(v)}`);
    total = total.plus(v as string | number);
  }
  return total.toFixed();
}

// ---- registration ----

type Helper = (args: unknown[], options: Options) => unknown;

const HELPERS: Record<string, Helper> = {
  money: ([amount, currency], o) =>
    formatMoney(amount, typeof currency === 'string' ? currency : undefined, o.data.locale),
  pct: ([value], o) => formatPercent(value, o.data.locale),
  capital: ([amount]) => toChineseCapital(amount as Amount),
  date: ([value, format], o) => {
    if (format !== undefined && !(DATE_FORMATS as readonly unknown[]).includes(format)) {
      throw new Error(`unknown date format ${JSON.stringify(format)} (${DATE_FORMATS.join(', ')})`);
    }
    return formatDate(value, o.data.locale, format as DateFormat | undefined);
  },
  t: (parts, o) => {
    if (parts.length === 0 || parts.some((p) => typeof p !== 'string' || p === '')) {
      throw new Error(`needs label key parts as strings, got ${JSON.stringify(parts)}`);
    }
    return label(o.data.labels, parts.join('.'));
  },
  eq: ([a, b]) => a === b,
  add: (values) => addDecimals(values),
  inc: ([n]) => {
    if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${JSON.stringify(n)}`);
    return (n as number) + 1;
  },
  pageBreak: () => new Handlebars.SafeString('<div class="page-break"></div>'),
};

export const HELPER_NAMES = Object.keys(HELPERS);

/** What the template editor completes a helper with: one line on what it does, and a call as a template writes it. */
export interface HelperDoc {
  name: string;
  description: string;
  example: string;
  /** A block helper of Handlebars itself (`{{#each}}`…) rather than one of ours. */
  builtIn?: boolean;
}

/** Every helper a template may call (ours, in HELPERS' order, then Handlebars' own); helpers.spec checks the list. */
export const HELPER_DOCS: readonly HelperDoc[] = [
  {
    name: 'money',
    description:
      "An amount (decimal string) in the document's locale, with the currency sign or code; blank when missing",
    example: '{{money total currency}}',
  },
  { name: 'pct', description: 'A rate or share in percent, in the locale (13%, 13 %)', example: '{{pct taxRate}}' },
  { name: 'capital', description: 'An amount in Chinese capital numerals (大写)', example: '{{capital total}}' },
  {
    name: 'date',
    description: 'A date in the locale: long (default), short (table cells), iso, datetime',
    example: '{{date issuedOn "short"}}',
  },
  {
    name: 't',
    description: "A label of the document's locale (meta.json labels, then the shared ones); parts are joined by dots",
    example: '{{t "statement.intro"}}',
  },
  { name: 'eq', description: 'Whether two values are equal (for #if)', example: '{{#if (eq type "invoice")}}…{{/if}}' },
  {
    name: 'add',
    description: 'The sum of decimal amounts, as a decimal string',
    example: '{{money (add a b) currency}}',
  },
  { name: 'inc', description: 'An integer plus one (a row number from @index)', example: '{{inc @index}}' },
  { name: 'pageBreak', description: 'A page break (in the PDF and the DOCX)', example: '{{pageBreak}}' },
  {
    name: 'if',
    description: 'The block when the value is present (not false, empty, 0 or null)',
    example: '{{#if customer.taxId}}…{{/if}}',
    builtIn: true,
  },
  {
    name: 'unless',
    description: 'The block when the value is absent',
    example: '{{#unless paid}}…{{/unless}}',
    builtIn: true,
  },
  {
    name: 'each',
    description: 'The block for every item of a list (@index, @first, @last)',
    example: '{{#each lines}}{{description}}{{/each}}',
    builtIn: true,
  },
  {
    name: 'with',
    description: 'The block with a field as its context',
    example: '{{#with customer}}{{name}}{{/with}}',
    builtIn: true,
  },
  {
    name: 'lookup',
    description: 'A field by a name held in another value',
    example: '{{lookup aging "over90"}}',
    builtIn: true,
  },
];

/**
 * Registers the helpers on a Handlebars environment. Each gets its positional arguments (Handlebars appends
 * `options` last) and turns any failure into a TemplateHelperError carrying the line of the call.
 */
export function registerHelpers(env: typeof Handlebars): void {
  for (const [name, fn] of Object.entries(HELPERS)) {
    env.registerHelper(name, function (this: unknown, ...all: unknown[]) {
      const options = all.pop() as Options;
      try {
        return fn(all, options);
      } catch (e) {
        const start = options.loc?.start;
        throw new TemplateHelperError(name, (e as Error).message, start?.line, start ? start.column + 1 : undefined);
      }
    });
  }
}
