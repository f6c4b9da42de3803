import { freePort } from '../support/process.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startOidcProvider, type TestAccount, type TestOidcProvider } from '../support/oidc-provider.js';
import { cookieOf } from '../support/sign-in.js';

/**
 * Single sign-on against a real OpenID provider (oidc-provider) on loopback: the whole browser round trip, with the
 * provider's real login, consent, code, tokens and signatures; openid-client in the service does the protocol.
 */
const PUBLIC_URL = 'http://127.0.0.1:3999';
const REDIRECT_URI = `${PUBLIC_URL}/api/auth/sso/callback`;
const CLIENT = {
  client_id: 'tenderdesk',
  client_secret: 'tenderdesk-test-secret-0123456789',
  redirect_uris: [REDIRECT_URI],
};
/** Another client of the same provider, registered with the same redirect URI. */
const OTHER_CLIENT = { ...CLIENT, client_id: 'other-app', client_secret: 'other-app-test-secret-0123456789' };
const ROLE_MAP = 'finance=td-finance,sales=td-sales,manager=td-managers|td-heads';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const env = (provider: TestOidcProvider, extra: Record<string, string> = {}) => ({
  PUBLIC_URL,
  OIDC_ISSUER: provider.issuer,
  OIDC_CLIENT_ID: CLIENT.client_id,
  OIDC_CLIENT_SECRET: CLIENT.client_secret,
  OIDC_ROLE_MAP: ROLE_MAP,
  ...extra,
});

interface Attempt {
  /** The callback's answer. */
  res: Response;
  /** The callback's path and query, as the provider sent the browser there. */
  callback: string;
  /** The cookie /start set, which binds the sign-on to this browser. */
  binding: string;
  /** The provider's authorization URL /start redirected to. */
  authorizationUrl: URL;
}

/** A browser's round trip: /start, the provider's login as `account`, then our callback. */
async function ssoRound(
  t: TestApp,
  provider: TestOidcProvider,
  account: string,
  opts: { returnTo?: string; accept?: string; rewrite?: (url: URL) => URL } = {},
): Promise<Attempt> {
  const start = await t
    .http()
    .get('/api/auth/sso/start')
    .query(opts.returnTo ? { returnTo: opts.returnTo } : {});
  if (start.status !== 302) throw new Error(`start: ${start.status} ${JSON.stringify(start.body)}`);
  const authorizationUrl = new URL(start.headers.location as string);
  const binding = cookieOf(start.headers['set-cookie']);
  const target = opts.rewrite ? opts.rewrite(new URL(authorizationUrl)) : authorizationUrl;
  const back = await provider.signIn(target.href, account);
  expect(back.origin + back.pathname).toBe(REDIRECT_URI);
  const callback = back.pathname + back.search;
  let req = t.http().get(callback).set('Cookie', binding);
  if (opts.accept) req = req.set('Accept', opts.accept);
  return { res: await req, callback, binding, authorizationUrl };
}

const sessionCookie = (res: Response) =>
  ([res.headers['set-cookie'] ?? []].flat() as string[]).find((c) => c.startsWith('td_session='))?.split(';')[0];

async function sessionOf(t: TestApp, cookie: string) {
  return (await t.http().get('/api/auth/session').set('Cookie', cookie)).body as {
    user: { id: string; name: string; roles: string[] } | null;
    stage: string | null;
    sso: { label: string } | null;
  };
}

async function auditOf(t: TestApp, action: string) {
  return t.db.query<{ actor_name: string; entity_id: string | null; details: Record<string, unknown> }>(
    'SELECT actor_name, entity_id, details FROM audit_log WHERE action = $1 ORDER BY chain_seq',
    [action],
  );
}

/** What a refused sign-in must leave as it was: users (roles, links) and sessions. */
async function snapshot(t: TestApp) {
  return {
    users: await t.db.query(
      'SELECT id, name, email, roles, disabled, oidc_issuer, oidc_subject FROM users ORDER BY id',
    ),
    sessions: await t.db.query('SELECT id, revoked_at FROM user_sessions ORDER BY id'),
  };
}

function expectRefused(res: Response, status: number, code: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(sessionCookie(res)).toBeUndefined();
}

describe('single sign-on (OpenID Connect) against a real provider on loopback', () => {
  /** The provider the service trusts: profile, e-mail and groups in the ID token. */
  let idp: TestOidcProvider;
  /** A second provider: claims from its userinfo endpoint only; also "another issuer" for the first service. */
  let idp2: TestOidcProvider;
  /** Creates unknown users (OIDC_CREATE_USERS=true), trusts idp. */
  let t: TestApp;
  /** Creates nobody, trusts idp2. */
  let linking: TestApp;

  beforeAll(async () => {
    idp = await startOidcProvider({ clients: [CLIENT, OTHER_CLIENT] });
    idp2 = await startOidcProvider({ clients: [CLIENT], claimsInIdToken: false });
    t = await startTestApp('sso', env(idp, { OIDC_CREATE_USERS: 'true', OIDC_LABEL: '集团账号' }));
    linking = await startTestApp('ssolink', env(idp2));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await linking?.close();
    await idp?.close();
    await idp2?.close();
  });

  it('signs a new person in with the roles their groups map to: a session (method oidc), a unique user name, returnTo', async () => {
    // Someone already has the name the provider suggests: the new user gets another one.
    const taken = await t
      .http()
      .post('/api/users')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ name: 'alice', roles: ['production'], email: 'alice.production@example.com' });
    expect(taken.status).toBe(201);
    idp.accounts.set('sub-alice', {
      preferred_username: 'alice',
      email: 'alice@example.com',
      email_verified: true,
      groups: ['td-finance', 'td-heads', 'everyone'],
    });

    const { res, authorizationUrl } = await ssoRound(t, idp, 'sub-alice', { returnTo: '/app/receivables?tab=due' });
    const q = authorizationUrl.searchParams;
    expect(authorizationUrl.origin).toBe(idp.issuer);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(q.get('state')).toBeTruthy();
    expect(q.get('nonce')).toBeTruthy();
    expect(q.get('redirect_uri')).toBe(REDIRECT_URI);

    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/app/receivables?tab=due');
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatch(/^td_session=td_s_/);
    const session = await sessionOf(t, cookie);
    expect(session.user).toMatchObject({ name: 'alice-2', roles: ['finance', 'manager'] });
    expect(session.stage).toBe('active');
    expect(session.sso).toEqual({ label: '集团账号' });
    const [row] = await t.db.query('SELECT email, oidc_issuer, oidc_subject FROM users WHERE id = $1', [
      session.user!.id,
    ]);
    expect(row).toEqual({ email: 'alice@example.com', oidc_issuer: idp.issuer, oidc_subject: 'sub-alice' });
    const [method] = await t.db.query('SELECT method FROM user_sessions WHERE user_id = $1', [session.user!.id]);
    expect(method).toEqual({ method: 'oidc' });
    // A signed-in browser: reads with the cookie.
    expect((await t.http().get('/api/users/me').set('Cookie', cookie)).body.name).toBe('alice-2');

    expect((await auditOf(t, 'user.create')).map((a) => a.details)).toContainEqual(
      expect.objectContaining({ name: 'alice-2', via: 'oidc', issuer: idp.issuer, subject: 'sub-alice' }),
    );
    expect((await auditOf(t, 'sign-in.succeeded')).at(-1)).toMatchObject({
      actor_name: 'alice-2',
      entity_id: session.user!.id,
      details: { method: 'oidc', issuer: idp.issuer, subject: 'sub-alice', stage: 'active' },
    });
    // The login is spent, not left lying around for a replay.
    expect(await t.db.query('SELECT 1 FROM oidc_logins WHERE used_at IS NULL')).toEqual([]);
  });

  it('follows the role mapping on every sign-in (audited), and refuses SSO_NO_ROLE when no group maps any more', async () => {
    idp.accounts.set('sub-alice', { ...idp.accounts.get('sub-alice'), groups: ['td-sales'] });
    const again = await ssoRound(t, idp, 'sub-alice');
    expect(again.res.status).toBe(302);
    expect(again.res.headers.location).toBe('/app');
    const session = await sessionOf(t, sessionCookie(again.res)!);
    expect(session.user).toMatchObject({ name: 'alice-2', roles: ['sales'] });
    expect((await auditOf(t, 'user.roles-synced')).at(-1)).toMatchObject({
      entity_id: session.user!.id,
      details: { before: ['finance', 'manager'], after: ['sales'], claim: 'groups' },
    });

    idp.accounts.set('sub-alice', { ...idp.accounts.get('sub-alice'), groups: ['everyone'] });
    const before = await snapshot(t);
    const none = await ssoRound(t, idp, 'sub-alice', { accept: HTML });
    // A browser is sent to the console's sign-in page, which names the code.
    expect(none.res.status).toBe(302);
    expect(none.res.headers.location).toBe('/app/signin?error=SSO_NO_ROLE');
    expect(sessionCookie(none.res)).toBeUndefined();
    expect(await snapshot(t)).toEqual(before);
    expect((await auditOf(t, 'sign-in.failed')).at(-1)).toMatchObject({
      actor_name: 'alice-2',
      entity_id: session.user!.id,
      details: { method: 'oidc', code: 'SSO_NO_ROLE', subject: 'sub-alice' },
    });
  });

  it('refuses a replayed state (SSO_STATE_INVALID) and a callback without the browser binding, changing nothing', async () => {
    idp.accounts.set('sub-dora', {
      preferred_username: 'dora',
      email: 'dora@example.com',
      email_verified: true,
      groups: ['td-sales'],
    });
    const first = await ssoRound(t, idp, 'sub-dora');
    expect(first.res.status).toBe(302);

    const before = await snapshot(t);
    const replay = await t.http().get(first.callback).set('Cookie', first.binding);
    expectRefused(replay, 400, 'SSO_STATE_INVALID');
    const browserReplay = await t.http().get(first.callback).set('Cookie', first.binding).set('Accept', HTML);
    expect(browserReplay.status).toBe(302);
    expect(browserReplay.headers.location).toBe('/app/signin?error=SSO_STATE_INVALID');

    // Someone else's callback URL opened in another browser (login CSRF): refused, and the sign-on is not spent.
    const start = await t.http().get('/api/auth/sso/start');
    const back = await idp.signIn(start.headers.location as string, 'sub-dora');
    const callback = back.pathname + back.search;
    expectRefused(await t.http().get(callback), 400, 'SSO_STATE_INVALID');
    expect(await snapshot(t)).toEqual(before);
    const owner = await t.http().get(callback).set('Cookie', cookieOf(start.headers['set-cookie']));
    expect(owner.status).toBe(302);
    expect(sessionCookie(owner)).toBeDefined();

    const failed = (await auditOf(t, 'sign-in.failed')).filter((a) => a.details.code === 'SSO_STATE_INVALID');
    expect(failed.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a sign-on answered more than 10 minutes after it started, and deletes such logins', async () => {
    idp.accounts.set('sub-erin', { preferred_username: 'erin', groups: ['td-sales'] });
    const start = await t.http().get('/api/auth/sso/start');
    const back = await idp.signIn(start.headers.location as string, 'sub-erin');
    await t.db.query(`UPDATE oidc_logins SET created_at = now() - interval '11 minutes' WHERE used_at IS NULL`);
    const before = await snapshot(t);
    const res = await t
      .http()
      .get(back.pathname + back.search)
      .set('Cookie', cookieOf(start.headers['set-cookie']));
    expectRefused(res, 400, 'SSO_STATE_INVALID');
    expect(await snapshot(t)).toEqual(before);
    expect(await t.db.query(`SELECT 1 FROM oidc_logins WHERE created_at <= now() - interval '10 minutes'`)).toEqual([]);
  });

  it('refuses an ID token for another audience, and a code issued to another client (SSO_TOKEN_INVALID)', async () => {
    idp.accounts.set('sub-frank', { preferred_username: 'frank', email_verified: false, groups: ['td-sales'] });
    const before = await snapshot(t);

    idp.signIdTokensFor(OTHER_CLIENT.client_id);
    let wrongAudience: Attempt;
    try {
      wrongAudience = await ssoRound(t, idp, 'sub-frank');
    } finally {
      idp.signIdTokensFor(null);
    }
    expectRefused(wrongAudience.res, 401, 'SSO_TOKEN_INVALID');
    expect(JSON.stringify(wrongAudience.res.body.error.details)).toMatch(/aud/);

    // The other client's authorization: its code, sent to our callback with our state.
    const otherClient = await ssoRound(t, idp, 'sub-frank', {
      rewrite: (url) => {
        url.searchParams.set('client_id', OTHER_CLIENT.client_id);
        return url;
      },
    });
    expectRefused(otherClient.res, 401, 'SSO_TOKEN_INVALID');
    expect(otherClient.res.body.error.details.reason).toMatch(/invalid_grant/);
    expect(await snapshot(t)).toEqual(before);
    const failed = (await auditOf(t, 'sign-in.failed')).filter((a) => a.details.code === 'SSO_TOKEN_INVALID');
    expect(failed.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses the answer of another issuer (a mix-up: our state, another provider) with SSO_TOKEN_INVALID', async () => {
    idp2.accounts.set('sub-frank', { preferred_username: 'frank', groups: ['td-sales'] });
    const before = await snapshot(t);
    const mixUp = await ssoRound(t, idp2, 'sub-frank', {
      rewrite: (url) => new URL(url.pathname + url.search, idp2.issuer),
    });
    expectRefused(mixUp.res, 401, 'SSO_TOKEN_INVALID');
    expect(mixUp.res.body.error.details.reason).toMatch(/"iss" \(issuer\)/);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses when the person cancels at the provider (SSO_DENIED), audited', async () => {
    const before = await snapshot(t);
    const start = await t.http().get('/api/auth/sso/start');
    const back = await idp.cancel(start.headers.location as string);
    expect(back.searchParams.get('error')).toBe('access_denied');
    const res = await t
      .http()
      .get(back.pathname + back.search)
      .set('Cookie', cookieOf(start.headers['set-cookie']))
      .set('Accept', HTML);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/app/signin?error=SSO_DENIED');
    expect(await snapshot(t)).toEqual(before);
    expect((await auditOf(t, 'sign-in.failed')).at(-1)?.details).toMatchObject({
      code: 'SSO_DENIED',
      reason: expect.stringContaining('access_denied'),
    });
  });

  it('refuses a disabled user (SSO_USER_DISABLED), audited', async () => {
    idp.accounts.set('sub-gus', { preferred_username: 'gus', groups: ['td-sales'] });
    const first = await ssoRound(t, idp, 'sub-gus');
    const gus = (await sessionOf(t, sessionCookie(first.res)!)).user!;
    const off = await t
      .http()
      .patch(`/api/users/${gus.id}`)
      .auth(t.adminToken, { type: 'bearer' })
      .send({ disabled: true });
    expect(off.status).toBe(200);
    const before = await snapshot(t);
    const res = await ssoRound(t, idp, 'sub-gus');
    expectRefused(res.res, 403, 'SSO_USER_DISABLED');
    expect(await snapshot(t)).toEqual(before);
    expect((await auditOf(t, 'sign-in.failed')).at(-1)).toMatchObject({
      entity_id: gus.id,
      details: { code: 'SSO_USER_DISABLED' },
    });
  });

  it('without OIDC_CREATE_USERS refuses an unknown person (SSO_USER_UNKNOWN) and creates nobody', async () => {
    idp2.accounts.set('sub-hank', {
      preferred_username: 'hank',
      email: 'hank@example.com',
      email_verified: true,
      groups: ['td-sales'],
    });
    const before = await snapshot(linking);
    const res = await ssoRound(linking, idp2, 'sub-hank');
    expectRefused(res.res, 403, 'SSO_USER_UNKNOWN');
    expect(await snapshot(linking)).toEqual(before);
    expect((await auditOf(linking, 'sign-in.failed')).at(-1)).toMatchObject({
      actor_name: 'hank@example.com',
      details: { method: 'oidc', code: 'SSO_USER_UNKNOWN', issuer: idp2.issuer, subject: 'sub-hank' },
    });
  });

  it('links an existing user by verified e-mail (claims from userinfo), audited; an unverified e-mail links nobody', async () => {
    const create = (name: string, email: string) =>
      linking
        .http()
        .post('/api/users')
        .auth(linking.adminToken, { type: 'bearer' })
        .send({ name, roles: ['production'], email });
    const bob = (await create('bob', 'Bob.Chen@Example.com')).body as { id: string };
    const carol = (await create('carol', 'carol@example.com')).body as { id: string };

    idp2.accounts.set('sub-bob', { email: 'bob.chen@example.com', email_verified: true, groups: ['td-sales'] });
    const res = await ssoRound(linking, idp2, 'sub-bob');
    expect(res.res.status).toBe(302);
    const session = await sessionOf(linking, sessionCookie(res.res)!);
    expect(session.user).toMatchObject({ id: bob.id, name: 'bob', roles: ['sales'] });
    const [row] = await linking.db.query('SELECT oidc_issuer, oidc_subject FROM users WHERE id = $1', [bob.id]);
    expect(row).toEqual({ oidc_issuer: idp2.issuer, oidc_subject: 'sub-bob' });
    expect((await auditOf(linking, 'user.sso-linked')).at(-1)).toMatchObject({
      entity_id: bob.id,
      details: { issuer: idp2.issuer, subject: 'sub-bob', by: 'verified-email' },
    });
    // Linked now: the next sign-in finds bob by the identity, whatever the e-mail says.
    idp2.accounts.set('sub-bob', { email: 'bob@elsewhere.example', email_verified: true, groups: ['td-sales'] });
    expect((await sessionOf(linking, sessionCookie((await ssoRound(linking, idp2, 'sub-bob')).res)!)).user?.id).toBe(
      bob.id,
    );

    idp2.accounts.set('sub-mallory', { email: 'carol@example.com', email_verified: false, groups: ['td-sales'] });
    const before = await snapshot(linking);
    const unverified = await ssoRound(linking, idp2, 'sub-mallory');
    expectRefused(unverified.res, 403, 'SSO_USER_UNKNOWN');
    expect(await snapshot(linking)).toEqual(before);
    const [carolRow] = await linking.db.query('SELECT oidc_subject, roles FROM users WHERE id = $1', [carol.id]);
    expect(carolRow).toEqual({ oidc_subject: null, roles: ['production'] });
  });
});

describe('single sign-on switched off, and a provider that is down', () => {
  it('answers 404 SSO_DISABLED without OIDC_ISSUER; GET /api/auth/session offers no SSO', async () => {
    const t = await startTestApp('ssooff');
    try {
      for (const path of ['/api/auth/sso/start', '/api/auth/sso/callback?code=x&state=y']) {
        for (const accept of ['application/json', HTML]) {
          const res = await t.http().get(path).set('Accept', accept);
          expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({
            path,
            status: 404,
            code: 'SSO_DISABLED',
          });
        }
      }
      expect((await t.http().get('/api/auth/session')).body.sso).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('starts while the provider is unreachable (503 SSO_UNAVAILABLE), and discovers it once it is up', async () => {
    const port = await freePort();
    const t = await startTestApp('ssodown', {
      PUBLIC_URL,
      OIDC_ISSUER: `http://127.0.0.1:${port}`,
      OIDC_CLIENT_ID: CLIENT.client_id,
      OIDC_CLIENT_SECRET: CLIENT.client_secret,
      OIDC_ROLE_MAP: ROLE_MAP,
    });
    let provider: TestOidcProvider | undefined;
    try {
      const down = await t.http().get('/api/auth/sso/start');
      expect({ status: down.status, code: down.body?.error?.code }).toEqual({ status: 503, code: 'SSO_UNAVAILABLE' });
      const browser = await t.http().get('/api/auth/sso/start').set('Accept', HTML);
      expect(browser.status).toBe(302);
      expect(browser.headers.location).toBe('/app/signin?error=SSO_UNAVAILABLE');
      expect(await t.db.query('SELECT 1 FROM oidc_logins')).toEqual([]);

      provider = await startOidcProvider({ clients: [CLIENT], port });
      provider.accounts.set('sub-ivy', { preferred_username: 'ivy', groups: ['td-sales'] } satisfies TestAccount);
      const up = await t.http().get('/api/auth/sso/start');
      expect(up.status).toBe(302);
      expect(new URL(up.headers.location as string).origin).toBe(provider.issuer);
    } finally {
      await t.close();
      await provider?.close();
    }
  });
});
