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
