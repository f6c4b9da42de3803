import { describe, expect, it } from '@jest/globals';
import { amountColumn, compare, isAmount, round2, sum } from './money.js';

describe('money', () => {
  it('keeps amounts a float cannot hold', () => {
    expect(sum(['12345678901234.56', '0.01'])).toBe('12345678901234.57');
    expect(amountColumn.from('12345678901234.56')).toBe('12345678901234.56');
  });
  it('rounds half-up at two places', () => {
    expect(round2('1.005')).toBe('1.01');
    expect(round2('-1.005')).toBe('-1.01');
    expect(round2('2.675')).toBe('2.68'); // 2.675 as a float would round to 2.67
  });
  it('validates decimal strings', () => {
    expect(isAmount('1234.5')).toBe(true);
    expect(isAmount('-0.01')).toBe(true);
    expect(isAmount(1234.5)).toBe(false);
    expect(isAmount('1e5')).toBe(false);
    expect(isAmount('12345678901234567.00')).toBe(false);
    expect(isAmount('NaN')).toBe(false);
  });
  it('compares', () => {
    expect(compare('10.00', '9.99')).toBe(1);
    expect(compare('10', '10.00')).toBe(0);
  });
});
