import { describe, expect, it } from '@jest/globals';
import { formatProjectNumber, ProjectNumberPatternError, projectNumberRegExp, yearOf } from './project-number.js';

describe('project number pattern', () => {
  it('fills the default pattern: year, dash, sequence of three', () => {
    expect(formatProjectNumber('{YYYY}-{SEQ:3}', 2026, 7)).toBe('2026-007');
    expect(formatProjectNumber('{YYYY}-{SEQ:3}', 2026, 123)).toBe('2026-123');
  });

  it('grows past the padding instead of wrapping', () => {
    expect(formatProjectNumber('{YYYY}-{SEQ:3}', 2026, 1000)).toBe('2026-1000');
  });

  it('knows {YY} and keeps literal text', () => {
    expect(formatProjectNumber('XM{YY}/{SEQ:4}', 2026, 42)).toBe('XM26/0042');
    expect(formatProjectNumber('P.{YY}_{SEQ:2}', 2009, 5)).toBe('P.09_05');
  });

  it('refuses an unknown field, a missing sequence or year, and nonsense numbers', () => {
    expect(() => formatProjectNumber('{YYYY}-{N}', 2026, 1)).toThrow(ProjectNumberPatternError);
    expect(() => formatProjectNumber('{YYYY}-001', 2026, 1)).toThrow(ProjectNumberPatternError);
    expect(() => formatProjectNumber('P-{SEQ:3}', 2026, 1)).toThrow(ProjectNumberPatternError);
    expect(() => formatProjectNumber('{YYYY}-{SEQ:3}', 2026, 0)).toThrow(RangeError);
    expect(() => formatProjectNumber('{YYYY}-{SEQ:3}', 26, 1)).toThrow(RangeError);
  });

  it('reads a number back with the same pattern', () => {
    const re = projectNumberRegExp('{YYYY}-{SEQ:3}');
    expect(re.exec('2026-007')?.groups).toMatchObject({ year: '2026', seq: '007' });
    expect(re.exec('2026-1000')?.groups).toMatchObject({ seq: '1000' });
    expect(re.test('2026-07')).toBe(false);
    expect(re.test('x2026-007')).toBe(false);
    expect(projectNumberRegExp('XM{YY}/{SEQ:4}').exec('XM26/0042')?.groups).toMatchObject({ yy: '26', seq: '0042' });
  });

  it('numbers in the year of the payment date', () => {
    expect(yearOf('2026-12-31')).toBe(2026);
    expect(yearOf('2027-01-01')).toBe(2027);
  });
});
