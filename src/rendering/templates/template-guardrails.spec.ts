import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPriceField } from '../../common/amount-redaction.js';
import { builtInDataContract, dataContract } from './data-contract.js';
import { checkDraft, checkTemplate, type TemplateFiles, type TemplateProblem } from './template-guardrails.js';
import { TemplateEngine } from './template-engine.js';

const engine = new TemplateEngine();

/** A built-in type's own files, as a store would hold them. */
function builtIn(type: string): TemplateFiles {
  const read = (f: string) =>
    existsSync(join(engine.root, type, f)) ? readFileSync(join(engine.root, type, f), 'utf8') : undefined;
  const files: TemplateFiles = { 'template.hbs': read('template.hbs')! };
  for (const f of ['styles.css', 'header.hbs', 'footer.hbs', 'meta.json'] as const) {
    const content = read(f);
    if (content !== undefined) files[f] = content;
  }
  return files;
}

/** The line of the first occurrence of `needle` in `source` (1-based). */
function lineOf(source: string, needle: string): number {
  const at = source.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in the source`);
  return source.slice(0, at).split('\n').length;
}

const brief = (ps: TemplateProblem[]) =>
  ps.map((p) =>
    [p.severity, p.code, p.line ? `${p.file}:${p.line}` : p.file, p.field ?? p.element].filter(Boolean).join(' '),
  );

/** A small type of our own: its data contract from one sample. */
const TOY = dataContract('toy', [
  {
    currency: 'CNY',
    audience: 'finance',
    customer: { name: 'A' },
    lines: [{ name: 'x', qty: '1', unitPrice: '1.00', parts: [{ code: 'p' }] }],
    tags: ['a'],
  },
]);
const toy = (template: string, extra: Partial<TemplateFiles> = {}) =>
  checkTemplate({
    type: 'toy',
    files: { 'template.hbs': template, ...extra },
    partials: engine.partialNames(),
    contract: TOY,
  });

describe('template guardrails: the built-in templates', () => {
  it.each(engine.types())('%s has no problem, neither error nor warning', (type) => {
    expect(brief(checkDraft(engine, type, builtIn(type)))).toEqual([]);
  });
});

describe('template guardrails: the DOCX subset', () => {
  it.each(['iframe', 'svg', 'video', 'canvas', 'form'])(
    'refuses <%s>, naming the element, its line and column',
    (element) => {
      const problems = toy(`<p>{{customer.name}}</p>\n<div>\n  <${element} class="x"></${element}>\n</div>\n`);
      expect(problems).toEqual([
        expect.objectContaining({
          code: 'DOCX_UNSUPPORTED_ELEMENT',
          severity: 'error',
          file: 'template.hbs',
          line: 3,
          column: 3,
          element,
        }),
      ]);
      expect(problems[0].message).toContain(`<${element}>`);
    },
  );

  it('finds elements inside blocks, in header.hbs and footer.hbs too, and not in comments', () => {
    const problems = toy(
      '{{#each lines}}\n<p>{{name}}</p>{{#if qty}}<sup>2</sup>{{/if}}\n{{/each}}\n<!-- <video> -->{{!-- <canvas> --}}',
      {
        'header.hbs': '<div>\n<object></object></div>',
        'footer.hbs': '<span>x</span>',
      },
    );
    expect(brief(problems)).toEqual([
      'error DOCX_UNSUPPORTED_ELEMENT template.hbs:2 sup',
      'error DOCX_UNSUPPORTED_ELEMENT header.hbs:2 object',
    ]);
    expect(problems[0].column).toBe(27);
  });

  it('allows every content element the DOCX mapping reads', () => {
    const template = [
      '<section><header><h1>a</h1></header><article><h2>b</h2><h3>c</h3><h4>d</h4><h5>e</h5><h6>f</h6></article>',
      '<blockquote><p><strong>1</strong><b>2</b><em>3</em><i>4</i><u>5</u><span>6</span><a>7</a><small>8</small><br></p></blockquote>',
      '<address>x</address><ul><li>x</li></ul><ol><li>y</li></ol><div class="page-break"></div>',
      '<table><caption>c</caption><colgroup><col width="100%"></colgroup><thead><tr><th>h</th></tr></thead>',
      '<tbody><tr><td>{{customer.name}}</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>',
      '<img class="seal" data-seal="company" alt=""><img src="{{customer.name}}"><footer>z</footer></section>',
    ].join('\n');
    expect(brief(toy(template))).toEqual([]);
  });

  it('refuses an element whose name is printed from data', () => {
    expect(brief(toy('<p>a</p>\n<{{customer.name}} src="x">'))).toEqual(['error DOCX_DYNAMIC_ELEMENT template.hbs:2']);
  });

  it('refuses an image written with a source other than a data: PNG or JPEG', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const problems = toy(
      `<p><img src="${png}"></p>\n<p><img alt="" src='https://example.com/logo.png'></p>\n<img src=logo.gif>`,
    );
    expect(brief(problems)).toEqual([
      'error DOCX_IMAGE_SOURCE template.hbs:2 img',
      'error DOCX_IMAGE_SOURCE template.hbs:3 img',
    ]);
  });
});

describe('template guardrails: what the engine refuses', () => {
  it.each([
    ['raw output', '<p>ok</p>\n<p>{{{customer.name}}}</p>', 2, /unescaped output/],
    ['<script>', '<p>ok</p>\n\n<script>alert(1)</script>', 3, /<script>/],
    ['an unknown helper', '<p>ok</p>\n<p>{{shout customer.name}}</p>', 2, /shout/],
    ['an unknown partial', '<p>{{> nope}}</p>', 1, /unknown partial "nope"/],
    ['a syntax error', '<p>\n{{#if customer.name}}\n</p>', 3, /./],
  ])('%s: TEMPLATE_INVALID with the line, as the engine says it', (_, template, line, reason) => {
    const problems = toy(template);
    expect(problems.filter((p) => p.code === 'TEMPLATE_INVALID')).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'template.hbs',
        line,
        message: expect.stringMatching(reason),
      }),
    ]);
  });

  it('knows the shared partials', () => {
    expect(engine.partialNames()).toEqual(expect.arrayContaining(['letterhead', 'signature-block']));
    expect(brief(toy('{{> letterhead company=customer}}<p>x</p>'))).toEqual([]);
  });
});

describe('template guardrails: fields', () => {
  it('warns about an unknown field with its name, line and column', () => {
    const problems = toy('<p>{{customer.name}}</p>\n<p>{{customer.nmae}}</p>');
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'FIELD_UNKNOWN',
        severity: 'warning',
        line: 2,
        column: 6,
        field: 'customer.nmae',
      }),
    ]);
  });

  it('resolves paths inside #each and #with, ../, @root, this, block parameters, .length and helper arguments', () => {
    const template = [
      '{{#each lines}}{{name}} {{../currency}} {{@root.currency}} {{money unitPrice @root.currency}}',
      '  {{#each parts}}{{code}} {{../qty}} {{@index}}{{/each}}{{/each}}',
      '{{#each tags}}{{this}}{{/each}}{{#with customer}}{{name}}{{/with}}',
      '{{#each lines as |line i|}}{{line.name}} {{i}} {{#each line.parts as |p|}}{{p.code}}{{/each}}{{/each}}',
      '{{#if lines.length}}{{t "x" audience}}{{/if}}{{#if (eq audience "finance")}}{{lookup customer "name"}}{{/if}}',
      '{{> letterhead company=customer}}{{lines.[0].name}}',
    ].join('\n');
    expect(brief(toy(template))).toEqual([]);
  });

  it('resolves the same paths to what they are when they are wrong', () => {
    const template = [
      '{{#each lines}}{{currency}} {{../name}} {{@root.qty}}{{/each}}',
      '{{#with customer}}{{address}}{{/with}}{{#each lines as |line|}}{{line.price}}{{/each}}',
      '{{#if tags.size}}{{lookup customer "phone"}}{{/if}}{{> letterhead company=company}}',
    ].join('\n');
    expect(toy(template).map((p) => `${p.line}:${p.column} ${p.field}`)).toEqual([
      '1:18 lines[].currency',
      '1:31 name',
      '1:43 qty',
      '2:21 customer.address',
      '2:66 lines[].price',
      '3:7 tags.size',
      '3:18 customer.phone',
      '3:75 company',
    ]);
  });

  it('takes the contract from every sample and meta.json required', () => {
    const c = dataContract('x', [{ a: { b: 1 }, list: [{ c: 1 }] }, { d: [] }], ['e.f']);
    expect([...c.fields].sort()).toEqual(['a', 'a.b', 'd', 'e.f', 'list', 'list[]', 'list[].c']);
    expect(c.production).toBeUndefined();
  });

  it('refuses a meta.json that requires a field the data never has (every render would fail), or is not meta', () => {
    const meta = '{\n  "required": ["customer.name",\n    "customer.vat"]\n}';
    expect(toy('<p>x</p>', { 'meta.json': meta })).toEqual([
      expect.objectContaining({
        code: 'REQUIRED_FIELD_UNKNOWN',
        severity: 'error',
        file: 'meta.json',
        line: 3,
        field: 'customer.vat',
      }),
    ]);
    expect(brief(toy('<p>x</p>', { 'meta.json': '{"required": "lines"}' }))).toEqual(['error META_INVALID meta.json']);
    expect(brief(toy('<p>x</p>', { 'meta.json': '{' }))).toEqual(['error META_INVALID meta.json']);
  });
});

describe('template guardrails: styles.css', () => {
  it('refuses what fetches or writes text the DOCX would not have, with its line', () => {
    const css = [
      '/* content: "not code"; url(http://x) */',
      '@import url("https://fonts.example.com/a.css");',
      '.a::after { content: "机密"; }',
      ".b { background: url( 'logo.png'); justify-content: space-between; align-content: center; }",
      '.c::before { content: ""; } .d { content: none; } .e { background: url(data:image/png;base64,AAAA); }',
    ].join('\n');
    expect(toy('<p>x</p>', { 'styles.css': css }).map((p) => `${p.code} ${p.line}:${p.column}`)).toEqual([
      'CSS_EXTERNAL_RESOURCE 2:1',
      'CSS_EXTERNAL_RESOURCE 2:9',
      'CSS_GENERATED_CONTENT 3:13',
      'CSS_EXTERNAL_RESOURCE 4:18',
    ]);
  });
});

describe('template guardrails: the production copies', () => {
  const sheet = builtIn('contact-sheet');
  const check = (type: string, files: TemplateFiles) => checkDraft(engine, type, files);
  const errors = (ps: TemplateProblem[]) => ps.filter((p) => p.severity === 'error');

  it('marks the delivery notice and the production copies of the contact sheet and list, in code', () => {
    for (const type of ['delivery-notice', 'contact-sheet', 'contact-list']) {
      expect(builtInDataContract(engine.root, type).production).toBeDefined();
    }
    expect(builtInDataContract(engine.root, 'quotation').production).toBeUndefined();
  });

  it('gives the production copies data contracts without a price field, from samples that are production data', () => {
    for (const type of ['delivery-notice', 'contact-sheet', 'contact-list']) {
      const production = builtInDataContract(engine.root, type).production!;
      expect([type, production.fields.size > 5]).toEqual([type, true]);
      expect([type, [...production.fields].filter(isPriceField)]).toEqual([type, []]);
    }
  });

  it('refuses {{contract.totalAmount}} added to the production copy of the contact sheet, with code and line', () => {
    const template = sheet['template.hbs'].replace(
      '{{> sign-off-table rows=signoffs}}',
      '{{> sign-off-table rows=signoffs}}\n<p>{{contract.totalAmount}}</p>',
    );
    const problems = errors(check('contact-sheet', { ...sheet, 'template.hbs': template }));
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'PRODUCTION_PRICE_FIELD',
        file: 'template.hbs',
        line: lineOf(template, '{{contract.totalAmount}}'),
        column: 6,
        field: 'contract.totalAmount',
      }),
    ]);
  });

  it("lets the finance branch print prices, and refuses them once the branch is not only finance's", () => {
    const inFinance = sheet['template.hbs'].replace(
      '{{#if (eq audience "finance")}}',
      '{{#if (eq audience "finance")}}<p>{{money totals.total currency}}</p>',
    );
    expect(errors(check('contact-sheet', { ...sheet, 'template.hbs': inFinance }))).toEqual([]);
    for (const condition of ['{{#if audience}}', '{{#if (eq audience "production")}}', '{{#if sheet.complete}}']) {
      const opened = sheet['template.hbs'].replace('{{#if (eq audience "finance")}}', condition);
      const problems = errors(check('contact-sheet', { ...sheet, 'template.hbs': opened }));
      expect([condition, problems.length > 10]).toEqual([condition, true]);
      expect(problems.every((p) => p.code === 'PRODUCTION_PRICE_FIELD')).toBe(true);
      expect(problems.map((p) => p.field)).toEqual(
        expect.arrayContaining(['lines[].unitPrice', 'totals.total', 'paymentTerms']),
      );
    }
    // {{#unless}} and {{else}} are read the same way: unless finance = production's branch.
    const unless = sheet['template.hbs'].replace(
      '{{#if (eq audience "finance")}}',
      '{{#unless (eq audience "finance")}}{{totals.net}}{{/unless}}{{#if (eq audience "finance")}}',
    );
    expect(errors(check('contact-sheet', { ...sheet, 'template.hbs': unless })).map((p) => p.field)).toEqual([
      'totals.net',
    ]);
  });

  it('refuses prices reached through #with, lookup, ../ or printed with money/capital, in the delivery notice', () => {
    const notice = builtIn('delivery-notice');
    const add = (snippet: string) =>
      notice['template.hbs'].replace(
        '<h1 class="text-center">{{@title}}</h1>',
        `<h1 class="text-center">{{@title}}</h1>\n${snippet}`,
      );
    for (const [snippet, field] of [
      ['{{#with contract}}<p>{{totalAmount}}</p>{{/with}}', 'contract.totalAmount'],
      ['<p>{{lookup contract "total"}}</p>', 'contract.total'],
      ['{{#each items}}<p>{{../contract.unitPrice}}</p>{{/each}}', 'contract.unitPrice'],
      ['{{#each items}}<p>{{price}}</p>{{/each}}', 'items[].price'],
      ['<p>{{money notice.number}}</p>', undefined],
      ['<p>{{capital notice.number}}</p>', undefined],
    ] as const) {
      const template = add(snippet);
      const problems = errors(check('delivery-notice', { ...notice, 'template.hbs': template }));
      expect([snippet, problems.map((p) => [p.code, p.line, p.field])]).toEqual([
        snippet,
        [['PRODUCTION_PRICE_FIELD', lineOf(template, snippet), field]],
      ]);
    }
  });

  it('does not let an override unmark itself through its meta.json', () => {
    const notice = builtIn('delivery-notice');
    const template = notice['template.hbs'].replace('{{notice.number}}', '{{notice.number}} {{contract.amount}}');
    for (const meta of [notice['meta.json']!, '{"audience": "finance"}', '{"production": false, "required": []}']) {
      const problems = errors(check('delivery-notice', { ...notice, 'template.hbs': template, 'meta.json': meta }));
      // (The made-up keys are refused as such too: META_UNKNOWN_KEY.)
      expect(problems.map((p) => p.code).filter((c) => c !== 'META_UNKNOWN_KEY')).toEqual(['PRODUCTION_PRICE_FIELD']);
    }
  });

  it('checks the production copy in header.hbs and footer.hbs as well', () => {
    const list = builtIn('contact-list');
    const problems = errors(
      check('contact-list', { ...list, 'footer.hbs': '<div>{{#each totals}}{{amount}}{{/each}}</div>' }),
    );
    expect(problems.map((p) => [p.code, p.file, p.field])).toEqual([
      ['PRODUCTION_PRICE_FIELD', 'footer.hbs', 'totals'],
      ['PRODUCTION_PRICE_FIELD', 'footer.hbs', 'totals[].amount'],
    ]);
  });
});
