import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The confirmation code: what answers for the customer. The link (token) is printed on the statement, which anyone
 * holding the PDF or DOCX can read; the code is sent only in the statement mail, to the mailed recipient, and is
 * neither printed nor returned by the API. 8 random digits; at rest only a hash keyed by the token (which is itself
 * stored only as a hash), so a copy of the database does not let anyone try codes offline. Wrong codes are
 * bounded per statement (STATEMENT_CODE_ATTEMPTS) and per address (the confirmation rate limit).
 */
export const CODE_DIGITS = 8;

export function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/** As printed in the mail: two groups of four digits. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}

/** What the customer typed, without the spaces or dashes they may copy along; null when it is no code. */
export function normalizeCode(raw: string): string | null {
  const digits = raw.replace(/[\s\-–—]/g, '');
  return new RegExp(`^\\d{${CODE_DIGITS}}$`).test(digits) ? digits : null;
}

export function hashCode(token: string, code: string): string {
  return createHash('sha256').update(`${token}\n${code}`, 'utf8').digest('hex');
}

/** Compares in constant time (the hash is of the code and the token together). */
export function codeMatches(token: string, code: string, storedHash: string): boolean {
  const given = Buffer.from(hashCode(token, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
