import { createHash, randomBytes } from 'node:crypto';
import type { DateOnly } from '../tabular/date-only.js';

/**
 * The token of a link a customer opens without signing in (a statement's confirmation link, a quotation's
 * acceptance link): 32 random bytes (256 bits), base64url, unguessable. Only its sha256 is stored; a request is
 * matched by looking the hash up (a unique index), so no comparison of secrets runs in our code and the time an
 * answer takes says nothing about how close a guess was.
 */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A string that can be a token (anything else is answered "not valid" without a lookup). */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_PATTERN.test(value);
}

/**
 * A link works until the end of its last day on the server's clock (local time, like todayIso: set
 * TZ=Asia/Shanghai on a server in China).
 */
export function endOfDay(date: DateOnly): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 59, 999);
}
