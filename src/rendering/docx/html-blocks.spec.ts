import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOCX_ELEMENTS, parseBlocks, type ParagraphModel, type TableModel } from './html-blocks.js';
import { png } from './testing/png.js';
import { visibleText } from './visible-text.js';

// DOCX_ELEMENTS is the DOCX subset the template guardrails allow: it must say what the reader does, no more, no less.

const doc = (body: string) => `<!doctype html><html><head><title>T</title></head><body>${body}</body></html>`;
const listed = new Set<string>(Object.values(DOCX_ELEMENTS).flat());

describe('DOCX_ELEMENTS', () => {
  it('lists every element the reader names in its code', () => {
    const source = readFileSync(fileURLToPath(new URL('./html-blocks.ts', import.meta.url)), 'utf8');
    const code = source.slice(source.indexOf('export function parseBlocks')); // after the list itself
    const named = new Set(
      [
        ...code.matchAll(/case '([a-z0-9]+)':/g),
        ...code.matchAll(/\.name [!=]== '([a-z0-9]+)'/g),
        ...code.matchAll(/findElement\([^,]+, '([a-z0-9]+)'\)/g),
      ].map((m) => m[1]),
    );
    // The document's root and body (the reader finds the stylesheet and the content there), not content.
    named.delete('html');
    named.delete('body');
    expect(named.size).toBeGreaterThan(10); // the patterns still find the reader's names
    expect([...named].filter((n) => !listed.has(n))).toEqual([]);
    // No element set of its own beside the list: the reader's sets are built from DOCX_ELEMENTS.
    expect(code).not.toMatch(/new Set\(\[\s*'/);
  });

  it('reads no listed element twice', () => {
    expect(listed.size).toBe(Object.values(DOCX_ELEMENTS).flat().length);
  });

  it.each(DOCX_ELEMENTS.skipped.filter((e) => !['meta', 'link'].includes(e)))('leaves <%s> out', (e) => {
    expect(visibleText(doc(`<p>a</p><${e}>hidden</${e}><p>b</p>`))).toBe('a\nb');
  });

  it.each(DOCX_ELEMENTS.headings.map((e, i) => [e, i + 1] as const))('reads <%s> as heading %d', (e, level) => {
    expect(parseBlocks(doc(`<${e}>t</${e}>`))).toEqual([
      expect.objectContaining({ kind: 'paragraph', heading: level }),
    ]);
  });

  it.each([...DOCX_ELEMENTS.boldBlocks])('reads <%s> as a bold paragraph', (e) => {
    const [p] = parseBlocks(doc(`<${e}>t</${e}>after`)) as ParagraphModel[];
    expect(p.runs).toEqual([expect.objectContaining({ text: 't', bold: true })]);
  });

  it.each([...DOCX_ELEMENTS.blocks])('reads <%s> as a paragraph of its own', (e) => {
    expect(visibleText(doc(`a<${e}>b</${e}>c`))).toBe('a\nb\nc');
  });

  it.each([...DOCX_ELEMENTS.lists])('reads <%s> as a numbered or bulleted list', (e) => {
    const [p] = parseBlocks(doc(`<${e}><li>x</li></${e}>`)) as ParagraphModel[];
    expect(p.list).toMatchObject({ ordered: e === 'ol', level: 0 });
  });

  it('reads every part of a table', () => {
    const html = doc(
      '<table><caption>cap</caption><colgroup><col width="25%"><col width="75%"></colgroup>' +
        '<thead><tr><th>h1</th><th>h2</th></tr></thead><tbody><tr><td>b1</td><td>b2</td></tr></tbody>' +
        '<tfoot><tr><td>f1</td><td>f2</td></tr></tfoot></table>',
    );
    const [caption, table] = parseBlocks(html) as [ParagraphModel, TableModel];
    expect(caption.runs).toEqual([expect.objectContaining({ text: 'cap' })]);
    expect(table.widths).toEqual([0.25, 0.75]);
    expect(table.rows.map((r) => [r.header, r.cells.map((c) => c.header)])).toEqual([
      [true, [true, true]],
      [false, [false, false]],
      [false, [false, false]],
    ]);
    expect(visibleText(html)).toBe('cap\nh1 h2\nb1 b2\nf1 f2');
    expect(DOCX_ELEMENTS.table).toEqual([
      'table',
      'caption',
      'colgroup',
      'col',
      'thead',
      'tbody',
      'tfoot',
      'tr',
      'th',
      'td',
    ]);
  });

  it.each([
    ...DOCX_ELEMENTS.bold.map((e) => [e, { bold: true, italic: false, underline: false }] as const),
    ...DOCX_ELEMENTS.italic.map((e) => [e, { bold: false, italic: true, underline: false }] as const),
    ...DOCX_ELEMENTS.underline.map((e) => [e, { bold: false, italic: false, underline: true }] as const),
    ...DOCX_ELEMENTS.text.map((e) => [e, { bold: false, italic: false, underline: false }] as const),
  ])('reads <%s> as a run of text %j', (e, look) => {
    const [p] = parseBlocks(doc(`<p>a <${e}>b</${e}></p>`)) as ParagraphModel[];
    // A plain inline container joins the run before it; a formatted one starts its own.
    const plain = !look.bold && !look.italic && !look.underline;
    // Runs also carry the face and size the CSS gives them (css-rules.ts): not what this test is about.
    expect(p.runs.at(-1)).toMatchObject({ kind: 'text', text: plain ? 'a b' : 'b', ...look });
  });

  it('reads <br> as a line break and <img> with a data: PNG as an image', () => {
    const src = `data:image/png;base64,${png(4, 2).toString('base64')}`;
    const [p] = parseBlocks(doc(`<p>a<br>b<img src="${src}"></p>`)) as ParagraphModel[];
    expect(p.runs.map((r) => r.kind)).toEqual(['text', 'break', 'text', 'image']);
    expect([...DOCX_ELEMENTS.lineBreak, ...DOCX_ELEMENTS.image]).toEqual(['br', 'img']);
  });
});

describe('text colour', () => {
  it('gives a run the colour its CSS gives it, and none where it is the body colour', () => {
    const blocks = parseBlocks(
      '<html><head><style>body { color: #111; } :root { --td-accent: #a01010; } ' +
        'h2 { color: var(--td-accent, #111); } .grey { color: #444; }</style></head>' +
        '<body><h2>Title</h2><p>plain <span class="grey">grey</span></p></body></html>',
    );
    const runs = blocks.flatMap((b) => (b.kind === 'paragraph' ? b.runs : []));
    expect(runs).toEqual([
      expect.objectContaining({ text: 'Title', color: 'A01010' }),
      expect.not.objectContaining({ color: expect.anything() }),
      expect.objectContaining({ text: 'grey', color: '444444' }),
    ]);
  });
});
