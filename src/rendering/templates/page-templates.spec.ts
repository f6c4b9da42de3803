import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppException } from '../../common/errors/app-exception.js';
import { TemplateEngine } from './template-engine.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tenderdesk-pages-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const GREETING = {
  'greeting/meta.json': JSON.stringify({
    labels: { 'zh-CN': { hello: '您好', balance: '余额' }, en: { hello: 'Hello', balance: 'Balance' } },
  }),
  'greeting/styles.css': 'body { font-family: "Noto Sans SC", sans-serif; }',
  'greeting/page.hbs':
    '<main>\n<h1>{{t "hello"}}, <em>{{name}}</em></h1>\n<p>{{t "balance"}}{{t "colon"}}{{money amount "CNY"}}, {{date on}}</p>\n</main>\n',
};

describe('TemplateEngine.renderPage', () => {
  const engine = new TemplateEngine(fixture(GREETING));
  const data = { name: 'A&B <公司>', amount: '-700', on: '2026-04-01' };

  it('renders a view with its labels, helpers and escaping, in a page of its own (no document chrome)', () => {
    const zh = engine.renderPage('greeting', 'page', data, 'zh-CN');
    expect(zh.html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(zh.html).toContain('<h1>您好, <em>A&amp;B &lt;公司&gt;</em></h1>');
    expect(zh.html).toContain('<p>余额：-¥700.00, 2026年4月1日</p>');
    // The title is the <h1>'s text; the CSS is inline as written (quotes and all).
    expect(zh.title).toBe('您好, A&amp;B &lt;公司&gt;');
    expect(zh.html).toContain('<title>您好, A&amp;B &lt;公司&gt;</title>');
    expect(zh.html).toContain('body { font-family: "Noto Sans SC", sans-serif; }');
    expect(zh.html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(zh.html).not.toMatch(/<script|letterhead|class="doc-/);
    expect(zh.version).toMatch(/^[0-9a-f]{64}$/);
    const en = engine.renderPage('greeting', 'page', data, 'en');
    expect(en.html).toContain('<p>Balance: -¥700.00, 1 Apr 2026</p>');
  });

  it("puts the pages' shared _partials/page.css before the folder's own styles.css, and versions it", () => {
    const shared = new TemplateEngine(fixture({ ...GREETING, '_partials/page.css': 'main { max-width: 960px; }' }));
    const html = shared.renderPage('greeting', 'page', data, 'en').html;
    const at = (css: string) => html.indexOf(css);
    expect(at('main { max-width: 960px; }')).toBeGreaterThan(-1);
    expect(at('main { max-width: 960px; }')).toBeLessThan(at('body { font-family: "Noto Sans SC", sans-serif; }'));
    expect(shared.renderPage('greeting', 'page', data, 'en').version).not.toBe(
      engine.renderPage('greeting', 'page', data, 'en').version,
    );
  });

  it('is not a document type (no template.hbs): it is not listed with them', () => {
    expect(engine.types()).toEqual([]);
  });

  it('refuses raw output and <script> with 422 TEMPLATE_ERROR naming the file and line', () => {
    for (const [source, line] of [
      ['<main>\n{{{name}}}\n</main>', 2],
      ['<main>\n\n<script>alert(1)</script></main>', 3],
    ] as const) {
      const bad = new TemplateEngine(fixture({ ...GREETING, 'greeting/page.hbs': source }));
      let err: unknown;
      try {
        bad.renderPage('greeting', 'page', data, 'en');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppException);
      expect((err as AppException).code).toBe('TEMPLATE_ERROR');
      expect((err as AppException).message).toContain(`page.hbs line ${line}`);
    }
  });

  it('throws for a page or view that does not exist, or a document type (a programming error, not a 4xx)', () => {
    expect(() => engine.renderPage('greeting', 'nope', data, 'en')).toThrow(/no page template greeting\/nope\.hbs/);
    const withDocument = new TemplateEngine(fixture({ ...GREETING, 'greeting/template.hbs': '<p>x</p>' }));
    expect(() => withDocument.renderPage('greeting', 'page', data, 'en')).toThrow(/no page template/);
  });
});

describe('the shipped pages', () => {
  it('the statement confirmation page is a page, not a printable document', () => {
    expect(new TemplateEngine().types()).not.toContain('statement-confirmation');
  });
});
