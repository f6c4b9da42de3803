import { describe, expect, it } from '@jest/globals';
import { borderlessTables } from './table-borders.js';

const tbl = (pr: string, cells = '<w:tc><w:p/></w:tc>') =>
  `<w:tbl><w:tblPr>${pr}</w:tblPr><w:tr>${cells}</w:tr></w:tbl>`;
const STYLES =
  '<w:styles>' +
  '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:tblPr><w:tblCellMar/></w:tblPr></w:style>' +
  '<w:style w:type="table" w:styleId="TableGrid"><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>' +
  '<w:top w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/></w:tblBorders></w:tblPr></w:style>' +
  '<w:style w:type="table" w:styleId="MyGrid"><w:basedOn w:val="TableGrid"/></w:style>' +
  '</w:styles>';

describe('borderlessTables', () => {
  it('reads borders from the table, else its style and the styles it is based on, else the default style', () => {
    const doc =
      tbl('<w:tblStyle w:val="TableGrid"/>') +
      tbl('<w:tblStyle w:val="MyGrid"/>') +
      tbl('') +
      tbl('<w:tblStyle w:val="TableGrid"/><w:tblBorders><w:top w:val="none"/><w:insideH w:val="nil"/></w:tblBorders>') +
      tbl('<w:tblBorders><w:bottom w:val="double"/></w:tblBorders>');
    expect(borderlessTables(doc, STYLES)).toEqual([false, false, true, true, false]);
  });

  it('counts a table bordered when its cells draw lines, and not when their borders are none', () => {
    const cell = (borders: string) => `<w:tc><w:tcPr><w:tcBorders>${borders}</w:tcBorders></w:tcPr><w:p/></w:tc>`;
    const doc = tbl('', cell('<w:left w:val="single"/>')) + tbl('', cell('<w:left w:val="nil"/><w:top w:val="none"/>'));
    expect(borderlessTables(doc, STYLES)).toEqual([false, true]);
  });

  it('lists a nested table after the table holding it', () => {
    const doc = tbl('<w:tblStyle w:val="TableGrid"/>', `<w:tc>${tbl('')}<w:p/></w:tc>`) + tbl('');
    expect(borderlessTables(doc, STYLES)).toEqual([false, true, true]);
  });
});
