import { describe, expect, it } from '@jest/globals';
import {
  effectiveUnitPrice,
  fitsAmountColumn,
  lineAmounts,
  percentSum,
  totals,
  trimDecimal,
} from './quotation-amounts.js';

describe('quotation amounts', () => {
  it('keeps 16 significant digits a float loses', () => {
    expect(lineAmounts({ qty: '3', unitPrice: '1234567890123.45', discount: '0', taxRate: '13' })).toEqual({
      net: '3703703670370.35',
      tax: '481481477148.15', // 481481477148.1455
      total: '4185185147518.50',
    });
  });

  it('rounds each line half-up where a float would round down', () => {
    // 2.01 × 50 % = 1.005 exactly; as floats 2.01 * 0.5 = 1.00499999… and toFixed(2) gives "1.00".
    expect(lineAmounts({ qty: '1', unitPrice: '2.01', discount: '50', taxRate: '0' }).net).toBe('1.01');
    expect(lineAmounts({ qty: '7', unitPrice: '1.15', discount: '50', taxRate: '0' }).net).toBe('4.03');
    expect(lineAmounts({ qty: '0.5', unitPrice: '2.01', discount: '0', taxRate: '13' })).toEqual({
      net: '1.01',
      tax: '0.13', // 1.01 × 13 % = 0.1313: the tax is on the rounded net
      total: '1.14',
    });
  });

  it('sums the rounded line amounts and does not round the sums again', () => {
    const half = lineAmounts({ qty: '1', unitPrice: '0.01', discount: '50', taxRate: '0' }); // 0.005 -> 0.01
    expect(totals([half, half, half])).toEqual({ subtotal: '0.03', taxTotal: '0.00', total: '0.03' });
  });

  it('gives the unrounded price after discount for the floor rule', () => {
    expect(effectiveUnitPrice({ unitPrice: '6900.00', discount: '0.01' }).toFixed()).toBe('6899.31');
    expect(effectiveUnitPrice({ unitPrice: '0.03', discount: '50' }).toFixed()).toBe('0.015');
  });

  it('adds payment shares as decimals', () => {
    expect(percentSum([{ percent: '33.33' }, { percent: '33.33' }, { percent: '33.34' }])).toBe('100');
    expect(percentSum([{ percent: '30' }, { percent: '60' }])).toBe('90');
  });

  it('knows what numeric(18,2) holds and trims shown decimals', () => {
    expect(fitsAmountColumn('9999999999999999.99')).toBe(true);
    expect(fitsAmountColumn('10000000000000000.00')).toBe(false);
    expect(trimDecimal('13.00')).toBe('13');
    expect(trimDecimal('2.500')).toBe('2.5');
  });
});
