import { describe, expect, it } from '@jest/globals';
import { toChineseCapital } from '../../common/chinese-numerals.js';
import { lineAmounts, totals } from '../../modules/quotations/quotation-amounts.js';
import {
  TENDER_SECTION_TITLES,
  type TenderPackageModel,
  type TenderTocModel,
} from '../../modules/tenders/tender-package.model.js';
import { DEVIATION_KINDS, TENDER_SECTIONS } from '../../modules/tenders/tender.entity.js';
import type { RenderedSection } from '../../modules/tenders/package/tender-package.builder.js';
import { TemplateEngine } from './template-engine.js';

// The samples are the templates' previews and the e2e tests' documents: a bid whose lines, totals or capital
// numerals do not agree would teach the wrong thing, and a sample that leaves a section out tests nothing of it.
describe('tender-package sample.json', () => {
  const engine = new TemplateEngine();
  const s = engine.sample('tender-package') as TenderPackageModel;

  it('prices every line by the quotation rule (half-up per line) and adds them up to the totals', () => {
    expect(s.quotation.lines.length).toBeGreaterThanOrEqual(3);
    for (const line of s.quotation.lines) {
      expect({ line: line.line, ...lineAmounts(line) }).toEqual({
        line: line.line,
        net: line.net,
        tax: line.tax,
        total: line.total,
      });
    }
    expect(totals(s.quotation.lines)).toEqual({
      subtotal: s.quotation.subtotal,
      taxTotal: s.quotation.taxTotal,
      total: s.quotation.total,
    });
  });

  it('writes the total in capital numerals exactly as toChineseCapital does', () => {
    expect(s.quotation.totalInWords).toBe(toChineseCapital(s.quotation.total));
  });

  it('lists every section but the table of contents, with the titles of TENDER_SECTION_TITLES', () => {
    expect(s.sections).toEqual(TENDER_SECTIONS.filter((k) => k !== 'toc'));
    expect(s.titles).toEqual(TENDER_SECTION_TITLES['zh-CN']);
  });

  it('fills every list a section shows', () => {
    expect(s.deviations.map((d) => d.deviation).sort()).toEqual([...DEVIATION_KINDS].sort());
    expect(s.qualifications).toHaveLength(5);
    expect(s.performance).toHaveLength(3);
    expect(s.credit).toHaveLength(1);
  });

  it.each(['zh-CN', 'en'] as const)(
    'renders in %s with each section title as the first heading of its page',
    (locale) => {
      const data = { ...s, titles: TENDER_SECTION_TITLES[locale] };
      const { html } = engine.render('tender-package', data, { locale });
      const parts = html.split('<div class="page-break"></div>');
      expect(parts).toHaveLength(s.sections.length);
      s.sections.forEach((section, i) => {
        const firstHeading = /<h[1-4][^>]*>([^<]*)<\/h[1-4]>/.exec(parts[i])?.[1];
        expect([section, firstHeading]).toEqual([section, TENDER_SECTION_TITLES[locale][section as RenderedSection]]);
      });
      expect(html).toContain(s.quotation.totalInWords);
      expect(html).toContain('¥1,233,210.37');
    },
  );
});

describe('tender-package parts of a long table', () => {
  const engine = new TemplateEngine();
  const s = engine.sample('tender-package') as TenderPackageModel;
  const render = (section: TenderPackageModel['sections'][number], part?: { continued: boolean; more: boolean }) =>
    engine.render('tender-package', { ...s, sections: [section], part }, { locale: 'zh-CN' }).html;
  const signature = 'class="signature-block part-sign"';
  const capital = s.quotation.totalInWords;

  it('prints the title and the text before the table in the first part only, the totals and the signature in the last only', () => {
    const whole = render('itemised_quotation');
    const first = render('itemised_quotation', { continued: false, more: true });
    const middle = render('itemised_quotation', { continued: true, more: true });
    const last = render('itemised_quotation', { continued: true, more: false });
    const title = `>${s.titles.itemised_quotation}</h1>`;
    expect([whole, first, middle, last].map((h) => h.includes(title))).toEqual([true, true, false, false]);
    expect([whole, first, middle, last].map((h) => h.includes(capital))).toEqual([true, false, false, true]);
    expect([whole, first, middle, last].map((h) => h.includes('class="subtotal"'))).toEqual([true, false, false, true]);
    expect([whole, first, middle, last].map((h) => h.includes(signature))).toEqual([true, false, false, true]);
    // The header row in every part: Chromium repeats a <thead> on each page, and each part starts a page.
    for (const h of [whole, first, middle, last]) expect(h).toMatch(/<table class="items">[\s\S]*<thead>/);
  });

  it.each(['deviation_table', 'qualifications', 'performance', 'credit'] as const)(
    'splits %s the same way',
    (section) => {
      const [first, middle, last] = [
        { continued: false, more: true },
        { continued: true, more: true },
        { continued: true, more: false },
      ].map((part) => render(section, part));
      const title = `>${s.titles[section]}</h1>`;
      expect([first, middle, last].map((h) => h.includes(title))).toEqual([true, false, false]);
      expect([first, middle, last].map((h) => h.includes(signature))).toEqual([false, false, true]);
      for (const h of [first, middle, last]) expect(h).toMatch(/<table class="grid[^"]*">[\s\S]*<thead>/);
    },
  );
});

describe('tender-toc sample.json', () => {
  const engine = new TemplateEngine();
  const s = engine.sample('tender-toc') as TenderTocModel;

  it.each(['zh-CN', 'en'] as const)(
    'opens with the heading the assembler bookmarks (%s) and lists every entry',
    (locale) => {
      const { html } = engine.render('tender-toc', s, { locale });
      expect(/<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1]).toBe(TENDER_SECTION_TITLES[locale].toc);
      expect(s.entries).toHaveLength(10);
      for (const e of s.entries) expect(html).toContain(`<span class="toc-text">${e.title}</span>`);
    },
  );
});
