import { ROLES, type Role } from '../auth/index.js';

/** Where the console lands after signing in when returnTo is absent or refused. */
export const DEFAULT_RETURN_TO = '/app';

/**
 * returnTo, when it is a path of the console (/app, /app/…) and nothing a browser could read as another site: no
 * scheme, no `//` or backslash, no dot segments, no control characters. Anything else: /app.
 */
export function safeReturnTo(value: string | undefined | null): string {
  if (!value || value.length > 500) return DEFAULT_RETURN_TO;
  if (!/^\/app(?:[/?#]|$)/.test(value)) return DEFAULT_RETURN_TO;
  if (/[\\\u0000-\u001f\u007f\s]/.test(value) || value.includes('//')) return DEFAULT_RETURN_TO;
  const path = value.split(/[?#]/, 1)[0]!;
  if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) return DEFAULT_RETURN_TO;
  return value;
}

/**
 * A claim of the ID token (or userinfo): by its exact name, else as a dotted path into nested objects, which is where
 * some providers put roles (Keycloak's `realm_access.roles`).
 */
export function claimValue(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The roles a role claim grants through OIDC_ROLE_MAP: the claim is a string or a list of strings. */
export function mapRoles(value: unknown, roleMap: ReadonlyMap<string, readonly Role[]>): Role[] {
  const values =
    typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
  const granted = new Set(values.flatMap((v: string) => roleMap.get(v) ?? []));
  return ROLES.filter((r) => granted.has(r));
}

/**
 * A user name for a person created by single sign-on, in the form names take here (letters, digits, . _ -,
 * starting with a letter or digit): preferred_username, else the e-mail's local part, else the name claim.
 */
export function baseNameFrom(claims: Record<string, unknown>): string {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const localPart = (v: string | undefined) => v?.split('@')[0];
  const raw = localPart(text(claims.preferred_username)) ?? localPart(text(claims.email)) ?? text(claims.name) ?? '';
  const cleaned = raw
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .slice(0, 90);
  return cleaned || 'sso-user';
}

export const sameRoles = (a: readonly Role[], b: readonly Role[]) =>
  a.length === b.length && a.every((r) => b.includes(r));
