import { describe, expect, it } from '@jest/globals';
import { parseAmountInput, parseAnswer } from './statement-answer.js';

describe('the customer answer', () => {
  it('takes a confirmation with a name, and keeps no amount with it', () => {
    expect(parseAnswer({ action: 'confirm', name: ' 王丽 ', amount: '123', code: '0123 4567' })).toEqual({
      answer: { action: 'confirm', amount: null, reason: null, name: '王丽', code: '01234567' },
      errors: [],
    });
  });

  it('takes a dispute with the right amount as people type it, and a reason', () => {
    expect(
      parseAnswer({
        action: 'dispute',
        amount: '¥ 46,800.5',
        reason: ' 10月预付款未计入 ',
        name: '王丽',
        code: '01234567',
      }),
    ).toEqual({
      answer: { action: 'dispute', amount: '46800.50', reason: '10月预付款未计入', name: '王丽', code: '01234567' },
      errors: [],
    });
  });

  it('needs an amount and a reason for a dispute, and a name and the mailed code always', () => {
    expect(parseAnswer({ action: 'dispute', amount: ' ', reason: '', name: '' }).errors).toEqual([
      { field: 'name', problem: 'required' },
      { field: 'reason', problem: 'required' },
      { field: 'amount', problem: 'required' },
      { field: 'code', problem: 'required' },
    ]);
    expect(parseAnswer({ action: 'confirm', name: 'x', code: '1234' }).errors).toEqual([
      { field: 'code', problem: 'invalid' },
    ]);
    expect(parseAnswer({ action: 'confirm', name: 'x', code: '1'.repeat(30) }).errors).toEqual([
      { field: 'code', problem: 'invalid' },
    ]);
  });

  it('refuses what the form cannot send: unknown fields, non-text values, NUL, a bad action or amount', () => {
    expect(parseAnswer({ action: 'approve', name: 'x', extra: '1', code: '01234567' }).errors).toEqual([
      { field: 'extra', problem: 'unknown' },
      { field: 'action', problem: 'invalid' },
    ]);
    expect(
      parseAnswer({ action: 'dispute', amount: 12, reason: 'r', name: 'x\u0000', code: '01234567' }).errors,
    ).toEqual([
      { field: 'amount', problem: 'notText' },
      { field: 'name', problem: 'invalid' },
    ]);
    expect(
      parseAnswer({ action: 'dispute', amount: '1.234', reason: 'r', name: 'x', code: '01234567' }).errors,
    ).toEqual([{ field: 'amount', problem: 'invalid' }]);
    expect(parseAnswer([]).errors).toEqual([{ field: 'body', problem: 'invalid' }]);
    expect(parseAnswer({ action: 'confirm', name: 'x'.repeat(101), code: '01234567' }).errors).toEqual([
      { field: 'name', problem: 'tooLong' },
    ]);
  });

  it('reads amounts without floats', () => {
    expect(parseAmountInput('-700')).toBe('-700.00');
    expect(parseAmountInput('CNY 1 234 567 890 123.45')).toBe('1234567890123.45');
    expect(parseAmountInput('1e5')).toBeNull();
  });

  it('reads amounts as a Spanish page prints them: decimal comma, grouping point, unit after', () => {
    expect(parseAmountInput('1.234,56', 'es')).toBe('1234.56');
    expect(parseAmountInput('1.234.567,5 CNY', 'es')).toBe('1234567.50');
    expect(parseAmountInput('0,50 €', 'es')).toBe('0.50');
    expect(parseAmountInput('-700', 'es')).toBe('-700.00');
    expect(parseAmountInput('1234,5', 'es')).toBe('1234.50');
    expect(parseAmountInput('1.234', 'es')).toBe('1234.00'); // a grouping point, as a Spanish reader means it
    expect(parseAmountInput('1234.56', 'es')).toBe('1234.56'); // a decimal point typed the English way
    // Ambiguous or malformed: refused, never read a hundred or a thousand times off
    expect(parseAmountInput('1.23.4', 'es')).toBeNull();
    expect(parseAmountInput('1,234.56', 'es')).toBeNull();
    expect(parseAmountInput('12,345', 'es')).toBeNull();
  });

  it('answers a Spanish page in its own notation', () => {
    const parsed = parseAnswer(
      { action: 'dispute', amount: '52.000,00', reason: 'r', name: 'x', code: '01234567' },
      'es',
    );
    expect(parsed.answer?.amount).toBe('52000.00');
  });
});
