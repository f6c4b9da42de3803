import { createHash } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';

/**
 * Binds a sign-on to the browser that started it (against login CSRF: someone else's callback URL, opened in a
 * victim's browser, would otherwise sign the victim in as that someone). One cookie per started sign-on, named after
 * its state's hash, so that sign-ons started in two tabs do not overwrite each other; it holds the state itself.
 * SameSite=Lax: the provider's redirect back is a top-level navigation, which carries it. Lives as long as a login.
 */
const PATH = '/api/auth/sso';
const MAX_AGE_SECONDS = 600;

const nameFor = (state: string) => `td_sso_${createHash('sha256').update(state, 'utf8').digest('hex').slice(0, 16)}`;

export function ssoBindingCookie(state: string, secure: boolean): string {
  return stringifySetCookie({
    name: nameFor(state),
    value: state,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: PATH,
    maxAge: MAX_AGE_SECONDS,
  });
}

export function clearedSsoBindingCookie(state: string, secure: boolean): string {
  return stringifySetCookie({
    name: nameFor(state),
    value: '',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: PATH,
    maxAge: 0,
  });
}

/** The state this browser's cookie binds for the state a callback carries, if any. */
export function readSsoBinding(cookieHeader: string | undefined, state: string | null): string | undefined {
  if (!cookieHeader || !state) return undefined;
  return parseCookie(cookieHeader)[nameFor(state)];
}
