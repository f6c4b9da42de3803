import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DOCX_FONTS, htmlToDocx } from '../../src/rendering/docx/html-to-docx.js';
import { png } from '../../src/rendering/docx/testing/png.js';
import {
  pyDocxText,
  readDocxWithPython,
  type PyDocx,
  type PyTable,
} from '../../src/rendering/docx/testing/python-docx.js';
import { normaliseText, visibleText } from '../../src/rendering/docx/visible-text.js';
import { TemplateEngine, type RenderedHtml } from '../../src/rendering/templates/template-engine.js';

// HTML -> DOCX checked with python-docx (an independent reader) and the raw WordprocessingML.

async function toDocx(r: RenderedHtml, orientation?: 'portrait' | 'landscape'): Promise<Buffer> {
  return htmlToDocx({
    html: r.html,
    headerText: r.headerText,
    footer: 'page-x-of-y',
    locale: r.locale,
    title: r.title,
    orientation,
  });
}

const tables = (doc: PyDocx) => doc.blocks.filter((b): b is PyTable => b.kind === 'table');
const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;
/** Each <w:r> of a part's runs that carries text. */
const textRuns = (xml: string) =>
  xml
    .split(/<w:r>/)
    .slice(1)
    .map((r) => r.split('</w:r>')[0])
    .filter((r) => r.includes('<w:t'));

describe.each([
  [
    'zh-CN',
    {
      customer: '山东鲁北化工股份有限公司',
      amountHeader: '金额 (CNY)',
      footer: ['第 ', ' 页 / 共 ', ' 页'],
      title: '对账单',
      total: '¥1,535,750.50',
    },
  ],
  [
    'en',
    {
      customer: '山东鲁北化工股份有限公司',
      amountHeader: 'Amount (CNY)',
      footer: ['Page ', ' of '],
      title: 'Statement of Account',
      total: '¥1,535,750.50',
    },
  ],
  [
    'es',
    {
      customer: '山东鲁北化工股份有限公司',
      amountHeader: 'Importe (CNY)',
      footer: ['Página ', ' de '],
      title: 'Estado de cuenta',
      total: '1.535.750,50 CNY', // a non-breaking space in the DOCX; the text read back has plain spaces
    },
  ],
] as const)('customer-statement as DOCX (%s)', (locale, expected) => {
  const engine = new TemplateEngine();
  let rendered: RenderedHtml;
  let doc: PyDocx;
  let body: string;

  beforeAll(async () => {
    rendered = engine.render('customer-statement', engine.sample('customer-statement'), { locale });
    doc = await readDocxWithPython(await toDocx(rendered));
    body = doc.parts['word/document.xml'];
  });

  it('has exactly the text of the HTML body, in the same order', () => {
    const html = visibleText(rendered.html);
    expect(pyDocxText(doc)).toBe(html); // line by line
    expect(normaliseText(pyDocxText(doc))).toBe(normaliseText(html));
    expect(html.split('\n').length).toBeGreaterThan(40);
  });

  it('keeps the Chinese text intact', () => {
    const text = pyDocxText(doc);
    expect(text).toContain(expected.customer);
    expect(text).toContain('壹佰伍拾叁万伍仟柒佰伍拾元伍角整');
    expect(text).toContain('江苏恒远仪器设备有限公司');
    expect(text).toContain(expected.total);
  });

  it('repeats the ledger header rows on every page and merges the amount header', () => {
    const ledger = tables(doc).find((t) => t.rows[0].cells.some((c) => c.text === expected.amountHeader));
    if (!ledger) throw new Error('no ledger table');
    expect(ledger.rows.map((r) => r.header).slice(0, 3)).toEqual([true, true, false]);
    expect(ledger.rows[0].cells.find((c) => c.text === expected.amountHeader)?.gridSpan).toBe(3);
    // Date, type, reference and description span both header rows.
    expect(ledger.rows[0].cells.slice(0, 4).map((c) => c.mergeStart)).toEqual([true, true, true, true]);
    expect(ledger.rows[1].cells.slice(0, 4).map((c) => c.continued)).toEqual([true, true, true, true]);
    expect(ledger.rows.length).toBe(2 + 1 + 8 + 2); // header rows, opening, lines, totals
    expect(body).toContain('<w:tblHeader/>');
    expect(body).toMatch(/<w:gridSpan w:val="3"\/>/);
  });

  it('names a face Word and WPS users have as the East Asian font of the default and heading styles', () => {
    const runs = textRuns(body);
    expect(runs.length).toBeGreaterThan(100);
    // The runs take it from their styles: none names another face.
    for (const run of runs) expect(run).not.toMatch(/w:eastAsia="(?!Microsoft YaHei")/);
    const styles = doc.parts['word/styles.xml'];
    expect(styles).toMatch(new RegExp(`<w:docDefaults>.*w:eastAsia="${DOCX_FONTS.sans.name}".*</w:docDefaults>`, 's'));
    expect(styles).toMatch(new RegExp(`w:styleId="Heading1".*?w:eastAsia="${DOCX_FONTS.sans.name}".*?</w:style>`, 's'));
    // The font table gives Word and WPS the Chinese name and the class of each face, to substitute a missing one.
    const fontTable = doc.parts['word/fontTable.xml'];
    expect(fontTable).toMatch(
      /<w:font w:name="Microsoft YaHei"><w:altName w:val="微软雅黑"\/>.*<w:charset w:val="86"\/>/,
    );
    expect(fontTable).toContain('<w:altName w:val="宋体"/>');
    expect(fontTable).toContain('<w:altName w:val="黑体"/>');
  });

  it('styles the letterhead name and the headings as the PDF does, with styles of their own', () => {
    const paragraphs = doc.blocks.filter((b) => b.kind === 'p');
    expect(paragraphs[0]).toEqual({ kind: 'p', text: '江苏恒远仪器设备有限公司', style: 'Letterhead' });
    expect(paragraphs.find((p) => p.text === expected.title)?.style).toBe('Heading 1');
    expect(paragraphs.filter((p) => p.style === 'Heading 2').length).toBe(3);
    const styles = doc.parts['word/styles.xml'];
    const style = (id: string) =>
      new RegExp(`<w:style [^>]*w:styleId="${id}".*?</w:style>`, 's').exec(styles)?.[0] ?? '';
    // base.css: .letterhead-name 14 pt bold, h1 16 pt, h2 11 pt, body 9 pt (sizes in half-points).
    expect(style('Letterhead')).toMatch(/<w:b\/>.*<w:sz w:val="28"\/>/s);
    expect(style('Heading1')).toContain('<w:sz w:val="32"/>');
    expect(style('Heading2')).toContain('<w:sz w:val="22"/>');
    expect(styles).toMatch(/<w:docDefaults>.*<w:sz w:val="18"\/>.*<\/w:docDefaults>/s);
    // The letterhead's rule under its last line.
    const beforeTitle = body.slice(0, body.indexOf('<w:pStyle w:val="Heading1"/>'));
    expect(beforeTitle).toContain('<w:pBdr><w:bottom w:val="single" w:color="222222" w:sz="10" w:space="4"/></w:pBdr>');
  });

  it('gives the ledger its 8 pt text and widens its date column to hold a date on one line', () => {
    const grids = [...body.matchAll(/<w:tblGrid>(.*?)<\/w:tblGrid>/gs)].map((m) =>
      [...m[1].matchAll(/w:w="(\d+)"/g)].map((g) => Number(g[1])),
    );
    const ledger = grids.find((g) => g.length === 7)!;
    const total = ledger.reduce((a, b) => a + b, 0);
    expect(total).toBe(11906 - 2 * 850); // the page's text width
    expect(ledger[0] / total).toBeGreaterThan(0.095); // the template's 9.5% is a little short for 2026-10-08
    // A table cell's date: 2026-10-08, in es 08/10/2026.
    expect(body).toMatch(new RegExp(`<w:sz w:val="16"/>.*${locale === 'es' ? '08/10/2026' : '2026-10-08'}`, 's'));
  });

  it('numbers pages with PAGE and NUMPAGES fields in the footer and puts the title in the header', () => {
    const footer = Object.entries(doc.parts).find(([name]) => /^word\/footer\d*\.xml$/.test(name))?.[1] ?? '';
    expect(footer).toMatch(/<w:instrText[^>]*>\s*PAGE\s*<\/w:instrText>/);
    expect(footer).toMatch(/<w:instrText[^>]*>\s*NUMPAGES\s*<\/w:instrText>/);
    for (const words of expected.footer) expect(footer).toContain(`>${words}</w:t>`);
    const header = Object.entries(doc.parts).find(([name]) => /^word\/header\d*\.xml$/.test(name))?.[1] ?? '';
    expect(header).toContain(rendered.headerText);
    expect(header).toContain(expected.title);
  });

  it('is an A4 page', () => {
    expect(body).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
  });
});

describe('the 10-page customer statement as DOCX', () => {
  it('carries every ledger line with the same text as the HTML', async () => {
    const engine = new TemplateEngine();
    const data = engine.sample('customer-statement', 'sample-10-pages') as { lines: unknown[] };
    const rendered = engine.render('customer-statement', data);
    const doc = await readDocxWithPython(await toDocx(rendered));
    expect(pyDocxText(doc)).toBe(visibleText(rendered.html));
    const ledger = tables(doc).find((t) => t.rows[0].header && t.rows.length > 100);
    expect(ledger?.rows.length).toBe(2 + 1 + data.lines.length + 2);
  });
});

describe('a synthetic template with merged cells, images, lists and a page break', () => {
  const root = mkdtempSync(join(tmpdir(), 'tenderdesk-docx-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const files: Record<string, string> = {
    '_partials/header.hbs': '<div style="font-family:\'Tenderdesk Sans\'">{{@title}}</div>',
    '_partials/footer.hbs': '<div style="font-family:\'Tenderdesk Sans\'"><span class="pageNumber"></span></div>',
    'synthetic/meta.json': '{"title": {"zh-CN": "合成文档", "en": "Synthetic"}}',
    'synthetic/template.hbs': `<h2>{{heading}}</h2>
<table>
  <colgroup><col width="40%"><col width="30%"><col width="30%"></colgroup>
  <thead>
    <tr><th rowspan="2">项目</th><th colspan="2" class="text-center">数量</th></tr>
    <tr><th>计划</th><th>实际</th></tr>
  </thead>
  <tbody>
    {{#each rows}}
    <tr>{{#if @first}}<td rowspan="{{../rows.length}}">{{../group}}</td>{{/if}}<td>{{planned}}</td><td>{{actual}}</td></tr>
    {{/each}}
    <tr><td colspan="3" class="text-right">{{t "money.total"}}{{t "colon"}}{{money total}}</td></tr>
  </tbody>
</table>
<p><img src="{{logo}}" alt="logo"> 图片后的文字</p>
<p><img src="{{wide}}" alt=""></p>
<ol><li>第一</li><li>第二</li></ol>
<ul><li>要点</li></ul>
{{pageBreak}}
<p>第二页 <strong>加粗</strong> <em>斜体</em> <u>下划线</u></p>
`,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const data = {
    heading: '合并单元格与图片',
    group: '光谱仪',
    rows: [
      { planned: '3', actual: '2' },
      { planned: '5', actual: '5' },
      { planned: '1', actual: '0' },
    ],
    total: '12345.60',
    logo: `data:image/png;base64,${png(64, 32).toString('base64')}`,
    wide: `data:image/png;base64,${png(2000, 100).toString('base64')}`,
  };
  let rendered: RenderedHtml;
  let doc: PyDocx;
  let body: string;

  beforeAll(async () => {
    rendered = new TemplateEngine(root).render('synthetic', data);
    doc = await readDocxWithPython(await toDocx(rendered, 'landscape'));
    body = doc.parts['word/document.xml'];
  });

  it('has the text of the HTML', () => {
    expect(pyDocxText(doc)).toBe(visibleText(rendered.html));
    expect(pyDocxText(doc)).toContain('合计：¥12,345.60');
  });

  it('maps rowspan and colspan onto vertical merges and grid spans', () => {
    const [t] = tables(doc);
    expect(t.rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['项目', '数量'],
      ['', '计划', '实际'],
      ['光谱仪', '3', '2'],
      ['', '5', '5'],
      ['', '1', '0'],
      ['合计：¥12,345.60'],
    ]);
    expect(t.rows[0].cells.map((c) => c.gridSpan)).toEqual([1, 2]);
    expect(t.rows[5].cells[0].gridSpan).toBe(3);
    expect(t.rows.map((r) => r.cells[0].mergeStart)).toEqual([true, false, true, false, false, false]);
    expect(t.rows.map((r) => r.cells[0].continued)).toEqual([false, true, false, true, true, false]);
    expect(t.rows.map((r) => r.header)).toEqual([true, true, false, false, false, false]);
    expect(body).toContain('<w:jc w:val="right"/>'); // the total cell's text-right
    expect(body).toContain('<w:jc w:val="center"/>');
  });

  it('embeds the data: URI images at their pixel size, scaled down to fit the page', () => {
    const extents = [...body.matchAll(/<wp:extent cx="(\d+)" cy="(\d+)"\/>/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const emuPerPx = 9525;
    expect(extents[0]).toEqual([64 * emuPerPx, 32 * emuPerPx]);
    // Landscape A4 leaves 16838 - 2 * 850 twips = 1009 px: 2000 x 100 becomes 1009 x 50.
    expect(extents[1]).toEqual([1009 * emuPerPx, 50 * emuPerPx]);
    expect(count(body, /r:embed="/g)).toBe(2);
  });

  it('writes lists as numbering, the page break, emphasis and a landscape page', () => {
    expect(count(body, /<w:numPr>/g)).toBe(3);
    expect(doc.parts['word/numbering.xml']).toContain('w:val="decimal"');
    expect(doc.parts['word/numbering.xml']).toContain('w:val="bullet"');
    expect(body).toContain('<w:br w:type="page"/>');
    expect(body).toMatch(/<w:b\/>.*加粗/s);
    expect(body).toMatch(/<w:i\/>.*斜体/s);
    expect(body).toMatch(/<w:u w:val="single"\/>.*下划线/s);
    expect(body).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/);
    expect(doc.blocks.find((b) => b.kind === 'p' && b.text === '合并单元格与图片')).toMatchObject({
      style: 'Heading 2',
    });
  });
});

describe('a serif document', () => {
  it('names SimSun for its serif body and SimHei for its sans headings (宋体 body, 黑体 headings)', async () => {
    const html = `<!doctype html><html><head><style>
      body { font-family: 'Tenderdesk Serif', serif; font-size: 10.5pt; }
      h1 { font-family: 'Tenderdesk Sans'; font-size: 16pt; } .sans { font-family: 'Tenderdesk Sans'; }
    </style></head><body><h1>投标函</h1><p>正文 <span class="sans">黑体字</span></p></body></html>`;
    const doc = await readDocxWithPython(await htmlToDocx({ html, locale: 'zh-CN', title: '投标函' }));
    const styles = doc.parts['word/styles.xml'];
    const body = doc.parts['word/document.xml'];
    expect(styles).toMatch(/<w:docDefaults>.*w:eastAsia="SimSun".*<w:sz w:val="21"\/>.*<\/w:docDefaults>/s);
    expect(styles).toMatch(/w:styleId="Heading1".*?w:eastAsia="SimHei".*?<w:sz w:val="32"\/>.*?<\/w:style>/s);
    expect(body).toMatch(/w:eastAsia="SimHei"[^]*?黑体字/);
    expect(textRuns(body).find((r) => r.includes('正文'))).not.toContain('w:eastAsia');
  });
});
