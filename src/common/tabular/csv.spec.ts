import { describe, expect, it } from '@jest/globals';
import {
  decodeText,
  detectDelimiter,
  escapeFormula,
  parseCsv,
  unescapeFormula,
  UnterminatedQuoteError,
  writeCsv,
} from './csv.js';

describe('CSV', () => {
  it('reads UTF-8 with and without a BOM', () => {
    expect(decodeText(Buffer.from('\ufeff项目名称,金额\n', 'utf8'))).toEqual({
      text: '项目名称,金额\n',
      encoding: 'utf-8',
    });
    expect(decodeText(Buffer.from('项目名称,金额\n', 'utf8')).encoding).toBe('utf-8');
  });

  it('falls back to GB18030 when the bytes are not UTF-8 (Excel in China saves CSV as GBK)', () => {
    // 中文 in GBK, as Python's codec writes it: d6d0 cec4.
    expect(decodeText(Buffer.from('d6d0cec42c41', 'hex'))).toEqual({ text: '中文,A', encoding: 'gb18030' });
  });

  it('reads UTF-16LE with its BOM', () => {
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('钢铁\t1', 'utf16le')]))).toEqual({
      text: '钢铁\t1',
      encoding: 'utf-16le',
    });
  });

  it('parses quoted cells holding separators, quotes and line breaks; CRLF or LF; no final line break', () => {
    const text = 'a,b,c\r\n"1,5","say ""hi""","two\nlines"\r\n,,\nlast,x,y';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['1,5', 'say "hi"', 'two\nlines'],
      ['', '', ''],
      ['last', 'x', 'y'],
    ]);
  });

  it('refuses a quoted cell that is never closed instead of swallowing the rest of the file', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(UnterminatedQuoteError);
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(/record 2/);
  });

  it('detects ; and tab separators from the header line', () => {
    expect(detectDelimiter('a;b;c\n1,5;2;3')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('"x;y",b,c\n')).toBe(',');
    expect(parseCsv('名称;金额\n甲;1,5\n')).toEqual([
      ['名称', '金额'],
      ['甲', '1,5'],
    ]);
  });

  it('writes UTF-8 with a BOM and CRLF, quoting only what needs it, and reads back the same cells', () => {
    const records = [
      ['名称', 'note'],
      ['宝钢, 湛江', 'a "quoted" word'],
      ['multi\nline', ' padded '],
    ];
    const bytes = writeCsv(records);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('\r\n');
    expect(parseCsv(decodeText(bytes).text).slice(0, 3)).toEqual(records);
  });

  it('defuses cells a spreadsheet would run as formulas, and restores them on import', () => {
    expect(escapeFormula('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(escapeFormula('宝钢')).toBe('宝钢');
    expect(unescapeFormula(escapeFormula('@SUM(A1)'))).toBe('@SUM(A1)');
    expect(unescapeFormula("'plain")).toBe("'plain");
  });
});
