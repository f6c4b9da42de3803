import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { documentCodepoints, PdfFonts, unicodeRange } from './fonts.js';
import { insertIntoHead } from './pdf-renderer.js';

const chars = (set: Set<number>) => new Set([...set].map((cp) => String.fromCodePoint(cp)));

describe('documentCodepoints', () => {
  it('collects the characters of text, CSS content and character references, plus printable ASCII', () => {
    const cps = chars(
      documentCodepoints('<style>td::after{content:"角"}</style><p>壹拾&#36144;&#x5143;&yen;&nbsp;𠀋</p>'),
    );
    for (const c of ['角', '壹', '拾', '贰', '元', '¥', '\u00a0', '𠀋', 'A', '~', ' ']) expect(cps.has(c)).toBe(true);
    expect(cps.has('\n')).toBe(false);
  });
});

describe('PdfFonts.fontFaceCss', () => {
  it('defines Tenderdesk Sans 400 and 700 as small TrueType subsets, the same CSS for the same characters', async () => {
    const fonts = new PdfFonts();
    const css = await fonts.fontFaceCss('<p>客户对账单 壹拾贰万叁仟肆佰伍拾陆元柒角捌分</p>');
    const faces = [...css.matchAll(/font-weight:(\d+);src:url\(data:font\/ttf;base64,([A-Za-z0-9+/=]+)\)/g)];
    expect(faces.map((m) => m[1])).toEqual(['400', '700']);
    for (const [, , base64] of faces) {
      const font = Buffer.from(base64, 'base64');
      expect(font.readUInt32BE(0)).toBe(0x00010000); // TrueType outlines (glyf), not CFF
      expect(font.length).toBeLessThan(80_000); // vs 10.5 MB for the whole font
    }
    expect(await fonts.fontFaceCss('<p>壹拾贰万叁仟肆佰伍拾陆元柒角捌分 客户对账单</p>')).toBe(css);
  });
});

describe('PdfFonts.fontFaceCss across documents', () => {
  const ranges = (css: string) => [...css.matchAll(/unicode-range:([^;]+);/g)].map((m) => m[1]);

  it('keeps one shared subset and adds the characters a document has beyond it as a subset limited by unicode-range', async () => {
    const fonts = new PdfFonts();
    const first = await fonts.fontFaceCss('<p>客户对账单</p>');
    expect(ranges(first)).toEqual([]);
    const second = await fonts.fontFaceCss('<p>客户对账单 甲乙</p>');
    expect(second.startsWith(first)).toBe(true); // the same data: URIs again: Chromium has them decoded already
    expect(ranges(second)).toEqual(['U+4e59,U+7532', 'U+4e59,U+7532']); // 乙 甲, for 400 and 700
    const extra = second.slice(first.length);
    for (const [, base64] of extra.matchAll(/base64,([A-Za-z0-9+/=]+)\)/g)) {
      expect(Buffer.from(base64!, 'base64').length).toBeLessThan(10_000);
    }
  });

  it('rebuilds the shared subset with the new characters once enough have been seen', async () => {
    const fonts = new PdfFonts();
    const first = await fonts.fontFaceCss('<p>客户对账单</p>');
    const many = Array.from({ length: 60 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    const rebuilt = await fonts.fontFaceCss(`<p>${many}</p>`);
    expect(ranges(rebuilt)).toEqual([]); // all in the new shared subset
    expect(rebuilt).not.toBe(first);
    expect(await fonts.fontFaceCss('<p>客户</p>')).toBe(rebuilt);
  });
});

describe('PdfFonts.fontFaceCss with the serif face', () => {
  const families = (css: string) => [...css.matchAll(/font-family:'([^']+)';font-style:normal;font-weight:(\d+);/g)];

  it('adds Tenderdesk Serif 400 and 700 only to a document that names it, as its own small TrueType subsets', async () => {
    const fonts = new PdfFonts();
    const sans = await fonts.fontFaceCss('<style>body{font-family:"Tenderdesk Sans"}</style><p>客户对账单</p>');
    expect(families(sans).map((m) => `${m[1]} ${m[2]}`)).toEqual(['Tenderdesk Sans 400', 'Tenderdesk Sans 700']);
    const html =
      "<style>body{font-family:'Tenderdesk Serif'}h1{font-family:'Tenderdesk Sans'}</style><p>客户对账单</p>";
    const both = await fonts.fontFaceCss(html);
    expect(families(both).map((m) => `${m[1]} ${m[2]}`)).toEqual([
      'Tenderdesk Sans 400',
      'Tenderdesk Sans 700',
      'Tenderdesk Serif 400',
      'Tenderdesk Serif 700',
    ]);
    expect(both.startsWith(sans)).toBe(true); // the sans part is what a sans-only document gets
    const serifFonts = [...both.slice(sans.length).matchAll(/base64,([A-Za-z0-9+/=]+)\)/g)].map((m) =>
      Buffer.from(m[1]!, 'base64'),
    );
    expect(serifFonts).toHaveLength(2);
    for (const font of serifFonts) {
      expect(font.readUInt32BE(0)).toBe(0x00010000); // TrueType outlines
      expect(font.length).toBeLessThan(80_000); // vs 14.8 MB for the whole font
    }
    const sansFonts = [...sans.matchAll(/base64,([A-Za-z0-9+/=]+)\)/g)].map((m) => m[1]);
    expect(serifFonts.map((f) => f.toString('base64'))).not.toContain(sansFonts[0]); // another face, not a copy
    // Names in any case, quoted or not, in an inline style too.
    expect(await fonts.fontFaceCss('<p style="font-family: tenderdesk serif">客户</p>')).toContain(
      "'Tenderdesk Serif'",
    );
  });

  it('keeps a shared subset per face: a serif document does not change the sans CSS of the next sans document', async () => {
    const fonts = new PdfFonts();
    const first = await fonts.fontFaceCss('<p>客户对账单</p>');
    await fonts.fontFaceCss(`<p style="font-family:'Tenderdesk Serif'">${'甲乙丙丁戊己庚辛壬癸'.repeat(6)}</p>`);
    expect(await fonts.fontFaceCss('<p>客户对账单</p>')).toBe(first);
  });
});

describe('PdfFonts.writeFontconfig', () => {
  it('serves the header subsets as Tenderdesk Sans, and Tenderdesk Serif once a header/footer template named it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'td-fontconfig-'));
    try {
      const fonts = new PdfFonts();
      const before = await readFile((await fonts.writeFontconfig(join(dir, 'a'))).file, 'utf8');
      expect(before).toContain('<string>Tenderdesk Sans</string>');
      expect(before).not.toContain('Tenderdesk Serif');
      expect(await readdir(join(dir, 'a', 'fonts'))).toEqual(['TenderdeskSans-400.ttf', 'TenderdeskSans-700.ttf']);

      fonts.noteHeaderText('<div style="font-family:\'Tenderdesk Serif\'">页眉</div>');
      const after = await readFile((await fonts.writeFontconfig(join(dir, 'b'))).file, 'utf8');
      expect(after).toContain(`<string>${join(dir, 'b', 'fonts')}/TenderdeskSerif-700.ttf</string>`);
      expect(after).toContain(
        '<edit name="fullname" mode="assign" binding="same"><string>TenderdeskSerif-700</string>',
      );
      expect(after).toContain('<string>Tenderdesk Serif</string>');
      const files = await readdir(join(dir, 'b', 'fonts'));
      expect(files.sort()).toEqual([
        'TenderdeskSans-400.ttf',
        'TenderdeskSans-700.ttf',
        'TenderdeskSerif-400.ttf',
        'TenderdeskSerif-700.ttf',
      ]);
      const serif = await readFile(join(dir, 'b', 'fonts', 'TenderdeskSerif-400.ttf'));
      expect(serif.length).toBeLessThan(600_000); // the header subset, not the 14.8 MB font
      // The serif font's PostScript name, in the name table's UTF-16BE.
      const name = Buffer.from([...'NotoSerifSC-Regular'].flatMap((c) => [0, c.charCodeAt(0)]));
      expect(serif.includes(name)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('PdfFonts.fontFaceCss for a browser with system fonts', () => {
  const localFaces = (css: string) => [
    ...css.matchAll(/font-family:'([^']+)';font-style:normal;font-weight:(\d+);src:local\('([^']+)'\)/g),
  ];
  const dataFaces = (css: string) => [
    ...css.matchAll(/font-family:'([^']+)';font-style:normal;font-weight:(\d+);unicode-range:([^;]+);src:url\(data:/g),
  ];

  it('gives a document whose characters the browser has no @font-face, and one with others local() faces and the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'td-fontconfig-'));
    try {
      const fonts = new PdfFonts();
      expect(fonts.latestSystemFonts()).toBeUndefined();
      await fonts.fontFaceCss('<p>客户对账单</p>'); // before a launch: noted for it
      const system = await fonts.writeFontconfig(dir);
      expect(fonts.latestSystemFonts()).toBe(system);
      for (const c of '客户对账单A页') expect(system.chars.sans?.has(c.codePointAt(0)!)).toBe(true);
      expect(system.chars.serif).toBeUndefined();
      expect(await fonts.fontFaceCss('<p>客户 对账单</p>', system)).toBe('');

      const css = await fonts.fontFaceCss('<p>客户对账单 甲乙</p>', system);
      expect(localFaces(css).map((m) => m.slice(1).join(' '))).toEqual([
        'Tenderdesk Sans 400 TenderdeskSans-400',
        'Tenderdesk Sans 700 TenderdeskSans-700',
      ]);
      expect(dataFaces(css).map((m) => m.slice(1).join(' '))).toEqual([
        'Tenderdesk Sans 400 U+4e59,U+7532', // 乙 甲: only what the browser's font lacks
        'Tenderdesk Sans 700 U+4e59,U+7532',
      ]);
      expect(css.indexOf('local(')).toBeLessThan(css.indexOf('data:')); // the data: URI faces win for their characters

      // A serif document on a browser without the serif face: that face as data: URIs of all its characters.
      const serif = await fonts.fontFaceCss(`<p style="font-family:'Tenderdesk Serif'">客户</p>`, system);
      expect(localFaces(serif)).toEqual([]);
      expect([
        ...serif.matchAll(/font-family:'Tenderdesk Serif';font-style:normal;font-weight:(\d+);src:url\(data:/g),
      ]).toHaveLength(2);
      expect(serif).not.toContain("'Tenderdesk Sans'");
      // The next launch has the serif face and the characters seen since.
      const next = await fonts.writeFontconfig(join(dir, 'next'));
      expect(next.chars.serif?.has('甲'.codePointAt(0)!)).toBe(true);
      expect(await fonts.fontFaceCss(`<p style="font-family:'Tenderdesk Serif'">客户甲乙</p>`, next)).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes runs of code points as ranges in a unicode-range', () => {
    expect(unicodeRange([0x4e01, 0x20, 0x21, 0x22, 0x4e00, 0x7532])).toBe('U+20-22,U+4e00-4e01,U+7532');
  });
});

describe('insertIntoHead', () => {
  it('inserts at the start of <head>, of <html> without a head, or of the text', () => {
    expect(insertIntoHead('<!doctype html><html lang="zh"><head><title>t</title></head></html>', 'X')).toBe(
      '<!doctype html><html lang="zh"><head>X<title>t</title></head></html>',
    );
    expect(insertIntoHead('<html><body><header>h</header></body></html>', 'X')).toBe(
      '<html>X<body><header>h</header></body></html>',
    );
    expect(insertIntoHead('<p>p</p>', 'X')).toBe('X<p>p</p>');
  });
});
