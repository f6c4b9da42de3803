import { createHash, randomBytes } from 'node:crypto';

/** A new bearer token: 256 random bits, prefixed so a leaked one is recognisable in logs and scanners. */
export function generateToken(): string {
  return `td_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are random and long, so a plain SHA-256 is enough at rest (no slow hash needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenPrefix(token: string): string {
  return token.slice(0, 8);
}
