import 'reflect-metadata';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/app-config.js';
import { BrowserPool } from '../../src/rendering/pdf/browser-pool.js';
import { PdfFonts } from '../../src/rendering/pdf/fonts.js';
import { PdfRenderer } from '../../src/rendering/pdf/pdf-renderer.js';
import { readDocxWithPython, pyDocxText } from '../../src/rendering/docx/testing/python-docx.js';
import { RenderingService } from '../../src/rendering/rendering.service.js';
import { loadSigner, signerSourceFromConfig } from '../../src/rendering/signing/certificates.js';
import { defaultTemplatesRoot, TemplateEngine } from '../../src/rendering/templates/template-engine.js';
import { glyphVariety, inkBox, rasterize, VARIETY_MIN, type Gray } from '../support/raster.js';
import { pdfText, squash, tool, withFiles } from '../support/tools.js';

// Every built-in document type rendered with the serif face as its default ("font": "serif" in a copy of its
// meta.json), on its sample.json, through RenderingService (real Chromium, signed PDF and DOCX), checked with
// poppler, qpdf and python-docx as the documents e2e test checks the sans documents.

const builtIn = new TemplateEngine();
const TYPES = builtIn.types();
const storage = mkdtempSync(join(tmpdir(), 'td-serif-test-'));
/** A copy of templates/ in which every document type says "font": "serif". */
const serifRoot = join(storage, 'templates');
cpSync(defaultTemplatesRoot(), serifRoot, { recursive: true });
for (const type of TYPES) {
  const file = join(serifRoot, type, 'meta.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), font: 'serif' }));
}
const serif = new TemplateEngine(serifRoot);

function makeRenderer(): { pool: BrowserPool; renderer: PdfRenderer } {
  const fonts = new PdfFonts();
  const pool = new BrowserPool(loadConfig({ STORAGE_DIR: storage }), fonts);
  return { pool, renderer: new PdfRenderer(pool, fonts) };
}

interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
}
async function pdfFonts(pdf: Buffer): Promise<PdfFont[]> {
  const { out } = await withFiles({ 'a.pdf': pdf }, (dir) => tool('pdffonts', [join(dir, 'a.pdf')]));
  return out
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => {
      const m = /^(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$/.exec(line)!;
      return { name: m[1], type: m[2], embedded: m[4] === 'yes', subset: m[5] === 'yes' };
    });
}
/** The faces (NotoSansSC-Regular, NotoSerifSC-Bold, ...) without the subset tags. */
const faces = (fonts: PdfFont[]) => [...new Set(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')))].sort();
/** The distinct non-ASCII characters of a text. */
const cjkChars = (text: string) => [...new Set([...squash(text)].filter((c) => c.codePointAt(0)! > 0x7e))].sort();

/** Share of the pixels inked in either page that are inked in one only (0: the same drawing; 1: nothing shared). */
function inkDifference(a: Gray, b: Gray): number {
  let either = 0;
  let one = 0;
  for (let i = 0; i < Math.min(a.px.length, b.px.length); i++) {
    const da = a.px[i] < 128;
    const db = b.px[i] < 128;
    if (da || db) either++;
    if (da !== db) one++;
  }
  return one / Math.max(1, either);
}
const inkOf = (img: Gray) => img.px.reduce((n, v) => n + (v < 128 ? 1 : 0), 0);

const probe = (family: string, text: string, weight = 400) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>` +
  `body { margin: 0; font-family: '${family}'; } p { font-size: 28pt; font-weight: ${weight}; line-height: 1; margin: 0; white-space: nowrap; }` +
  `</style></head><body><p>${text}</p></body></html>`;
const CAPITAL_AMOUNT = '壹拾贰万叁仟肆佰伍拾陆元柒角捌分';
const EMPTY = '<span></span>';

afterAll(() => rmSync(storage, { recursive: true, force: true }));

describe("the serif face (Noto Serif SC) as every document type's default", () => {
  const { pool, renderer } = makeRenderer();
  let rendering: RenderingService;
  beforeAll(async () => {
    const config = loadConfig({ STORAGE_DIR: storage });
    rendering = new RenderingService(serif, renderer, await loadSigner(signerSourceFromConfig(config)), config);
  });
  afterAll(async () => {
    await rendering?.onApplicationShutdown();
    await pool.close();
  });

  describe.each(TYPES)('%s', (type) => {
    const data = builtIn.sample(type);
    const html = serif.render(type, data);
    const sansHtml = builtIn.render(type, data);
    let pdf: Buffer;
    let docx: Buffer;
    let sansPdf: Buffer;

    beforeAll(async () => {
      const issued = await rendering.render({ template: type, data, formats: ['pdf', 'docx'], sign: true });
      [pdf, docx] = ['pdf', 'docx'].map((f) => issued.files.find((file) => file.format === f)!.bytes);
      sansPdf = await renderer.render({
        html: sansHtml.html,
        headerHtml: sansHtml.headerHtml,
        footerHtml: sansHtml.footerHtml,
      });
    }, 120_000);

    it('embeds both faces where used, as CID TrueType subsets: serif text (bold too), sans headings', async () => {
      const fonts = await pdfFonts(pdf);
      for (const font of fonts) {
        expect(font).toEqual({
          name: expect.stringMatching(/^[A-Z]{6}\+Noto(Sans|Serif)SC-(Regular|Bold)$/),
          type: 'CID TrueType',
          embedded: true,
          subset: true,
        });
      }
      const used = faces(fonts);
      expect(used).toContain('NotoSerifSC-Regular');
      // Chromium's header and footer templates still print, in the sans subset fontconfig serves them.
      expect(used).toContain('NotoSansSC-Regular');
      // Bold body text (table headers, the letterhead's name, signature roles) is the serif face's bold.
      if (/<th\b|<strong\b|<b\b|class="[^"]*\b(letterhead-name|signature-role)\b/.test(html.html))
        expect(used).toContain('NotoSerifSC-Bold');
      // Headings are the sans face's bold (黑体 headings over 宋体 text).
      if (/<h[1-4]\b/.test(html.html)) expect(used).toContain('NotoSansSC-Bold');
      // The same document in the sans face carries no serif font: it is only embedded where a document uses it.
      expect(faces(await pdfFonts(sansPdf)).filter((f) => f.includes('Serif'))).toEqual([]);
    });

    it('is a signed PDF that qpdf accepts, and a DOCX that python-docx reads', async () => {
      await withFiles({ 'd.pdf': pdf }, async (dir) => {
        expect((await tool('qpdf', ['--check', join(dir, 'd.pdf')])).code).toBe(0);
        const sig = await tool('pdfsig', [join(dir, 'd.pdf')]);
        expect(sig.out).toContain('Signature is Valid.');
        expect(sig.out).toContain('Total document signed');
      });
      expect(cjkChars(pyDocxText(await readDocxWithPython(docx))).length).toBeGreaterThan(20);
    });

    it('extracts the same Chinese text as the sans document, header and footer included', async () => {
      const text = await pdfText(pdf);
      expect(cjkChars(text).length).toBeGreaterThan(20);
      expect(cjkChars(text)).toEqual(cjkChars(await pdfText(sansPdf)));
      if (builtIn.pageNumbering(type) === 'footer') expect(squash(await pdfText(pdf, 1))).toMatch(/第1页\/共\d+页/);
    });

    it('draws its first page in another face than the sans document, with as much text', async () => {
      const page = await rasterize(pdf, 1, 100);
      const sansPage = await rasterize(sansPdf, 1, 100);
      // Serif strokes are thinner: measured 0.65-0.79 of the sans page's ink.
      expect(inkOf(page) / inkOf(sansPage)).toBeGreaterThan(0.5);
      expect(inkOf(page) / inkOf(sansPage)).toBeLessThan(1.5);
      expect(inkDifference(page, sansPage)).toBeGreaterThan(0.2); // measured 0.39-0.66; the same face twice: 0
    });
  });

  it('draws the serif glyphs, regular and bold (rasterised), and they are not the sans glyphs', async () => {
    const line = async (family: string, weight = 400) => {
      const pdf = await renderer.render({
        html: probe(family, CAPITAL_AMOUNT, weight),
        headerHtml: EMPTY,
        footerHtml: EMPTY,
      });
      const img = await rasterize(pdf);
      return { img, box: inkBox(img, 0, img.height)!, fonts: faces(await pdfFonts(pdf)) };
    };
    const regular = await line('Tenderdesk Serif');
    const bold = await line('Tenderdesk Serif', 700);
    const sans = await line('Tenderdesk Sans');
    expect(regular.fonts).toEqual(['NotoSerifSC-Regular']);
    expect(bold.fonts).toEqual(['NotoSerifSC-Bold']);
    for (const { img, box } of [regular, bold]) {
      expect(box).toBeDefined();
      expect(glyphVariety(img, box, 16)).toBeGreaterThan(VARIETY_MIN);
    }
    expect(bold.box.ink).toBeGreaterThan(regular.box.ink * 1.2);
    expect(inkDifference(regular.img, sans.img)).toBeGreaterThan(0.3);
  }, 120_000);
});

describe('header/footer templates naming the serif face', () => {
  it('print with the serif subset fontconfig serves them', async () => {
    const { pool, renderer } = makeRenderer(); // a new pool: its browser launches after it has seen the header
    try {
      const headerHtml = `<div style="font-family: 'Tenderdesk Serif'; font-size: 20pt; line-height: 1; margin-left: 15mm; white-space: nowrap;">${CAPITAL_AMOUNT}</div>`;
      const pdf = await renderer.render({
        html: '<!doctype html><html><body></body></html>',
        headerHtml,
        footerHtml: EMPTY,
      });
      expect(faces(await pdfFonts(pdf))).toEqual(['NotoSerifSC-Regular']);
      expect(squash(await pdfText(pdf))).toContain(CAPITAL_AMOUNT);
      const img = await rasterize(pdf);
      const headerLine = inkBox(img, 0, Math.round((20 / 25.4) * 50))!; // inside the 20 mm top margin
      expect(headerLine).toBeDefined();
      expect(glyphVariety(img, headerLine, 16)).toBeGreaterThan(VARIETY_MIN);
    } finally {
      await pool.close();
    }
  }, 120_000);
});

describe("a document with characters the browser's fonts lack", () => {
  it('prints them in its face: local() faces for the browser fonts, a subset of the rest as data: URIs', async () => {
    const fonts = new PdfFonts();
    const pool = new BrowserPool(loadConfig({ STORAGE_DIR: storage }), fonts);
    const renderer = new PdfRenderer(pool, fonts);
    try {
      const print = (family: string, text: string, weight = 400) =>
        renderer.render({ html: probe(family, text, weight), headerHtml: EMPTY, footerHtml: EMPTY });
      await print('Tenderdesk Serif', '客户'); // the browser launches with these characters, in both faces
      const system = fonts.latestSystemFonts()!;
      expect(system.chars.serif?.has('客'.codePointAt(0)!)).toBe(true);
      expect(system.chars.serif?.has('壹'.codePointAt(0)!)).toBe(false);
      // What the renderer gives the next document: the path under test, not the system fonts alone.
      expect(await fonts.fontFaceCss(probe('Tenderdesk Serif', `客户${CAPITAL_AMOUNT}`), system)).toContain(
        "src:local('TenderdeskSerif-400')",
      );
      for (const weight of [400, 700]) {
        const pdf = await print('Tenderdesk Serif', `客户${CAPITAL_AMOUNT}`, weight);
        expect(faces(await pdfFonts(pdf))).toEqual([weight === 400 ? 'NotoSerifSC-Regular' : 'NotoSerifSC-Bold']);
        expect(squash(await pdfText(pdf))).toContain(`客户${CAPITAL_AMOUNT}`);
        const img = await rasterize(pdf);
        expect(glyphVariety(img, inkBox(img, 0, img.height)!, 16)).toBeGreaterThan(VARIETY_MIN);
      }
      expect(fonts.latestSystemFonts()).toBe(system); // printed by that browser, not a new one
    } finally {
      await pool.close();
    }
  }, 120_000);
});
