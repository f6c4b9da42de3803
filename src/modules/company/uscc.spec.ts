import { describe, expect, it } from '@jest/globals';
import { isUscc, looksLikeUscc, usccCheckChar } from './uscc.js';

const VALID = ['91350100M000100Y43', '91110000802100433B'];

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts codes whose check character is right', () => {
    for (const code of VALID) expect(isUscc(code)).toBe(true);
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(usccCheckChar('91110000802100433')).toBe('B');
  });

  it('refuses a code when any one character changes', () => {
    for (const code of VALID) {
      for (let i = 0; i < 18; i++) {
        const other = code[i] === '0' ? '1' : '0';
        expect(isUscc(code.slice(0, i) + other + code.slice(i + 1))).toBe(false);
      }
    }
  });

  it('refuses wrong lengths, lower case and the letters the standard leaves out', () => {
    expect(isUscc('91350100M000100Y4')).toBe(false);
    expect(isUscc('91350100M000100Y433')).toBe(false);
    expect(isUscc('91110000802100433b')).toBe(false);
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) expect(isUscc(`9135010${letter}M000100Y43`)).toBe(false);
    expect(isUscc(91350100)).toBe(false);
  });

  it('maps a check value of 31 to 0', () => {
    // "91320506MA1NK4RB" + a 17th character chosen so that the weighted sum is a multiple of 31.
    const first16 = '91320506MA1NK4RB';
    const found = '0123456789ABCDEFGHJKLMNPQRTUWXY'.split('').find((c) => usccCheckChar(first16 + c) === '0');
    expect(found).toBeDefined();
    expect(isUscc(`${first16}${found}0`)).toBe(true);
  });

  it('tells which tax numbers are meant to be a USCC', () => {
    expect(looksLikeUscc('91350100M000100Y43')).toBe(true);
    expect(looksLikeUscc('320102123456789')).toBe(false);
    expect(looksLikeUscc('DE123456789')).toBe(false);
  });
});
