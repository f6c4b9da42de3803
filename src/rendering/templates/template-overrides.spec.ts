import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppException } from '../../common/errors/app-exception.js';
import { TemplateEngine } from './template-engine.js';
import { templateFilesHash, type TemplateFiles } from './template-source.js';

/** Issue #19: a document type rendered from given files (a stored version) instead of its folder. */

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const PARTIALS = {
  '_partials/header.hbs': '<div>{{@title}}</div>',
  '_partials/footer.hbs': '<div><span class="pageNumber"></span></div>',
  '_partials/base.css': 'body { font-family: "Tenderdesk Sans"; }',
  '_partials/greeting.hbs': '<p>{{t "party.customer"}}{{t "colon"}}{{name}}</p>',
};

const LETTER = {
  'letter/template.hbs': '<h1>{{@title}}</h1>\n{{> greeting name=customer.name}}\n<p>{{t "letter.clause"}}</p>\n',
  'letter/styles.css': 'h1 { color: #123456; }',
  'letter/sample.json': '{"customer": {"name": "鲁北化工"}}',
  'letter/meta.json':
    '{"title": {"zh-CN": "函"}, "required": ["customer.name"], "labels": {"zh-CN": {"letter.clause": "原条款"}}}',
};

function fixture(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'tenderdesk-overrides-'));
  roots.push(root);
  for (const [path, content] of Object.entries({ ...PARTIALS, ...LETTER, ...files })) {
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

/** The built-in files with a new clause label and letterhead colour, as a company would change them. */
function edited(engine: TemplateEngine): TemplateFiles {
  const files = engine.builtInFiles('letter');
  return {
    ...files,
    'meta.json': files['meta.json']!.replace('原条款', '新条款：货到验收合格后付款'),
    'styles.css': 'h1 { color: #a00000; }',
  };
}

describe('TemplateEngine rendering a stored version', () => {
  const data = { customer: { name: '鲁北化工' } };

  it('renders the given files with the same partials and labels, and the folder is unchanged', () => {
    const engine = new TemplateEngine(fixture());
    const override = engine.render('letter', data, { source: { files: edited(engine) } });
    expect(override.html).toContain('<p>新条款：货到验收合格后付款</p>');
    expect(override.html).toContain('h1 { color: #a00000; }');
    expect(override.html).toContain('<p>客户名称：鲁北化工</p>'); // the shared partial and labels
    expect(override.html).toContain('body { font-family: "Tenderdesk Sans"; }'); // the shared base.css
    expect(override.title).toBe('函');

    const builtIn = engine.render('letter', data);
    expect(builtIn.html).toContain('<p>原条款</p>');
    expect(builtIn.html).not.toContain('新条款');
  });

  it('reports a version of its own: not the built-in one, the same for the same content, another for other content', () => {
    const engine = new TemplateEngine(fixture());
    const files = edited(engine);
    const version = engine.render('letter', data, { source: { files } }).version;
    expect(version).toMatch(/^[0-9a-f]{64}$/);
    expect(version).not.toBe(engine.version('letter'));
    // The built-in files given as an override are still an override: its version says so.
    expect(engine.version('letter', { files: engine.builtInFiles('letter') })).not.toBe(engine.version('letter'));
    expect(engine.version('letter', { files: { ...files } })).toBe(version);
    expect(engine.overrideVersion(files)).toBe(version);
    expect(engine.check('letter', files)).toBe(version);
    expect(engine.version('letter', { files: { ...files, 'styles.css': 'h1 { color: #a00001; }' } })).not.toBe(version);
  });

  it("changes the version when a shared partial changes, as the built-in's does", () => {
    const a = new TemplateEngine(fixture());
    const b = new TemplateEngine(fixture({ '_partials/greeting.hbs': '<p>{{name}}</p>' }));
    const files = edited(a);
    expect(a.overrideVersion(files)).not.toBe(b.overrideVersion(files));
  });

  it('compiles a content once, whichever object carries it, and each new content once', () => {
    const engine = new TemplateEngine(fixture());
    engine.render('letter', data); // the shared partials compiled first, once for all
    const compile = jest.spyOn(engine as unknown as { compile: (...args: unknown[]) => unknown }, 'compile');
    const files = edited(engine);
    engine.render('letter', data, { source: { files } });
    const first = compile.mock.calls.length;
    expect(first).toBe(3); // template, default header, default footer
    engine.render('letter', data, { source: { files: JSON.parse(JSON.stringify(files)) as TemplateFiles } });
    expect(compile.mock.calls.length).toBe(first);
    engine.render('letter', data, { source: { files: { ...files, 'styles.css': '' } } });
    expect(compile.mock.calls.length).toBe(first + 3);
  });

  it('uses its own header and footer when it has them', () => {
    const engine = new TemplateEngine(fixture());
    const files = { ...edited(engine), 'header.hbs': '<div>自定页眉 {{@title}}</div>' };
    const r = engine.render('letter', data, { source: { files } });
    expect(r.headerHtml).toBe('<div>自定页眉 函</div>');
    expect(r.footerHtml).toBe('<div><span class="pageNumber"></span></div>');
  });

  it('refuses {{{ }}} with the file, line and column, as for a folder', () => {
    const engine = new TemplateEngine(fixture());
    const files = { ...edited(engine), 'template.hbs': '<h1>{{@title}}</h1>\n<p>{{{customer.name}}}</p>\n' };
    const err = failure(() => engine.check('letter', files));
    expect(err.status).toBe(422);
    expect(err.code).toBe('TEMPLATE_ERROR');
    expect(err.details).toMatchObject({ template: 'letter', file: 'template.hbs', line: 2, column: 4 });
    expect(String(err.details?.reason)).toMatch(/unescaped output/);
  });

  it('refuses a syntax error with its line and column, and an unknown helper or partial', () => {
    const engine = new TemplateEngine(fixture());
    const base = edited(engine);
    const syntax = failure(() =>
      engine.check('letter', { ...base, 'template.hbs': '<p>ok</p>\n<p>{{customer.name bar=}}</p>\n' }),
    );
    expect(syntax.code).toBe('TEMPLATE_ERROR');
    expect(syntax.details).toMatchObject({ file: 'template.hbs', line: 2, column: 24 });
    const helper = failure(() => engine.check('letter', { ...base, 'template.hbs': '<p>{{shout customer.name}}</p>' }));
    expect(helper.details).toMatchObject({ file: 'template.hbs', line: 1 });
    const partial = failure(() => engine.check('letter', { ...base, 'footer.hbs': '{{> nowhere}}' }));
    expect(partial.details).toMatchObject({ file: 'footer.hbs', line: 1 });
    expect(String(partial.details?.reason)).toMatch(/unknown partial "nowhere"/);
    const meta = failure(() => engine.check('letter', { ...base, 'meta.json': '{"title": ' }));
    expect(meta.details).toMatchObject({ file: 'meta.json' });
  });

  it("applies the override's required fields before rendering", () => {
    const engine = new TemplateEngine(fixture());
    const files = { ...edited(engine), 'meta.json': '{"required": ["customer.taxId"]}' };
    const err = failure(() => engine.render('letter', data, { source: { files } }));
    expect(err.details).toMatchObject({ field: 'customer.taxId' });
  });

  it('renders only the types that exist', () => {
    const engine = new TemplateEngine(fixture());
    const err = failure(() => engine.render('nothing', data, { source: { files: edited(engine) } }));
    expect(err.status).toBe(404);
    expect(err.code).toBe('TEMPLATE_NOT_FOUND');
  });
});

describe('templateFilesHash', () => {
  it('names the content: the same files in any order alike, an empty file unlike an absent one', () => {
    const files: TemplateFiles = { 'template.hbs': '<p>x</p>', 'styles.css': 'p {}' };
    expect(templateFilesHash({ 'styles.css': 'p {}', 'template.hbs': '<p>x</p>' })).toBe(templateFilesHash(files));
    expect(templateFilesHash({ ...files, 'header.hbs': '' })).not.toBe(templateFilesHash(files));
    // The boundary between name and content cannot be moved to make two file sets alike.
    expect(templateFilesHash({ 'template.hbs': 'ab', 'styles.css': '' })).not.toBe(
      templateFilesHash({ 'template.hbs': 'a', 'styles.css': 'b' }),
    );
  });
});
