import { describe, expect, it } from '@jest/globals';
import yazl from 'yazl';
import { checkXlsxBounds } from './xlsx-bounds.js';

/** A zip with one worksheet part of `cells` cell elements (every other one with a namespace prefix). */
async function sheetZip(cells: number): Promise<Buffer> {
  const xml = ['<worksheet><cols><col min="1"/></cols><sheetData><row r="1">'];
  for (let i = 0; i < cells; i++) xml.push(i % 2 ? `<x:c r="A${i}" t="s"><v>1</v></x:c>` : `<c r="A${i}"/>`);
  xml.push('</row></sheetData><conditionalFormatting><cfRule type="x"/></conditionalFormatting></worksheet>');
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(xml.join('')), 'xl/worksheets/sheet1.xml');
  zip.addBuffer(Buffer.from('<sst/>'), 'xl/sharedStrings.xml');
  zip.end();
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('checkXlsxBounds', () => {
  it('counts every cell element across inflate chunks, exactly (not <col> or <cfRule>)', async () => {
    const zip = await sheetZip(20_000); // ~500 kB of XML: many chunks
    await expect(
      checkXlsxBounds(zip, { maxUncompressedBytes: 10 * 1024 * 1024, maxCells: 20_000 }),
    ).resolves.toBeUndefined();
    await expect(
      checkXlsxBounds(zip, { maxUncompressedBytes: 10 * 1024 * 1024, maxCells: 19_999 }),
    ).rejects.toMatchObject({
      code: 'IMPORT_TOO_MANY_CELLS',
    });
  });

  it('refuses on the central directory sizes before inflating anything', async () => {
    const zip = await sheetZip(10);
    await expect(checkXlsxBounds(zip, { maxUncompressedBytes: 100, maxCells: 1000 })).rejects.toMatchObject({
      code: 'IMPORT_TOO_LARGE',
    });
  });

  it('calls a file that is no zip unreadable', async () => {
    await expect(
      checkXlsxBounds(Buffer.from('PK not really'), { maxUncompressedBytes: 1e6, maxCells: 10 }),
    ).rejects.toMatchObject({
      code: 'IMPORT_UNREADABLE',
    });
  });
});
