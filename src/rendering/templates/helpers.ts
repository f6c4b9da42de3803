import Handlebars from 'handlebars';
import { toChineseCapital } from '../../common/chinese-numerals.js';
import { Dec, isAmount, round2, type Amount } from '../../common/money.js';
import type { LabelSet, Locale } from './labels.js';

/**
 * Bump when a helper's output changes: it is part of every template's version, so documents record which
 * formatting they were made with.
 */
export const HELPERS_VERSION = 'helpers-1';

/** What the engine passes to every render as Handlebars data (`@locale`, `@title` in templates). */
export interface RenderData {
  locale: Locale;
  labels: LabelSet;
  title: string;
  type: string;
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
 * `¥1,234,567.89`, `$12.00`, `€0.50`, `GBP 1,234.56`; negative `-¥1.00`. Works on the decimal string
 * (never a float). Blank for a missing amount, so optional cells (a line's debit or credit) stay empty.
 */
export function formatMoney(amount: unknown, currency: string = 'CNY'): string {
  if (amount === undefined || amount === null || amount === '') return '';
  if (!isAmount(amount))
    throw new Error(`not an amount (a decimal string such as "1234.50"): ${JSON.stringify(amount)}`);
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
  const fixed = round2(amount);
  const negative = fixed.startsWith('-') && /[1-9]/.test(fixed);
  const [int, frac] = fixed.replace('-', '').split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  return `${negative ? '-' : ''}${symbol}${grouped}.${frac}`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const DATE_FORMATS = ['long', 'iso', 'datetime'] as const;
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

/** zh-CN `2026年11月23日`, en `23 Nov 2026`; `iso` gives `2026-11-23`; `datetime` adds `14:05` (China time). */
export function formatDate(value: unknown, locale: Locale, format: DateFormat = 'long'): string {
  if (value === undefined || value === null || value === '') return '';
  const { y, m, d, time } = dateParts(value);
  if (format === 'iso') return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const long = locale === 'en' ? `${d} ${MONTHS_EN[m - 1]} ${y}` : `${y}年${m}月${d}日`;
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
  money: ([amount, currency]) => formatMoney(amount, typeof currency === 'string' ? currency : undefined),
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
