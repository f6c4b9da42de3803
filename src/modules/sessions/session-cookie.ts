import { parseCookie, stringifySetCookie } from 'cookie';

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (sent on top-level navigations, which the single
 * sign-on callback is, but not on cross-site subresource or form POSTs), Path=/, Secure behind HTTPS. With Secure
 * the name carries the __Host- prefix, which browsers accept only from a secure origin without a Domain attribute,
 * so a sibling subdomain cannot plant or overwrite it.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-td_session' : 'td_session';
}

export function readSessionCookie(header: string | undefined, secure: boolean): string | undefined {
  if (!header) return undefined;
  const value = parseCookie(header)[sessionCookieName(secure)];
  // Our tokens are td_s_ + 43 base64url characters; anything else is not worth a database lookup.
  return value && /^td_s_[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

export function sessionCookie(token: string, opts: { secure: boolean; maxAgeMs: number }): string {
  return stringifySetCookie({
    name: sessionCookieName(opts.secure),
    value: token,
    httpOnly: true,
    sameSite: 'lax',
    secure: opts.secure,
    path: '/',
    maxAge: Math.floor(opts.maxAgeMs / 1000),
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie({
    name: sessionCookieName(secure),
    value: '',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: 0,
  });
}
