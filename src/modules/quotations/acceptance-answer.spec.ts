import { describe, expect, it } from '@jest/globals';
import { parseAcceptance } from './acceptance-answer.js';

describe('the answer on the quotation acceptance page', () => {
  it('takes an acceptance with name and position, trimmed', () => {
    expect(parseAcceptance({ action: 'accept', name: ' 赵志强 ', position: '设备部部长', reason: '' })).toEqual({
      answer: { action: 'accept', name: '赵志强', position: '设备部部长', reason: null },
      errors: [],
    });
  });

  it('needs a position to accept and a reason to decline', () => {
    expect(parseAcceptance({ action: 'accept', name: '赵志强' }).errors).toEqual([
      { field: 'position', problem: 'required' },
    ]);
    expect(parseAcceptance({ action: 'decline', name: '赵志强' }).errors).toEqual([
      { field: 'reason', problem: 'required' },
    ]);
    expect(parseAcceptance({ action: 'decline', name: '赵志强', reason: '预算未批' }).answer).toEqual({
      action: 'decline',
      name: '赵志强',
      position: null,
      reason: '预算未批',
    });
  });

  it('lists unknown fields, non-text values, bad actions and overlong text', () => {
    const parsed = parseAcceptance({ action: 'sign', name: 'x'.repeat(101), position: 3, amount: '1' });
    expect(parsed.answer).toBeNull();
    expect(parsed.errors).toEqual(
      expect.arrayContaining([
        { field: 'action', problem: 'invalid' },
        { field: 'name', problem: 'tooLong' },
        { field: 'position', problem: 'notText' },
        { field: 'amount', problem: 'unknown' },
      ]),
    );
    expect(parseAcceptance(null).errors).toEqual([{ field: 'body', problem: 'invalid' }]);
    expect(parseAcceptance([]).errors).toEqual([{ field: 'body', problem: 'invalid' }]);
  });
});
