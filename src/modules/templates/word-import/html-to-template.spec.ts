import { describe, expect, it } from '@jest/globals';
import Handlebars from 'handlebars';
import { HELPER_NAMES, registerHelpers } from '../../../rendering/templates/helpers.js';
import { htmlToTemplate } from './html-to-template.js';
import { ImportWarnings } from './import-warnings.js';

// mammoth's HTML, as it writes it for what a clerk types in Word, -> template source; each result must compile
// with the template engine's options and render.

const PARTIALS = ['letterhead', 'signature-block'];

function convert(html: string): { source: string; warnings: string[] } {
  const warnings = new ImportWarnings('en');
  return { source: htmlToTemplate(html, PARTIALS, warnings), warnings: warnings.list() };
}

function render(source: string, data: object): string {
  const env = Handlebars.create();
  registerHelpers(env);
  for (const p of PARTIALS) env.registerPartial(p, `<div class="${p}">${p}</div>`);
  const knownHelpers = Object.fromEntries(HELPER_NAMES.map((n) => [n, true]));
  const template = env.compile(source, { knownHelpers, knownHelpersOnly: true, strict: false });
  return template(data, { data: { locale: 'zh-CN', labels: {} } });
}

describe('htmlToTemplate', () => {
  it('keeps a placeholder Word split over runs of different formatting, whole, in its first run', () => {
    const { source, warnings } = convert('<p>名称：<strong>{{tender.</strong>na<em>me}}</em> 完</p>');
    expect(source).toBe('<p>名称：<strong>{{tender.name}}</strong> 完</p>');
    expect(warnings).toEqual([]);
    expect(render(source, { tender: { name: '水厂' } })).toBe('<p>名称：<strong>水厂</strong> 完</p>');
  });

  it('makes curly quotes and full-width braces typed by an IME ASCII inside a placeholder', () => {
    const { source } = convert('<p>日期：｛｛date tender.date “iso”｝｝</p>');
    expect(source).toBe('<p>日期：{{date tender.date "iso"}}</p>');
    expect(render(source, { tender: { date: '2026-12-07' } })).toBe('<p>日期：2026-12-07</p>');
  });

  it('escapes text that only looks like a placeholder, and HTML special characters', () => {
    const { source } = convert('<p>a {{ b &lt; c &amp; d</p>');
    expect(render(source, {})).toBe('<p>a {{ b &lt; c &amp; d</p>');
  });

  it('repeats a table row for {{#each}} in its first cell and {{/each}} in its last', () => {
    const { source, warnings } = convert(
      '<table><tr><th><p>名称</p></th><th><p>数量</p></th></tr>' +
        '<tr><td><p>{{#each lines}}{{name}}</p></td><td><p>{{quantity}}{{/each}}</p></td></tr></table>',
    );
    expect(warnings).toEqual([]);
    expect(source).toContain('{{#each lines}}<tr><td><p>{{name}}</p>');
    expect(source).toContain('<p>{{quantity}}</p></td></tr>\n{{/each}}');
    const html = render(source, {
      lines: [
        { name: '水泵', quantity: 2 },
        { name: '阀门', quantity: 5 },
      ],
    });
    expect(html.match(/<tr>/g)).toHaveLength(3);
    expect(html).toContain('阀门');
  });

  it('drops marker rows and wraps the rows between them', () => {
    const { source, warnings } = convert(
      '<table><tr><td><p>{{#each lines}}</p></td><td><p></p></td></tr>' +
        '<tr><td><p>{{name}}</p></td><td><p>{{quantity}}</p></td></tr>' +
        '<tr><td><p></p></td><td><p>{{/each}}</p></td></tr></table>',
    );
    expect(warnings).toEqual([]);
    expect(source.match(/<tr>/g)).toHaveLength(1);
    expect(render(source, { lines: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }).match(/<tr>/g)).toHaveLength(3);
  });

  it('lets paragraphs that hold only block markers wrap the blocks between them', () => {
    const { source } = convert('<p>{{#if show}}</p><table><tr><td><p>x</p></td></tr></table><p>{{/if}}</p><p>end</p>');
    expect(source.startsWith('{{#if show}}\n<table>')).toBe(true);
    expect(render(source, { show: false })).toBe('<p>end</p>');
    expect(render(source, { show: true })).toContain('<td><p>x</p></td>');
  });

  it('drops a block that opens in one cell and closes in another, so the HTML stays well-formed', () => {
    const { source, warnings } = convert(
      '<table><tr><td><p>a</p></td><td><p>{{#if x}}b</p></td><td><p>c{{/if}}</p></td><td><p>d</p></td></tr></table>',
    );
    expect(source).not.toContain('{{#if');
    expect(source).not.toContain('{{/if');
    expect(warnings).toEqual([
      '{{#if x}} was dropped: it is not closed in the same paragraph, cell or table row',
      '{{/if}} was dropped: nothing before it opens that block',
    ]);
    expect(render(source, {})).toContain('<td><p>b</p></td><td><p>c</p></td>');
  });

  it('refuses what the engine refuses, with a warning each, and keeps known partials', () => {
    const { source, warnings } = convert(
      '<p>{{> letterhead}}</p><p>{{{raw}}} {{> nothere}} {{shout x}} {{money total}} {{else}}</p>',
    );
    expect(source).toBe('{{> letterhead}}\n<p>   {{money total}} </p>');
    expect(warnings).toEqual([
      'the placeholder {{{raw}}} was dropped: unescaped output ({{{ }}}) is not allowed, use {{ }}',
      '{{> nothere}} was dropped: there is no such partial (partials: letterhead, signature-block)',
      'the placeholder {{shout x}} was dropped: You specified knownHelpersOnly, but used the unknown helper shout',
      '{{else}} was dropped: nothing before it opens that block',
    ]);
    expect(render(source, { total: '12.50' })).toContain('letterhead');
  });

  it('keeps the subset, drops other tags with their text kept, and counts repeated warnings', () => {
    const { source, warnings } = convert(
      '<h2 class="text-center">条款</h2><p class="x text-right">a<s>b</s><sup>1</sup><s>c</s><a id="_GoBack"></a></p>' +
        '<ul><li>一</li><li>二</li></ul><p><img src="data:image/gif;base64,R0lGOD"></p>',
    );
    expect(source).toBe(
      '<h2 class="text-center">条款</h2>\n<p class="text-right">ab1c</p>\n<ul>\n<li>一</li>\n<li>二</li>\n</ul>',
    );
    expect(warnings).toEqual([
      '<s> (struck-out text) is not supported: its formatting was dropped, its text kept (×2)',
      '<sup> (superscript) is not supported: its formatting was dropped, its text kept',
    ]);
  });
});
