import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppException } from '../../common/errors/app-exception.js';
import { visibleText } from '../docx/visible-text.js';
import { defaultTemplatesRoot, TemplateEngine } from './template-engine.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const DEFAULT_PARTIALS = {
  '_partials/header.hbs': '<div style="font-family:\'Tenderdesk Sans\'">{{company}} {{@title}}</div>',
  '_partials/footer.hbs':
    '<div>{{#if (eq @locale "en")}}Page <span class="pageNumber"></span>{{else}}第 <span class="pageNumber"></span> 页{{/if}}</div>',
  '_partials/base.css': 'body { font-family: "Tenderdesk Sans"; }',
  '_partials/greeting.hbs': '<p>{{t "party.customer"}}{{t "colon"}}{{name}}</p>',
  '_partials/amount.hbs': '{{!-- line 1 --}}\n<p>{{money value}}</p>',
};

/** A templates root in a temp dir: the default partials plus `files` (paths relative to the root). */
function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tenderdesk-templates-'));
  roots.push(root);
  for (const [path, content] of Object.entries({ ...DEFAULT_PARTIALS, ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function failure(fn: () => unknown): AppException {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppException) return e;
    throw e;
  }
  throw new Error('expected an AppException');
}

describe('TemplateEngine', () => {
  const letter = {
    'letter/template.hbs': '<h1>{{@title}}</h1>\n{{> greeting name=customer.name}}\n<p>{{note}}</p>\n',
    'letter/styles.css': 'h1 { color: #123456; }',
    'letter/sample.json': '{"company": "恒远", "customer": {"name": "鲁北化工"}, "note": "a < b"}',
    'letter/meta.json': '{"title": {"zh-CN": "函", "en": "Letter"}, "required": ["customer.name"]}',
  };

  it('renders a complete HTML document with the CSS inlined and the data escaped', () => {
    const engine = new TemplateEngine(fixture(letter));
    const r = engine.render('letter', engine.sample('letter'));
    expect(r.html.startsWith('<!doctype html>\n<html lang="zh-CN">')).toBe(true);
    expect(r.html).toContain('<meta charset="utf-8">');
    expect(r.html).toContain('<title>函</title>');
    expect(r.html).toMatch(
      /<style>\nbody \{ font-family: "Tenderdesk Sans"; \}\n.*h1 \{ color: #123456; \}\n<\/style>/s,
    );
    expect(r.html).toContain('<h1>函</h1>');
    expect(r.html).toContain('<p>客户名称：鲁北化工</p>');
    expect(r.html).toContain('<p>a &lt; b</p>');
    expect(r.headerHtml).toBe('<div style="font-family:\'Tenderdesk Sans\'">恒远 函</div>');
    expect(r.headerText).toBe('恒远 函');
    expect(r.footerHtml).toBe('<div>第 <span class="pageNumber"></span> 页</div>');
    expect(r).toMatchObject({ type: 'letter', title: '函', locale: 'zh-CN' });
  });

  it('renders English labels and title with locale en', () => {
    const engine = new TemplateEngine(fixture(letter));
    const r = engine.render('letter', engine.sample('letter'), { locale: 'en' });
    expect(r.html).toContain('<html lang="en">');
    expect(r.html).toContain('<h1>Letter</h1>');
    expect(r.html).toContain('<p>Customer: 鲁北化工</p>');
    expect(r.footerHtml).toContain('Page <span class="pageNumber"></span>');
  });

  it('versions a template by its files, the partials and the helpers', () => {
    const a = new TemplateEngine(fixture(letter)).version('letter');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(new TemplateEngine(fixture(letter)).version('letter')).toBe(a);
    expect(
      new TemplateEngine(fixture({ ...letter, 'letter/styles.css': 'h1 { color: red; }' })).version('letter'),
    ).not.toBe(a);
    expect(
      new TemplateEngine(fixture({ ...letter, '_partials/greeting.hbs': '<p>{{name}}</p>' })).version('letter'),
    ).not.toBe(a);
  });

  it('lists the document types and reads their samples', () => {
    const engine = new TemplateEngine(
      fixture({ ...letter, 'letter/sample-long.json': '{"n": 2}', 'notes/readme.txt': 'no template' }),
    );
    expect(engine.types()).toEqual(['letter']);
    expect(engine.sample('letter', 'sample-long')).toEqual({ n: 2 });
    expect(failure(() => engine.sample('letter', 'sample-none')).code).toBe('TEMPLATE_NOT_FOUND');
  });

  it('answers 404 TEMPLATE_NOT_FOUND for an unknown type, including path tricks', () => {
    const engine = new TemplateEngine(fixture(letter));
    for (const type of ['nope', '../letter', '_partials', 'letter/../letter']) {
      const e = failure(() => engine.render(type, {}));
      expect(e.status).toBe(404);
      expect(e.code).toBe('TEMPLATE_NOT_FOUND');
    }
  });

  it('refuses an unsupported locale', () => {
    const engine = new TemplateEngine(fixture(letter));
    expect(failure(() => engine.render('letter', engine.sample('letter'), { locale: 'fr' as 'en' })).code).toBe(
      'UNSUPPORTED_LOCALE',
    );
  });

  it('puts a landscape page rule in when meta.json asks for it', () => {
    const engine = new TemplateEngine(fixture({ ...letter, 'letter/meta.json': '{"orientation": "landscape"}' }));
    expect(engine.render('letter', engine.sample('letter')).html).toContain('@page { size: A4 landscape; }');
  });

  it('sets the text in the serif face and the headings in the sans face when meta.json says "font": "serif"', () => {
    const serif = new TemplateEngine(fixture({ ...letter, 'letter/meta.json': '{"font": "serif"}' }));
    const html = serif.render('letter', serif.sample('letter')).html;
    // After base.css (which it overrides), before the type's styles.css (which may override it).
    expect(html).toMatch(
      /body \{ font-family: "Tenderdesk Sans"; \}\nbody \{ font-family: 'Tenderdesk Serif'; \}\nh1, h2, h3, h4 \{ font-family: 'Tenderdesk Sans'; \}\nh1 \{ color/,
    );
    for (const meta of ['{}', '{"font": "sans"}']) {
      const sans = new TemplateEngine(fixture({ ...letter, 'letter/meta.json': meta }));
      expect(sans.render('letter', sans.sample('letter')).html).not.toContain('Tenderdesk Serif');
    }
    const bad = new TemplateEngine(fixture({ ...letter, 'letter/meta.json': '{"font": "songti"}' }));
    const e = failure(() => bad.render('letter', bad.sample('letter')));
    expect(e.code).toBe('TEMPLATE_ERROR');
    expect(e.details).toMatchObject({ file: 'meta.json', reason: '"font" must be "sans" or "serif"' });
  });

  describe('template errors: 422 TEMPLATE_ERROR with the template, file and line', () => {
    const broken = (source: string) => new TemplateEngine(fixture({ 'bad/template.hbs': source }));

    it('a syntax error', () => {
      const e = failure(() =>
        broken('<p>one</p>\n<p>two</p>\n{{#if x}}<p>three</p>{{/each}}\n').render('bad', { x: 1 }),
      );
      expect(e.status).toBe(422);
      expect(e.code).toBe('TEMPLATE_ERROR');
      expect(e.details).toMatchObject({ template: 'bad', file: 'template.hbs', line: 3 });
      expect(e.message).toContain('Template bad (template.hbs line 3)');
    });

    it('an unclosed mustache', () => {
      const e = failure(() => broken('<p>one</p>\n<p>{{name</p>\n').render('bad', {}));
      expect(e.details).toMatchObject({ template: 'bad', file: 'template.hbs', line: 2 });
    });

    it('an unknown helper, at compile time', () => {
      const e = failure(() => broken('<p>a</p>\n\n  <p>{{shout name}}</p>\n').render('bad', { name: 'x' }));
      expect(e.details).toMatchObject({ template: 'bad', file: 'template.hbs', line: 3, column: 6 });
      expect(String(e.details?.reason)).toContain('unknown helper shout');
    });

    it('a missing required field, pointing at its first use', () => {
      const engine = new TemplateEngine(
        fixture({
          'stmt/template.hbs': '<h1>Statement</h1>\n<p>{{customer.taxId}}</p>\n<p>{{customer.name}}</p>\n',
          'stmt/meta.json': '{\n  "required": [\n    "customer.name",\n    "period.from"\n  ]\n}\n',
        }),
      );
      const e = failure(() => engine.render('stmt', { customer: { taxId: '9132' } }));
      expect(e.status).toBe(422);
      expect(e.details).toMatchObject({
        template: 'stmt',
        file: 'template.hbs',
        line: 3,
        column: 6,
        field: 'customer.name',
      });
      // Not used in the template: the line that declares it in meta.json.
      const e2 = failure(() => engine.render('stmt', { customer: { name: 'x' }, period: { from: '' } }));
      expect(e2.details).toMatchObject({ file: 'meta.json', line: 4, field: 'period.from' });
      expect(engine.render('stmt', { customer: { name: 'x' }, period: { from: '2026-01-01' } }).html).toContain(
        '<p>x</p>',
      );
    });

    it('an unknown partial', () => {
      const e = failure(() => broken('<p>a</p>\n{{> letterhed}}\n').render('bad', {}));
      expect(e.details).toMatchObject({ file: 'template.hbs', line: 2 });
      expect(String(e.details?.reason)).toContain('unknown partial "letterhed"');
    });

    it('unescaped output of data', () => {
      const e = failure(() => broken('<p>a</p>\n<p>{{{remarks}}}</p>\n').render('bad', { remarks: '<b>x</b>' }));
      expect(e.details).toMatchObject({ line: 2 });
      expect(String(e.details?.reason)).toContain('unescaped output');
    });

    it('a <script> element, in the source or assembled at render time', () => {
      const e = failure(() => broken('<p>a</p>\n<p>b</p>\n<p>c</p>\n<SCRIPT>alert(1)</SCRIPT>\n').render('bad', {}));
      expect(e.details).toMatchObject({ line: 4 });
      expect(String(e.details?.reason)).toContain('<script>');
      const e2 = failure(() => broken('<p>a</p><scr{{x}}ipt>alert(1)</script>').render('bad', { x: '' }));
      expect(e2.code).toBe('TEMPLATE_ERROR');
      expect(String(e2.details?.reason)).toContain('<script>');
    });

    it('a blank document', () => {
      const e = failure(() =>
        broken('{{#if show}}<p>{{text}}</p>{{/if}}\n<div class="page-break"></div>\n').render('bad', {}),
      );
      expect(String(e.details?.reason)).toContain('no text');
    });

    it('a helper refusing its argument inside a partial names the partial and the type being rendered', () => {
      const engine = new TemplateEngine(
        fixture({
          'one/template.hbs': '<h1>One</h1>\n{{> amount value=total}}',
          'two/template.hbs': '<h1>Two</h1>\n\n{{> amount value=total}}',
        }),
      );
      expect(engine.render('one', { total: '1.50' }).html).toContain('<p>¥1.50</p>');
      const e = failure(() => engine.render('two', { total: 1.5 }));
      expect(e.details).toMatchObject({ template: 'two', file: '_partials/amount.hbs', line: 2, column: 4 });
      expect(String(e.details?.reason)).toContain('not an amount');
    });

    it('data that is not an object', () => {
      const engine = new TemplateEngine(fixture(letter));
      expect(failure(() => engine.render('letter', [1, 2])).code).toBe('TEMPLATE_ERROR');
    });

    it('a broken meta.json', () => {
      const e = failure(() =>
        new TemplateEngine(fixture({ ...letter, 'letter/meta.json': '{"required": "customer.name"}' })).render(
          'letter',
          {},
        ),
      );
      expect(e.details).toMatchObject({ file: 'meta.json' });
    });
  });
});

describe('the templates shipped in templates/', () => {
  const engine = new TemplateEngine();

  it('share partials other types use: the sign-off table and the signature block', () => {
    // A type of our own over the real partials, as the contact sheet will use them.
    const real = join(defaultTemplatesRoot(), '_partials');
    const partials = Object.fromEntries(
      readdirSync(real).map((f) => [`_partials/${f}`, readFileSync(join(real, f), 'utf8')]),
    );
    const root = fixture({
      ...partials,
      'sheet/template.hbs':
        '{{> letterhead company=company}}\n{{> sign-off-table rows=signOffs}}\n{{> signature-block role="审批" party=company.name seal="company"}}',
      'sheet/header.hbs': '<div style="font-family:\'Tenderdesk Sans\'">own header {{@title}}</div>',
    });
    const data = {
      company: { name: '恒远', address: '苏州' },
      signOffs: [
        { department: '财务部', name: '李娜', time: '2026-11-23T06:05:00Z', comment: '预付款已到' },
        { department: '生产调度', name: '', comment: '' },
      ],
    };
    const r = new TemplateEngine(root).render('sheet', data);
    const text = visibleText(r.html);
    expect(text).toContain('部门 姓名 时间 意见 签字\n财务部 李娜 2026年11月23日 14:05 预付款已到\n生产调度');
    expect(text).toContain('恒远\n地址：苏州');
    expect(text).toContain('审批\n恒远（盖章）\n经办人：________________\n日期：');
    expect(r.html).toContain('<div class="signature-block">');
    expect(r.html).toContain('<img class="seal" data-seal="company" alt="">');
    expect(r.headerHtml).toBe('<div style="font-family:\'Tenderdesk Sans\'">own header sheet</div>');
    const en = new TemplateEngine(root).render('sheet', data, { locale: 'en' });
    expect(visibleText(en.html)).toContain(
      'Department Name Time Comment Signature\n财务部 李娜 23 Nov 2026 14:05 预付款已到',
    );
  });

  it('include the customer statement', () => {
    expect(engine.types()).toContain('customer-statement');
  });

  it.each(['zh-CN', 'en'] as const)('each renders its sample in %s', (locale) => {
    for (const type of engine.types()) {
      const r = engine.render(type, engine.sample(type), { locale });
      expect(r.html).toContain(`<html lang="${locale}">`);
      if (engine.pageNumbering(type) === 'footer') {
        expect(r.footerHtml).toContain('<span class="pageNumber"></span>');
        expect(r.footerHtml).toContain('<span class="totalPages"></span>');
      } else {
        // Numbered where the renders are assembled: a footer number would contradict the continuous one.
        expect(r.footerHtml).not.toContain('pageNumber');
      }
      // Chromium's header/footer templates see neither the page CSS nor web fonts.
      for (const part of [r.headerHtml, r.footerHtml]) {
        expect(part).not.toMatch(/<style|class="(?!pageNumber|totalPages)/);
        expect(part).toContain("font-family:'Tenderdesk Sans'");
      }
    }
  });

  it('render the customer statement with its totals in figures and capital numerals', () => {
    const zh = engine.render('customer-statement', engine.sample('customer-statement'));
    expect(zh.title).toBe('对账单');
    expect(zh.html).toContain('山东鲁北化工股份有限公司');
    expect(zh.html).toContain('¥1,535,750.50');
    expect(zh.html).toContain('壹佰伍拾叁万伍仟柒佰伍拾元伍角整');
    expect(zh.html).toContain('<th colspan="3" class="text-center">金额 (CNY)</th>');
    expect(zh.html).toContain('<img class="seal" data-seal="company" alt="">');
    expect(zh.footerHtml).toContain('第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页');
    expect(zh.headerText).toBe('江苏恒远仪器设备有限公司 对账单');

    const en = engine.render('customer-statement', engine.sample('customer-statement'), { locale: 'en' });
    expect(en.title).toBe('Statement of Account');
    expect(en.html).toContain('Closing balance (amount due)');
    expect(en.html).toContain('1 Oct 2026 to 31 Oct 2026');
    expect(en.footerHtml).toContain('Page <span class="pageNumber"></span> of <span class="totalPages"></span>');
    expect(en.headerText).toBe('Jiangsu Hengyuan Instrument Equipment Co., Ltd. Statement of Account');
    expect(en.version).toBe(zh.version);
  });

  it('refuse a customer statement without a customer', () => {
    const data = engine.sample('customer-statement') as { customer?: unknown };
    delete data.customer;
    const e = failure(() => engine.render('customer-statement', data));
    expect(e.details).toMatchObject({ template: 'customer-statement', file: 'template.hbs', field: 'customer.name' });
    expect(e.details?.line).toEqual(expect.any(Number));
  });
});
