import { describe, expect, it } from '@jest/globals';
import { documentCodepoints, PdfFonts } from './fonts.js';
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
