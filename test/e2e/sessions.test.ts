import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { cookieOf, setPassword, signIn } from '../support/sign-in.js';

/** Browser sessions against the real service and PostgreSQL: the cookie, CSRF on writes, sign-out on the server. */
describe('sessions', () => {
  let t: TestApp;
  let clerk: { id: string; token: string };
  const PASSWORD = 'correct horse battery staple 7';

  beforeAll(async () => {
    t = await startTestApp('sessions');
    clerk = await t.userWith(['backoffice'], 'clerk');
    await setPassword(t.db, clerk.id, PASSWORD);
  });
  afterAll(() => t?.close());

  it('signs in with the user name and sets an HttpOnly SameSite cookie; the table keeps only a hash', async () => {
    const res = await t.http().post('/api/auth/sign-in').send({ login: 'clerk', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: clerk.id, name: 'clerk', roles: ['backoffice'] }, stage: 'active' });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^td_session=td_s_[\w-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const token = cookieOf(res.headers['set-cookie']).split('=')[1]!;
    const rows = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM user_sessions WHERE user_id = $1', [
      clerk.id,
    ]);
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
    expect(rows).toHaveLength(1);
  });

  it('refuses a wrong password and an unknown user alike, with 401 SIGN_IN_FAILED and no session', async () => {
    const before = await t.db.query('SELECT id FROM user_sessions');
    for (const body of [
      { login: 'clerk', password: 'wrong wrong wrong' },
      { login: 'nobody', password: PASSWORD },
    ]) {
      const res = await t.http().post('/api/auth/sign-in').send(body);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('SIGN_IN_FAILED');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await t.db.query('SELECT id FROM user_sessions')).toHaveLength(before.length);
  });

  it('reads with the cookie, writes only with the CSRF token from the same origin, and bearer tokens still work', async () => {
    const s = await signIn(t.http, 'clerk', PASSWORD);
    const me = await t.http().get('/api/users/me').set('Cookie', s.cookie);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(clerk.id);

    const body = { name: '无锡测试客户' };
    const count = async () => (await t.db.query('SELECT id FROM customers')).length;
    const before = await count();
    const noToken = await t.http().post('/api/customers').set('Cookie', s.cookie).send(body);
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('CSRF_FAILED');
    const crossSite = await t
      .http()
      .post('/api/customers')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrfToken)
      .set('Origin', 'https://evil.example')
      .send(body);
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('CSRF_FAILED');
    expect(await count()).toBe(before);

    const ok = await t
      .http()
      .post('/api/customers')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrfToken)
      .send(body);
    expect(ok.status).toBe(201);
    const bearer = await t.http().get('/api/users/me').auth(clerk.token, { type: 'bearer' });
    expect(bearer.status).toBe(200);
  });

  it('GET /api/auth/session tells the console who is signed in and its CSRF token', async () => {
    const s = await signIn(t.http, 'clerk', PASSWORD);
    const res = await t.http().get('/api/auth/session').set('Cookie', s.cookie);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: clerk.id }, stage: 'active', csrfToken: s.csrfToken });
    const anonymous = await t.http().get('/api/auth/session');
    expect(anonymous.body).toMatchObject({ user: null, stage: null });
  });

  it('signs out on the server: the same cookie then gets 401 SESSION_EXPIRED', async () => {
    const s = await signIn(t.http, 'clerk', PASSWORD);
    const out = await t.http().post('/api/auth/sign-out').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/td_session=; Max-Age=0/);
    const after = await t.http().get('/api/users/me').set('Cookie', s.cookie);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('SESSION_EXPIRED');
  });

  it('ends a session idle longer than SESSION_IDLE_MINUTES and one past its absolute end', async () => {
    const idle = await signIn(t.http, 'clerk', PASSWORD);
    const old = await signIn(t.http, 'clerk', PASSWORD);
    const idOf = async (cookie: string) =>
      ((await t.http().get('/api/auth/session').set('Cookie', cookie)).body as { user: { id: string } }).user.id;
    expect(await idOf(idle.cookie)).toBe(clerk.id);
    await t.db.query(`UPDATE user_sessions SET last_seen_at = now() - interval '61 minutes' WHERE csrf_token = $1`, [
      idle.csrfToken,
    ]);
    await t.db.query(`UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE csrf_token = $1`, [
      old.csrfToken,
    ]);
    for (const [s, reason] of [
      [idle, 'idle'],
      [old, 'expired'],
    ] as const) {
      const res = await t.http().get('/api/users/me').set('Cookie', s.cookie);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'SESSION_EXPIRED', details: { reason } });
    }
  });
});
