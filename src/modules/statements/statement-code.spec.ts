import { describe, expect, it } from '@jest/globals';
import { codeMatches, formatCode, hashCode, newCode, normalizeCode } from './statement-code.js';

describe('the statement confirmation code', () => {
  it('is 8 random digits, printed in two groups', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newCode()));
    expect(codes.size).toBeGreaterThan(195);
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
    expect(formatCode('01234567')).toBe('0123 4567');
  });

  it('accepts what a person copies from the mail, and nothing else', () => {
    expect(normalizeCode('0123 4567')).toBe('01234567');
    expect(normalizeCode(' 0123-4567 ')).toBe('01234567');
    expect(normalizeCode('01234567')).toBe('01234567');
    for (const bad of ['', '1234567', '123456789', '0123 456x', '１２３４５６７８'])
      expect(normalizeCode(bad)).toBeNull();
  });

  it('is kept as a hash keyed by the link token: the same code under another token does not match', () => {
    const hash = hashCode('token-a', '01234567');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('01234567');
    expect(codeMatches('token-a', '01234567', hash)).toBe(true);
    expect(codeMatches('token-a', '01234568', hash)).toBe(false);
    expect(codeMatches('token-b', '01234567', hash)).toBe(false);
  });
});
