import { describe, expect, it } from '@jest/globals';
import { parseBlocks, type ImageRunModel, type ParagraphModel, type TableModel } from './html-blocks.js';
import { png } from './testing/png.js';
import { normaliseText, visibleText } from './visible-text.js';

const doc = (body: string) =>
  `<!doctype html><html><head><title>T</title><style>p { color: red }</style></head><body>${body}</body></html>`;

describe('visibleText', () => {
  it('collapses whitespace as a browser does and keeps text inside inline elements', () => {
    expect(visibleText(doc('<p>\n  a   <b>bold</b>\t<i> it </i>  <span>span</span>c\n</p>'))).toBe('a bold it spanc');
  });

  it('decodes entities and keeps &nbsp; (as a space)', () => {
    expect(visibleText(doc('<p>A&amp;B &lt;x&gt; &quot;q&quot; 1&nbsp;&nbsp;000 &#x4e2d;&#25991;</p>'))).toBe(
      'A&B <x> "q" 1 000 中文',
    );
    const p = parseBlocks(doc('<p>1&nbsp;&nbsp;000</p>'))[0] as ParagraphModel;
    expect(p.runs).toMatchObject([{ kind: 'text', text: '1\u00a0\u00a0000' }]); // not collapsed in the model
  });

  it('leaves out head, style, script and comments', () => {
    expect(visibleText(doc('<p>a<!-- hidden --></p><script>var x = "no";</script><style>.x{}</style><p>b</p>'))).toBe(
      'a\nb',
    );
  });

  it('puts blocks on their own lines, line breaks too', () => {
    expect(visibleText(doc('<h1>Title</h1><div>one<p>two</p>three</div><p>x <br> y</p>'))).toBe(
      'Title\none\ntwo\nthree\nx\ny',
    );
  });

  it('reads tables row by row, cells separated by a space', () => {
    const html = doc(
      '<table><thead><tr><th>日期</th><th>金额</th></tr></thead><tbody><tr><td>2026-01-01</td><td><p>¥1.00</p><p>note</p></td></tr></tbody></table>',
    );
    expect(visibleText(html)).toBe('日期 金额\n2026-01-01 ¥1.00 note');
  });

  it('reads list items without markers (DOCX numbering is not text either)', () => {
    expect(visibleText(doc('<ol><li>one</li><li>two<ul><li>inner</li></ul></li></ol>'))).toBe('one\ntwo\ninner');
  });

  it('works on a fragment without <body>', () => {
    expect(visibleText('<p>just</p> <p>this</p>')).toBe('just\nthis');
  });

  it('normalises any whitespace for comparison', () => {
    expect(normaliseText(' a\n\tb\u00a0c\u3000d ')).toBe('a b c d');
  });
});

describe('parseBlocks', () => {
  it('places cells on the grid around rowspans and colspans', () => {
    const [table] = parseBlocks(
      doc(`<table><thead>
        <tr><th rowspan="2">A</th><th colspan="2">B</th><th rowspan="2">C</th></tr>
        <tr><th>B1</th><th>B2</th></tr></thead>
        <tbody><tr><td>1</td><td>2</td><td>3</td><td>4</td></tr></tbody></table>`),
    ) as TableModel[];
    expect(table.columns).toBe(4);
    expect(table.rows.map((r) => r.header)).toEqual([true, true, false]);
    expect(table.rows[0].cells.map((c) => [c.column, c.colSpan, c.rowSpan])).toEqual([
      [0, 1, 2],
      [1, 2, 1],
      [3, 1, 2],
    ]);
    expect(table.rows[1].cells.map((c) => c.column)).toEqual([1, 2]); // pushed right of A, before C
    expect(table.rows[2].cells.map((c) => c.column)).toEqual([0, 1, 2, 3]);
  });

  it('takes column widths from <col>, th or td widths and the CSS; columns without one share the rest', () => {
    const html = (cols: string, cells = '<td>a</td><td>b</td><td>c</td>', css = '') =>
      doc(`<style>${css}</style><table>${cols}<tr>${cells}</tr></table>`);
    const widths = (h: string) => (parseBlocks(h)[0] as TableModel).widths;
    expect(widths(html('<colgroup><col width="50%"><col width="30%"><col style="width: 20%"></colgroup>'))).toEqual([
      0.5, 0.3, 0.2,
    ]);
    expect(widths(html('<colgroup><col width="50%"><col span="2" width="25%"></colgroup>'))).toEqual([0.5, 0.25, 0.25]);
    expect(widths(html('<colgroup><col width="50%"><col></colgroup>'))).toEqual([0.5, 0.25, 0.25]);
    expect(widths(html('', '<td style="width: 40%">a</td><td width="20%">b</td><td>c</td>'))).toEqual([0.4, 0.2, 0.4]);
    expect(
      widths(html('<colgroup><col class="date"><col><col></colgroup>', undefined, 'col.date { width: 20% }')),
    ).toEqual([0.2, 0.4, 0.4]);
    expect(widths(html(''))).toBeUndefined();
    expect(widths(html('<colgroup><col width="100%"><col></colgroup>'))).toBeUndefined(); // nothing left for the rest
  });

  it('reads font sizes, weight, line height and no-wrap from the CSS, with descendant selectors', () => {
    const css = `body { font-size: 9pt; line-height: 1.45; } table.ledger { font-size: 8pt; }
      .nowrap { white-space: nowrap; } table.ledger td.big { font-size: 150%; } p > span.b { font-weight: bold; }
      @page { size: A4; } @media print { td { font-size: 20pt; } } a[href] { font-size: 30pt; }`;
    const blocks = parseBlocks(
      doc(`<style>${css}</style><p>body <span class="b">bold</span></p>
        <table class="ledger"><tr><td class="nowrap">2026-10-08</td><td class="big">x</td><td>y</td></tr></table>`),
    );
    const p = blocks[0] as ParagraphModel;
    expect(p.size).toBe(9);
    expect(p.lineHeight).toBe(1.45);
    expect(p.runs.map((r) => r.kind === 'text' && [r.text, r.bold])).toEqual([
      ['body ', false],
      ['bold', true],
    ]);
    const t = blocks[1] as TableModel;
    expect(t.rows[0].cells.map((c) => [c.noWrap, c.size])).toEqual([
      [true, 8],
      [false, 12],
      [false, 8],
    ]);
  });

  it('marks th bold, applies alignment classes and the plain table class', () => {
    const [table] = parseBlocks(
      doc('<table class="plain"><tr><th>h</th><td class="text-right">1</td></tr></table>'),
    ) as TableModel[];
    expect(table.plain).toBe(true);
    const [th, td] = table.rows[0].cells.map((c) => c.blocks[0] as ParagraphModel);
    expect(th.runs[0]).toMatchObject({ bold: true });
    expect(td.align).toBe('right');
  });

  it('keeps a signature block together and turns page-break divs into page breaks', () => {
    const blocks = parseBlocks(
      doc('<p>x</p><div class="page-break"></div><div class="signature-block"><p>role</p><p>name</p><p>date</p></div>'),
    );
    expect(blocks.map((b) => b.kind)).toEqual(['paragraph', 'pageBreak', 'paragraph', 'paragraph', 'paragraph']);
    expect(blocks.slice(2).map((b) => (b as ParagraphModel).keepNext)).toEqual([true, true, undefined]);
  });

  it('numbers each ordered list on its own', () => {
    const blocks = parseBlocks(
      doc('<ol><li>a</li></ol><ol><li>b</li><li>c<ul><li>d</li></ul></li></ol>'),
    ) as ParagraphModel[];
    expect(blocks.map((b) => b.list)).toEqual([
      { ordered: true, level: 0, instance: 1 },
      { ordered: true, level: 0, instance: 2 },
      { ordered: true, level: 0, instance: 2 },
      { ordered: false, level: 1, instance: 0 },
    ]);
  });

  it('reads PNG and JPEG sizes from data: URIs and fetches nothing else', () => {
    const pngUri = `data:image/png;base64,${png(64, 32).toString('base64')}`;
    // SOI, an APP0 segment to skip, then SOF0 with height 120 and width 200.
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x78, 0x00, 0xc8, 0x01, 0x01,
      0x11, 0x00, 0xff, 0xd9,
    ]);
    const [p] = parseBlocks(
      doc(
        `<p><img src="${pngUri}"><img src="${pngUri}" width="128"><img src="data:image/jpeg;base64,${jpeg.toString('base64')}">` +
          `<img src="http://127.0.0.1:9/x.png"><img class="seal" data-seal="company" alt=""></p>`,
      ),
    ) as ParagraphModel[];
    const images = p.runs as ImageRunModel[];
    expect(images.map((i) => [i.type, i.width, i.height])).toEqual([
      ['png', 64, 32],
      ['png', 128, 64],
      ['jpg', 200, 120],
    ]);
  });
});
