import { describe, expect, it } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import {
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  otpauthUri,
  recoveryCodeHash,
  totpStep,
} from './totp.js';

describe('TOTP', () => {
  // RFC 6238 appendix B: the SHA-1 secret "12345678901234567890", T = 59 s gives 94287082 (8 digits; 287082 in 6).
  const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;

  it('matches the RFC 6238 test vector and names its time step', () => {
    expect(totpStep(RFC_SECRET, '287082', 59_000)).toBe(1);
    expect(totpStep(RFC_SECRET, '081804', 1_111_111_109_000)).toBe(37_037_036);
  });

  it('accepts the steps just before and after the current one, and nothing further or malformed', () => {
    const secret = newTotpSecret();
    const now = 1_800_000_000_000;
    const code = (t: number) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: t });
    const step = Math.floor(now / 30_000);
    expect(totpStep(secret, code(now), now)).toBe(step);
    expect(totpStep(secret, code(now - 30_000), now)).toBe(step - 1);
    expect(totpStep(secret, code(now + 30_000), now)).toBe(step + 1);
    expect(totpStep(secret, code(now - 60_000), now)).toBeNull();
    expect(totpStep(secret, code(now + 60_000), now)).toBeNull();
    expect(totpStep(secret, ` ${code(now)}`, now)).toBeNull();
    expect(totpStep(secret, '12345', now)).toBeNull();
  });

  it('makes 160-bit secrets and an otpauth URI apps read (SHA1, 6 digits, 30 s)', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(otpauthUri(secret, 'Tenderdesk', 'wang.li'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Tenderdesk');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });
});

describe('recovery codes', () => {
  it('gives ten distinct xxxxx-xxxxx codes from a 32-letter alphabet (50 bits each)', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  });

  it('reads a typed code whatever its case, spaces and dash; i/l as 1 and o as 0; refuses anything else', () => {
    expect(normaliseRecoveryCode('AB3KM-9XW2D')).toBe('ab3km-9xw2d');
    expect(normaliseRecoveryCode(' ab3km 9xw2d ')).toBe('ab3km-9xw2d');
    expect(normaliseRecoveryCode('IL0O0-11111')).toBe('11000-11111');
    expect(normaliseRecoveryCode('ab3km-9xw2')).toBeNull();
    expect(normaliseRecoveryCode('ab3km-9xw2u')).toBeNull();
  });

  it('hashes a code with its user: the same code of two users is stored differently', () => {
    expect(recoveryCodeHash('u1', 'ab3km-9xw2d')).toMatch(/^[0-9a-f]{64}$/);
    expect(recoveryCodeHash('u1', 'ab3km-9xw2d')).not.toBe(recoveryCodeHash('u2', 'ab3km-9xw2d'));
  });
});
