import { describe, expect, it } from '@jest/globals';
import { pdfTextString } from './pdf-signer.js';

describe('pdfTextString', () => {
  it('keeps ASCII text, escaping the delimiters of a literal string', () => {
    expect(pdfTextString('Approved (final) \\ ok')).toBe('Approved \\050final\\051 \\134 ok');
  });

  it('writes other text as UTF-16BE with a byte-order mark, every non-printable byte as an octal escape', () => {
    // 上 is U+4E0A: bytes 4E 0A; the 0x0A must not appear raw (it would be read as a line end).
    expect(pdfTextString('上')).toBe('\\376\\377N\\012');
    // 丨 is U+4E28: its low byte is "(", which must be escaped or it would open a nested string.
    expect(pdfTextString('丨')).toBe('\\376\\377N\\050');
  });

  it('produces only printable ASCII, which the placeholder writes byte for byte', () => {
    expect(pdfTextString('投标文件签章 上海市浦东新区')).toMatch(/^[\x20-\x7e]*$/);
  });
});
