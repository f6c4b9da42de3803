import type request from 'supertest';
import { hashPassword } from '../../src/modules/sign-in/passwords.js';
import type { TestDatabase } from './database.js';

/** Test costs: argon2id at its smallest allowed memory, so that tests do not wait on hashing. */
export const TEST_ARGON2 = { memoryCost: 8192, timeCost: 1, parallelism: 1 };

/** Gives a user a password directly in the database (tests only; people set theirs through an invitation). */
export async function setPassword(
  db: TestDatabase,
  userId: string,
  password: string,
  opts: { mustChange?: boolean } = {},
): Promise<void> {
  const hash = await hashPassword(password, TEST_ARGON2);
  await db.query(
    'UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = now() WHERE id = $3',
    [hash, opts.mustChange ?? false, userId],
  );
}

/** A browser session as the API hands it out: the Cookie header to send back and the CSRF token for writes. */
export interface BrowserSession {
  cookie: string;
  csrfToken: string;
  stage: string;
}

/** Signs in with a password through the API; throws unless it answers 200. */
export async function signIn(
  http: () => ReturnType<typeof request>,
  login: string,
  password: string,
): Promise<BrowserSession> {
  const res = await http().post('/api/auth/sign-in').send({ login, password });
  if (res.status !== 200) throw new Error(`sign-in as ${login}: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    cookie: cookieOf(res.headers['set-cookie']),
    csrfToken: res.body.csrfToken as string,
    stage: res.body.stage as string,
  };
}

/** The `name=value` part of a Set-Cookie header (what a browser sends back). */
export function cookieOf(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (!first) throw new Error('no Set-Cookie in the answer');
  return first.split(';')[0]!;
}

/** The one-time link a first start prints on stderr for the admin (no ADMIN_TOKEN): its token, or undefined. */
export function firstStartLink(stderr: string): string | undefined {
  return /\n\s+https?:\/\/\S+\/app\/invitation#(td_i_[A-Za-z0-9_-]{43})\n/.exec(stderr)?.[1];
}

/**
 * What an operator does after a first start without ADMIN_TOKEN, over plain HTTP: opens the printed link, chooses the
 * admin's password (which signs them in), and issues themselves an API token for scripts. Returns that token.
 */
export async function adminTokenFromFirstStart(base: string, link: string): Promise<string> {
  const accepted = await fetch(`${base}/api/auth/invitations/${link}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ newPassword: 'the first admin chose this pass phrase' }),
  });
  if (accepted.status !== 200) throw new Error(`first-start link: ${accepted.status} ${await accepted.text()}`);
  const session = (await accepted.json()) as { user: { id: string }; csrfToken: string };
  const created = await fetch(`${base}/api/users/${session.user.id}/tokens`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: cookieOf(accepted.headers.get('set-cookie') ?? undefined),
      'x-csrf-token': session.csrfToken,
    },
    body: JSON.stringify({ label: 'scripts' }),
  });
  if (created.status !== 201) throw new Error(`admin token: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { token: string }).token;
}
