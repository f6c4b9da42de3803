import { describe, expect, it } from '@jest/globals';
import Handlebars from 'handlebars';
import {
  addDecimals,
  formatDate,
  formatMoney,
  formatPercent,
  HELPER_DOCS,
  HELPER_NAMES,
  registerHelpers,
  TemplateHelperError,
} from './helpers.js';
import { LABELS, type Locale } from './labels.js';

/** Renders a one-off template with the helpers, as the engine does (locale and labels as @data). */
function render(source: string, context: unknown = {}, locale: Locale = 'zh-CN'): string {
  const env = Handlebars.create();
  registerHelpers(env);
  const knownHelpers = Object.fromEntries(HELPER_NAMES.map((n) => [n, true]));
  return env.compile(source, { knownHelpers, knownHelpersOnly: true })(context, {
    data: { locale, labels: LABELS[locale] },
  });
}

describe('formatMoney', () => {
  it.each([
    ['1234567.89', 'CNY', '¥1,234,567.89'],
    ['1234567.89', undefined, '¥1,234,567.89'], // CNY by default
    ['0', 'CNY', '¥0.00'],
    ['0.5', 'CNY', '¥0.50'],
    ['999', 'CNY', '¥999.00'],
    ['1000', 'CNY', '¥1,000.00'],
    ['9999999999999999.99', 'CNY', '¥9,999,999,999,999,999.99'], // beyond a double's precision
    ['-1.00', 'CNY', '-¥1.00'],
    ['-0.00', 'CNY', '¥0.00'],
    ['12.00', 'USD', '$12.00'],
    ['-1234.5', 'USD', '-$1,234.50'],
    ['0.50', 'EUR', '€0.50'],
    ['1234.56', 'GBP', 'GBP 1,234.56'],
    ['-7', 'JPY', '-JPY 7.00'],
  ])('formats %s %s as %s', (amount, currency, expected) => {
    expect(formatMoney(amount, currency)).toBe(expected);
  });

  it.each([
    ['1234567.89', 'CNY', '1.234.567,89\u00a0CNY'],
    ['1234.5', 'CNY', '1.234,50\u00a0CNY'], // four digits are grouped too: amounts stand in columns
    ['999', 'CNY', '999,00\u00a0CNY'],
    ['0.5', 'EUR', '0,50\u00a0€'],
    ['-1234.56', 'USD', '-1.234,56\u00a0USD'], // $ is any dollar to a Spanish reader
    ['-0.00', 'CNY', '0,00\u00a0CNY'],
    ['9999999999999999.99', 'CNY', '9.999.999.999.999.999,99\u00a0CNY'],
  ])('formats %s %s in es as %s', (amount, currency, expected) => {
    expect(formatMoney(amount, currency, 'es')).toBe(expected);
  });

  it('leaves a missing amount blank (an empty debit or credit cell)', () => {
    expect(formatMoney(undefined)).toBe('');
    expect(formatMoney(null)).toBe('');
    expect(formatMoney('')).toBe('');
  });

  it('refuses floats, non-decimals and bad currency codes', () => {
    expect(() => formatMoney(1234.5)).toThrow(/not an amount/);
    expect(() => formatMoney('1.005')).toThrow(/not an amount/);
    expect(() => formatMoney('abc')).toThrow(/not an amount/);
    expect(() => formatMoney('1.00', 'yuan')).toThrow(/ISO 4217/);
  });
});

describe('formatDate', () => {
  it('writes zh-CN and en dates', () => {
    expect(formatDate('2026-11-23', 'zh-CN')).toBe('2026年11月23日');
    expect(formatDate('2026-01-05', 'zh-CN')).toBe('2026年1月5日');
    expect(formatDate('2026-11-23', 'en')).toBe('23 Nov 2026');
    expect(formatDate('2026-01-05', 'en', 'iso')).toBe('2026-01-05');
  });

  it('writes es dates: long in running text, day first in table cells', () => {
    expect(formatDate('2026-12-07', 'es')).toBe('7 de diciembre de 2026');
    expect(formatDate('2026-09-01', 'es')).toBe('1 de septiembre de 2026');
    expect(formatDate('2026-12-07', 'es', 'short')).toBe('07/12/2026');
    expect(formatDate('2026-12-07', 'es', 'iso')).toBe('2026-12-07');
    expect(formatDate('2026-11-23T20:30:00Z', 'es', 'datetime')).toBe('24/11/2026 04:30');
    // zh-CN and en table cells keep the ISO date they always printed
    expect(formatDate('2026-12-07', 'zh-CN', 'short')).toBe('2026-12-07');
    expect(formatDate('2026-12-07', 'en', 'short')).toBe('2026-12-07');
  });

  it('shows an instant in China time', () => {
    // 20:30 UTC on the 23rd is 04:30 on the 24th in Shanghai.
    expect(formatDate('2026-11-23T20:30:00Z', 'zh-CN', 'datetime')).toBe('2026年11月24日 04:30');
    expect(formatDate(new Date('2026-11-23T20:30:00Z'), 'en')).toBe('24 Nov 2026');
    expect(formatDate('2026-11-23', 'en', 'datetime')).toBe('23 Nov 2026'); // a calendar date has no time
  });

  it('leaves a missing date blank and refuses what is not a date', () => {
    expect(formatDate(undefined, 'zh-CN')).toBe('');
    expect(() => formatDate('23/11/2026', 'zh-CN')).toThrow(/not a date/);
    expect(() => formatDate('2026-13-01', 'zh-CN')).toThrow(/not a date/);
    expect(() => formatDate('2026-11-23Tnonsense', 'zh-CN')).toThrow(/not a date/);
  });
});

describe('formatPercent', () => {
  it('writes 13% in zh-CN and en, 13 % with a decimal comma in es', () => {
    expect(formatPercent('13', 'zh-CN')).toBe('13%');
    expect(formatPercent('2.5', 'en')).toBe('2.5%');
    expect(formatPercent('13', 'es')).toBe('13\u00a0%');
    expect(formatPercent('2.5', 'es')).toBe('2,5\u00a0%');
    expect(formatPercent(undefined, 'es')).toBe('');
  });
  it('refuses what is not a decimal', () => {
    expect(() => formatPercent('13%', 'es')).toThrow(/not a percentage/);
    expect(() => formatPercent('1e3', 'zh-CN')).toThrow(/not a percentage/);
  });
});

describe('addDecimals', () => {
  it('adds without float error', () => {
    expect(addDecimals(['0.10', '0.20'])).toBe('0.3');
    expect(addDecimals(['9999999999999999.99', '0.01'])).toBe('10000000000000000');
    expect(addDecimals(['1.50', -2, '0.50'])).toBe('0');
  });
  it('refuses floats', () => {
    expect(() => addDecimals(['1.00', 0.1])).toThrow(/not a decimal/);
  });
});

describe('helpers in a template', () => {
  it('formats money, capitals, dates and labels', () => {
    const out = render('{{money a}} {{money a "USD"}} {{capital a}} {{date d}} {{t "lineType" kind}}', {
      a: '1005.00',
      d: '2026-11-23',
      kind: 'payment',
    });
    expect(out).toBe('¥1,005.00 $1,005.00 壹仟零伍元整 2026年11月23日 收款');
  });

  it('follows the locale', () => {
    expect(render('{{date d}} {{t "lineType" "invoice"}}', { d: '2026-11-23' }, 'en')).toBe('23 Nov 2026 Invoice');
    expect(
      render(
        '{{date d}} {{t "lineType" "invoice"}} {{money a}} {{pct r}}',
        { d: '2026-11-23', a: '1005', r: '13' },
        'es',
      ),
    ).toBe('23 de noviembre de 2026 Factura 1.005,00\u00a0CNY 13\u00a0%');
  });

  it('compares, adds and counts', () => {
    const out = render(
      '{{#each xs}}{{inc @index}}:{{#if (eq this "b")}}B{{else}}{{this}}{{/if}} {{/each}}{{money (add x y z)}}',
      {
        xs: ['a', 'b'],
        x: '0.10',
        y: '0.20',
        z: '1000',
      },
    );
    expect(out).toBe('1:a 2:B ¥1,000.30');
  });

  it('emits the page-break element unescaped', () => {
    expect(render('a{{pageBreak}}b')).toBe('a<div class="page-break"></div>b');
  });

  it('escapes data', () => {
    expect(render('{{x}}', { x: '<script>alert(1)</script>' })).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('reports a refused argument with the line and column of the call', () => {
    let error: unknown;
    try {
      render('line one\nline two {{money amount}}', { amount: 12.5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateHelperError);
    expect(error).toMatchObject({ helper: 'money', line: 2, column: 10 });
    expect(() => render('{{t "no.such.label"}}')).toThrow(/no label "no.such.label"/);
    expect(() => render('{{date d "medium"}}', { d: '2026-01-01' })).toThrow(/unknown date format/);
  });
});

describe('HELPER_DOCS', () => {
  it('describes every helper the engine registers, once', () => {
    const ours = HELPER_DOCS.filter((d) => !d.builtIn).map((d) => d.name);
    expect(ours).toEqual(HELPER_NAMES);
    expect(new Set(HELPER_DOCS.map((d) => d.name)).size).toBe(HELPER_DOCS.length);
    for (const d of HELPER_DOCS) expect(d.example).toContain(d.name);
  });
});
