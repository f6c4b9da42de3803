import { describe, expect, it } from '@jest/globals';
import { confirmationUrl, endOfDay, hashToken, isTokenShaped, newToken } from './statement-token.js';

describe('the confirmation token', () => {
  it('is 32 random bytes in base64url, different every time, kept only as its sha256', () => {
    const a = newToken();
    const b = newToken();
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(isTokenShaped(a)).toBe(true);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).toBe(hashToken(a));
  });

  it('tells a token-shaped string from anything else', () => {
    expect(isTokenShaped('x'.repeat(42))).toBe(false);
    expect(isTokenShaped(`${'x'.repeat(42)}=`)).toBe(false);
    expect(isTokenShaped(undefined)).toBe(false);
  });

  it('expires at the end of the reply-by day (server time) and lives under the public URL', () => {
    const end = endOfDay('2026-12-08');
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes()]).toEqual([
      2026, 11, 8, 23, 59,
    ]);
    expect(new Date(end.getTime() + 1).getDate()).toBe(9);
    expect(confirmationUrl('https://td.example/', 'abc')).toBe('https://td.example/statements/confirm/abc');
  });
});
