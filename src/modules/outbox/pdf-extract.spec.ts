import { describe, expect, it } from '@jest/globals';
import { PDFDocument } from 'pdf-lib';
import { extractPageNumbers, extractPdfPages } from './pdf-extract.js';

async function pdfOf(pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  // Each page a different width: the extract's pages are recognisable by their size.
  for (let i = 1; i <= pages; i++) doc.addPage([100 + i, 200]);
  return Buffer.from(await doc.save());
}

describe('extractPageNumbers', () => {
  it('lists the ranges in order, each page once', () => {
    expect(extractPageNumbers({ ranges: [{ first: 3, last: 5 }] }, 9)).toEqual([3, 4, 5]);
    expect(
      extractPageNumbers(
        {
          ranges: [
            { first: 7, last: 7 },
            { first: 2, last: 3 },
            { first: 3, last: 4 },
          ],
        },
        9,
      ),
    ).toEqual([7, 2, 3, 4]);
  });

  it('refuses pages the document does not have, upside-down ranges and no range at all', () => {
    expect(() => extractPageNumbers({ ranges: [{ first: 8, last: 10 }] }, 9)).toThrow(/8-10 are not within .* 1-9/);
    expect(() => extractPageNumbers({ ranges: [{ first: 0, last: 1 }] }, 9)).toThrow(/not within/);
    expect(() => extractPageNumbers({ ranges: [{ first: 4, last: 3 }] }, 9)).toThrow(/not within/);
    expect(() => extractPageNumbers({ ranges: [{ first: 1.5, last: 2 }] }, 9)).toThrow(/not within/);
    expect(() => extractPageNumbers({ ranges: [] }, 9)).toThrow(/at least one/);
  });
});

describe('extractPdfPages', () => {
  it('cuts exactly those pages, in order, titled', async () => {
    const out = await PDFDocument.load(
      await extractPdfPages(await pdfOf(6), {
        ranges: [
          { first: 5, last: 6 },
          { first: 2, last: 2 },
        ],
        title: 'Qualifications (T-1 v2)',
      }),
    );
    expect(out.getPages().map((p) => p.getWidth())).toEqual([105, 106, 102]);
    expect(out.getTitle()).toBe('Qualifications (T-1 v2)');
  });
});
