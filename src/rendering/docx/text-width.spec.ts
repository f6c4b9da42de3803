import { describe, expect, it } from '@jest/globals';
import { fitNoWrapColumns, lineTwips } from './text-width.js';

const piece = (text: string, size = 8) => ({ text, size, bold: false });

describe('lineTwips', () => {
  it('counts CJK as one em and digits as a little over half of one, a little wide of the real faces', () => {
    expect(lineTwips([piece('对账单', 10)])).toBe(600); // 3 em at 10 pt
    // Noto Sans SC prints 2026-10-08 at 8 pt 41.0 pt wide (pdftotext -bbox): the estimate is not below it.
    const date = lineTwips([piece('2026-10-08')]) / 20;
    expect(date).toBeGreaterThanOrEqual(41);
    expect(date).toBeLessThan(41 * 1.1);
  });
});

describe('fitNoWrapColumns', () => {
  it('leaves the widths alone when the no-wrap text fits', () => {
    expect(fitNoWrapColumns([2000, 3000], [{ column: 0, lines: [[piece('2026-10-08')]], padding: 114 }])).toEqual([
      2000, 3000,
    ]);
  });

  it('widens a short no-wrap column from the others, in proportion, keeping the table width', () => {
    const out = fitNoWrapColumns([700, 3000, 1000], [{ column: 0, lines: [[piece('2026-10-08')]], padding: 114 }]);
    expect(out[0]).toBeGreaterThanOrEqual(lineTwips([piece('2026-10-08')]) + 114);
    expect(out.reduce((a, b) => a + b, 0)).toBe(4700);
    expect(3000 - out[1]).toBeGreaterThan(1000 - out[2]); // the wider column gives more
  });

  it('takes no column below half its width, and shares what there is when that is not enough', () => {
    const long = [[piece('HT-2026-0412 HT-2026-0412 HT-2026-0412', 10)]];
    const out = fitNoWrapColumns([500, 1000], [{ column: 0, lines: long, padding: 0 }]);
    expect(out).toEqual([1000, 500]);
  });
});
