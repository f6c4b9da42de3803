import { afterAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { png } from '../docx/testing/png.js';
import { checkClerkSettings, clerkCss, LETTERHEAD_LIMITS } from './clerk-settings.js';
import { defaultTemplatesRoot, TemplateEngine } from './template-engine.js';
import { checkDraft } from './template-guardrails.js';
import { LABELS, LOCALES } from './labels.js';

/** Issue #19: the clerks' fields of meta.json (letterhead, theme) and what the engine makes of them. */

/** templates/_partials/letterhead.hbs as it was before the clerks' fields: a built-in must render the same bytes. */
const LETTERHEAD_BEFORE = `{{!-- Letterhead. Context: company { name, nameEn?, address, phone?, taxId? }. --}}
<div class="letterhead">
  <div class="letterhead-name">{{company.name}}</div>
  {{#if company.nameEn}}<div class="letterhead-name-en">{{company.nameEn}}</div>{{/if}}
  <div class="letterhead-contact">
    {{t "party.address"}}{{t "colon"}}{{company.address}}
    {{#if company.phone}}&nbsp;&nbsp; {{t "party.phone"}}{{t "colon"}}{{company.phone}}{{/if}}
    {{#if company.taxId}}&nbsp;&nbsp; {{t "party.taxId"}}{{t "colon"}}{{company.taxId}}{{/if}}
  </div>
</div>
`;

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const tinyPng = () => png(4, 2);
const logo = `data:image/png;base64,${tinyPng().toString('base64')}`;

describe('clerk settings', () => {
  const engine = new TemplateEngine();

  it('a built-in template without the keys renders byte for byte the HTML it rendered before them', () => {
    const root = mkdtempSync(join(tmpdir(), 'tenderdesk-letterhead-'));
    roots.push(root);
    cpSync(defaultTemplatesRoot(), root, { recursive: true });
    writeFileSync(join(root, '_partials', 'letterhead.hbs'), LETTERHEAD_BEFORE);
    const before = new TemplateEngine(root);
    let withLetterhead = 0;
    for (const type of engine.types()) {
      for (const locale of LOCALES) {
        const data = engine.sample(type);
        const now = engine.render(type, data, { locale }).html;
        expect(now).toBe(before.render(type, data, { locale }).html);
        if (now.includes('class="letterhead"')) withLetterhead++;
      }
    }
    expect(withLetterhead).toBeGreaterThanOrEqual(4 * LOCALES.length); // the comparison saw letterheads
  });

  it('renders the logo, colour, alignment, hidden lines, extra lines and accent from meta.json', () => {
    const files = engine.builtInFiles('customer-statement');
    const meta = JSON.parse(files['meta.json']!) as Record<string, unknown>;
    meta.letterhead = {
      logo,
      color: '#1f4e79',
      align: 'center',
      show: { taxId: false },
      lines: { en: ['www.example.com', 'Quality first'], 'zh-CN': ['品质成就未来'] },
    };
    meta.theme = { accent: '#a01010' };
    const source = { files: { ...files, 'meta.json': JSON.stringify(meta) } };
    const data = engine.sample('customer-statement') as { company: { taxId?: string } };
    const html = engine.render('customer-statement', data, { locale: 'en', source }).html;
    expect(html).toContain(`<img src="${logo.replace(/=/g, '&#x3D;')}" alt="">`);
    expect(html).toContain('--td-letterhead-color: #1f4e79;');
    expect(html).toContain('--td-accent: #a01010;');
    expect(html).toContain('<div class="letterhead-name text-center">');
    expect(html).toContain('<div class="letterhead-line text-center">www.example.com</div>');
    expect(html).toContain('<div class="letterhead-line text-center">Quality first</div>');
    expect(html).not.toContain('品质成就未来');
    expect(data.company.taxId).toBeTruthy();
    expect(html).not.toContain(data.company.taxId);
    const zh = engine.render('customer-statement', data, { locale: 'zh-CN', source }).html;
    expect(zh).toContain('品质成就未来');
    expect(zh).not.toContain(data.company.taxId);
    expect(engine.render('customer-statement', data, { locale: 'zh-CN' }).html).toContain(data.company.taxId);
    expect(checkDraft(engine, 'customer-statement', source.files)).toEqual([]);
  });

  it('adds no CSS without the keys', () => {
    expect(clerkCss(undefined, undefined)).toBe('');
    expect(clerkCss(undefined, {})).toBe('');
  });

  it.each([
    [{ letterhead: { color: 'red' } }, 'META_COLOR_INVALID', 'letterhead.color'],
    [{ theme: { accent: '#12345' } }, 'META_COLOR_INVALID', 'theme.accent'],
    [{ theme: { accent: '#123456; } body { display: none' } }, 'META_COLOR_INVALID', 'theme.accent'],
    [
      { letterhead: { logo: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' } },
      'LETTERHEAD_LOGO_INVALID',
      'letterhead.logo',
    ],
    [{ letterhead: { logo: 'https://example.com/logo.png' } }, 'LETTERHEAD_LOGO_INVALID', 'letterhead.logo'],
    [
      { letterhead: { logo: `data:image/jpeg;base64,${tinyPng().toString('base64')}` } },
      'LETTERHEAD_LOGO_INVALID',
      'letterhead.logo',
    ],
    [
      {
        letterhead: {
          logo: `data:image/png;base64,${Buffer.concat([tinyPng(), Buffer.alloc(LETTERHEAD_LIMITS.logoBytes)]).toString('base64')}`,
        },
      },
      'LETTERHEAD_LOGO_TOO_LARGE',
      'letterhead.logo',
    ],
    [{ letterhead: { lines: { en: ['1', '2', '3', '4', '5'] } } }, 'LETTERHEAD_LINES_TOO_MANY', 'letterhead.lines.en'],
    [{ letterhead: { lines: { es: ['x'.repeat(121)] } } }, 'LETTERHEAD_LINE_TOO_LONG', 'letterhead.lines.es[0]'],
    [{ letterhead: { lines: { fr: ['x'] } } }, 'META_UNKNOWN_KEY', 'letterhead.lines.fr'],
    [{ letterhead: { align: 'right' } }, 'META_VALUE_INVALID', 'letterhead.align'],
    [{ letterhead: { show: { phone: 'no' } } }, 'META_VALUE_INVALID', 'letterhead.show.phone'],
    [{ letterhead: { colour: '#000000' } }, 'META_UNKNOWN_KEY', 'letterhead.colour'],
    [{ letterHead: {} }, 'META_UNKNOWN_KEY', 'letterHead'],
  ])('%j is refused with %s at %s', (settings, code, path) => {
    expect(checkClerkSettings(settings as Record<string, unknown>)).toEqual([expect.objectContaining({ code, path })]);
    const files = engine.builtInFiles('quotation');
    const meta = { ...(JSON.parse(files['meta.json']!) as object), ...settings };
    const problems = checkDraft(engine, 'quotation', { ...files, 'meta.json': JSON.stringify(meta, null, 2) });
    expect(problems).toEqual([
      expect.objectContaining({ code, severity: 'error', file: 'meta.json', field: path, line: expect.any(Number) }),
    ]);
    if (code !== 'META_UNKNOWN_KEY') {
      // The engine refuses what the guardrails refuse: nothing unchecked reaches the CSS or the markup.
      expect(() => engine.check('quotation', { ...files, 'meta.json': JSON.stringify(meta) })).toThrow(path);
    }
  });

  it('every built-in meta.json has only keys the settings know', () => {
    for (const type of engine.types()) {
      const meta = JSON.parse(engine.builtInFiles(type)['meta.json'] ?? '{}') as Record<string, unknown>;
      expect([type, checkClerkSettings(meta)]).toEqual([type, []]);
    }
  });
});

describe("a draft's meta.json labels (the clerks' clause texts)", () => {
  const engine = new TemplateEngine();

  it.each(new TemplateEngine().types())('override the text %s prints, in every locale', (type) => {
    const files = engine.builtInFiles(type);
    const meta = JSON.parse(files['meta.json'] ?? '{}') as { labels?: Record<string, Record<string, string>> };
    const data = engine.sample(type);
    for (const locale of LOCALES) {
      const html = engine.render(type, data, { locale }).html;
      const body = html.slice(html.indexOf('<body'));
      // A label of the type's own (else a shared one) whose text the built-in prints.
      const own = Object.entries(meta.labels?.[locale] ?? {});
      const shared = Object.entries(LABELS[locale]);
      const printed = [...own, ...shared]
        .sort((a, b) => b[1].length - a[1].length)
        .find(([, text]) => text.length >= 2 && body.includes(text));
      expect([type, locale, printed !== undefined]).toEqual([type, locale, true]);
      const [key] = printed!;
      const marker = `CLERK-${type}-${locale}`;
      const edited = {
        ...meta,
        labels: { ...meta.labels, [locale]: { ...meta.labels?.[locale], [key]: marker } },
      };
      const source = { files: { ...files, 'meta.json': JSON.stringify(edited) } };
      const out = engine.render(type, data, { locale, source }).html;
      expect([type, locale, key, out.includes(marker)]).toEqual([type, locale, key, true]);
    }
  });
});
