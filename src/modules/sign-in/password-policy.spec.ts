import { describe, expect, it } from '@jest/globals';
import { passwordProblem } from './password-policy.js';

const ctx = { minLength: 12, userName: 'wang.li', email: 'wang.li@huadong.example' };
const codeOf = (pw: string) => passwordProblem(pw, ctx)?.code ?? null;

describe('password policy', () => {
  it('refuses passwords shorter than the minimum, counting characters rather than bytes', () => {
    expect(codeOf('short pw 1')).toBe('PASSWORD_TOO_SHORT');
    expect(codeOf('十一个字的中文密码短语呢')).toBeNull(); // 12 characters, 36 bytes
    expect(codeOf('十个字的中文密码短语')).toBe('PASSWORD_TOO_SHORT');
  });

  it('refuses the shipped common passwords, whatever their case', () => {
    for (const pw of ['1qaz2wsx3edc', 'QWERTY123456', 'administrator', 'Unbelievable']) {
      expect([pw, codeOf(pw)]).toEqual([pw, 'PASSWORD_TOO_COMMON']);
    }
  });

  it("refuses the user's own name or e-mail and the product's name dressed up with digits and symbols", () => {
    for (const pw of [
      'wang.li123456',
      'WANG.LI!2026!',
      'wang.li@huadong.example',
      'Tenderdesk2026!',
      'password12345',
    ]) {
      expect([pw, codeOf(pw)]).toEqual([pw, 'PASSWORD_TOO_COMMON']);
    }
  });

  it('refuses keyboard runs and repetitions', () => {
    for (const pw of [
      '12345678901234',
      '098765432109',
      'abcdefghijklm',
      'aaaaaaaaaaaa',
      'abcabcabcabc',
      'poiuytrewqpo',
    ]) {
      expect([pw, codeOf(pw)]).toEqual([pw, 'PASSWORD_TOO_COMMON']);
    }
  });

  it('accepts a long pass phrase, also one that holds the user name among other words', () => {
    expect(codeOf('correct horse battery staple')).toBeNull();
    expect(codeOf('wang.li likes green tea')).toBeNull();
    expect(codeOf('7 dwarves & 3 bears')).toBeNull();
  });
});
