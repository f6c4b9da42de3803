import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { cookieOf, setPassword, signIn, type BrowserSession } from '../support/sign-in.js';
import { tableChecksums } from '../support/table-checksums.js';

/** Invitations, the password policy, the forced change, changing one's own, admins' resets, my sessions. */
describe('passwords, invitations and my sessions', () => {
  let t: TestApp;
  const PASSWORD = 'a pass phrase nobody guesses 9';
  const NEW_PASSWORD = 'another pass phrase, longer 10';

  beforeAll(async () => {
    // Every request comes from 127.0.0.1: the throttle (sign-in-throttle.test.ts) is kept out of the way here.
    t = await startTestApp('passwords', {
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_ITERATIONS: '1',
      SIGN_IN_DELAY_AFTER: '100',
      SIGN_IN_LOCK_AFTER: '1000',
    });
  });
  afterAll(() => t?.close());

  const admin = () => ({ type: 'bearer' as const });
  async function createUser(name: string, roles = ['backoffice']) {
    const res = await t.http().post('/api/users').auth(t.adminToken, admin()).send({ name, roles });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, link: (res.body.invitation.url as string).split('#')[1]! };
  }
  const withSession = (s: BrowserSession, req: ReturnType<ReturnType<TestApp['http']>['post']>) =>
    req.set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken);
  const me = (s: BrowserSession) => t.http().get('/api/users/me').set('Cookie', s.cookie);
  const sessionOf = (res: { headers: Record<string, unknown>; body: { csrfToken: string; stage: string } }) => ({
    cookie: cookieOf(res.headers['set-cookie'] as string[]),
    csrfToken: res.body.csrfToken,
    stage: res.body.stage,
  });
  const auditOf = (userId: string) =>
    t.db.query<{ action: string; details: Record<string, unknown> }>(
      'SELECT action, details FROM audit_log WHERE entity_id = $1 ORDER BY id',
      [userId],
    );

  it('invites a new user: the link says who it is for, refuses weak passwords (changing nothing), then sets the password once and signs in', async () => {
    const u = await createUser('wang.li');
    const info = await t.http().get(`/api/auth/invitations/${u.link}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ user: { name: 'wang.li' }, purpose: 'invitation', expiresAt: expect.any(String) });
    const hours = (Date.parse(info.body.expiresAt as string) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71);
    expect(hours).toBeLessThanOrEqual(72);

    const before = await tableChecksums(t.db);
    for (const [pw, code] of [
      ['too short 1', 'PASSWORD_TOO_SHORT'],
      ['1qaz2wsx3edc4rfv', 'PASSWORD_TOO_COMMON'],
      ['QWERTY123456', 'PASSWORD_TOO_COMMON'],
      ['wang.li2026!!', 'PASSWORD_TOO_COMMON'],
      ['Tenderdesk123456', 'PASSWORD_TOO_COMMON'],
      ['12345678901234', 'PASSWORD_TOO_COMMON'],
    ]) {
      const res = await t.http().post(`/api/auth/invitations/${u.link}`).send({ newPassword: pw });
      expect([pw, res.status, res.body.error?.code]).toEqual([pw, 422, code]);
    }
    expect(await tableChecksums(t.db)).toEqual(before);

    const accepted = await t.http().post(`/api/auth/invitations/${u.link}`).send({ newPassword: PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ user: { id: u.id, name: 'wang.li' }, stage: 'active' });
    const s = sessionOf(accepted);
    expect((await me(s)).body.id).toBe(u.id);
    const [row] = await t.db.query<{ method: string }>('SELECT method FROM user_sessions WHERE user_id = $1', [u.id]);
    expect(row!.method).toBe('invitation');

    const again = await t.http().post(`/api/auth/invitations/${u.link}`).send({ newPassword: NEW_PASSWORD });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('INVITATION_USED');
    expect((await t.http().get(`/api/auth/invitations/${u.link}`)).status).toBe(410);
    await signIn(t.http, 'wang.li', PASSWORD); // the password set through the link, not the one tried after

    const actions = (await auditOf(u.id)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['user.create', 'invitation.created', 'invitation.used']));
  });

  it('refuses an expired, unknown or malformed link (404 INVITATION_INVALID / 410 INVITATION_EXPIRED) and changes nothing', async () => {
    const u = await createUser('late.comer');
    await t.db.query(`UPDATE user_invitations SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [u.id]);
    const before = await tableChecksums(t.db);
    const expired = await t.http().post(`/api/auth/invitations/${u.link}`).send({ newPassword: PASSWORD });
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('INVITATION_EXPIRED');
    expect((await t.http().get(`/api/auth/invitations/${u.link}`)).body.error.code).toBe('INVITATION_EXPIRED');
    for (const token of [`td_i_${'A'.repeat(43)}`, 'not-a-token', u.link.slice(0, -1)]) {
      const res = await t.http().post(`/api/auth/invitations/${token}`).send({ newPassword: PASSWORD });
      expect([token, res.status, res.body.error.code]).toEqual([token, 404, 'INVITATION_INVALID']);
    }
    expect(await tableChecksums(t.db)).toEqual(before);
  });

  it('forces a new password at the first sign-in: everything else is 401 SIGN_IN_INCOMPLETE until it is chosen', async () => {
    const u = await t.userWith(['backoffice'], 'temp.pw');
    await setPassword(t.db, u.id, PASSWORD, { mustChange: true });
    const s = await signIn(t.http, 'temp.pw', PASSWORD);
    expect(s.stage).toBe('password_change');
    for (const res of [await me(s), await withSession(s, t.http().post('/api/customers')).send({ name: 'x' })]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'SIGN_IN_INCOMPLETE', details: { stage: 'password_change' } });
    }
    const noCsrf = await t
      .http()
      .post('/api/auth/password')
      .set('Cookie', s.cookie)
      .send({ newPassword: NEW_PASSWORD });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('CSRF_FAILED');
    const weak = await withSession(s, t.http().post('/api/auth/password')).send({ newPassword: 'password1234' });
    expect(weak.status).toBe(422);

    const changed = await withSession(s, t.http().post('/api/auth/password')).send({ newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ stage: 'active', csrfToken: expect.any(String) });
    const next = sessionOf(changed);
    expect((await me(next)).status).toBe(200);
    expect((await me(s)).status).toBe(401); // the half-signed-in cookie was replaced
    const [row] = await t.db.query<{ must_change_password: boolean }>(
      'SELECT must_change_password FROM users WHERE id = $1',
      [u.id],
    );
    expect(row!.must_change_password).toBe(false);
    expect((await signIn(t.http, 'temp.pw', NEW_PASSWORD)).stage).toBe('active');
  });

  it('changes one’s own password with the current one, ending the other sessions; a wrong current one changes nothing', async () => {
    const u = await t.userWith(['finance'], 'changer');
    await setPassword(t.db, u.id, PASSWORD);
    const here = await signIn(t.http, 'changer', PASSWORD);
    const there = await signIn(t.http, 'changer', PASSWORD);

    const missing = await withSession(here, t.http().post('/api/auth/password')).send({ newPassword: NEW_PASSWORD });
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('CURRENT_PASSWORD_REQUIRED');
    const hashBefore = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [u.id]);
    const wrong = await withSession(here, t.http().post('/api/auth/password')).send({
      currentPassword: 'not my password at all',
      newPassword: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('CURRENT_PASSWORD_WRONG');
    expect(await t.db.query('SELECT password_hash FROM users WHERE id = $1', [u.id])).toEqual(hashBefore);
    expect((await me(there)).status).toBe(200);

    const ok = await withSession(here, t.http().post('/api/auth/password')).send({
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(ok.status).toBe(200);
    expect((await me(sessionOf(ok))).status).toBe(200);
    const ended = await me(there);
    expect(ended.status).toBe(401);
    expect(ended.body.error.code).toBe('SESSION_EXPIRED');
    expect((await t.http().post('/api/auth/sign-in').send({ login: 'changer', password: PASSWORD })).status).toBe(401);
    await signIn(t.http, 'changer', NEW_PASSWORD);

    const audit = await auditOf(u.id);
    expect(audit.map((a) => a.action)).toContain('password.changed');
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it('lists my sessions (the current one marked) and ends one of them; another user’s is not found', async () => {
    const u = await t.userWith(['sales'], 'two.browsers');
    await setPassword(t.db, u.id, PASSWORD);
    const a = await signIn(t.http, 'two.browsers', PASSWORD);
    const b = await signIn(t.http, 'two.browsers', PASSWORD);
    const list = await t.http().get('/api/me/sessions').set('Cookie', a.cookie);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    const current = (list.body as { id: string; current: boolean; method: string }[]).filter((s) => s.current);
    expect(current).toHaveLength(1);
    const other = (list.body as { id: string; current: boolean }[]).find((s) => !s.current)!;

    const o = await t.userWith(['sales'], 'someone.else');
    await setPassword(t.db, o.id, PASSWORD);
    const theirs = await signIn(t.http, 'someone.else', PASSWORD);
    const theirId = ((await t.http().get('/api/me/sessions').set('Cookie', theirs.cookie)).body as { id: string }[])[0]!
      .id;
    const notMine = await withSession(a, t.http().delete(`/api/me/sessions/${theirId}`));
    expect(notMine.status).toBe(404);
    expect(notMine.body.error.code).toBe('SESSION_NOT_FOUND');
    expect((await me(theirs)).status).toBe(200);

    const end = await withSession(a, t.http().delete(`/api/me/sessions/${other.id}`));
    expect(end.status).toBe(204);
    expect((await me(b)).status).toBe(401);
    expect((await me(a)).status).toBe(200);
  });

  it('signs out everywhere: every session of mine ends, this one too', async () => {
    const u = await t.userWith(['sales'], 'leaver');
    await setPassword(t.db, u.id, PASSWORD);
    const a = await signIn(t.http, 'leaver', PASSWORD);
    const b = await signIn(t.http, 'leaver', PASSWORD);
    const res = await withSession(a, t.http().post('/api/auth/sign-out-everywhere'));
    expect(res.status).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/td_session=; Max-Age=0/);
    for (const s of [a, b]) expect((await me(s)).body.error.code).toBe('SESSION_EXPIRED');
    expect((await auditOf(u.id)).map((x) => x.action)).toContain('sessions.ended');
  });

  it("resets a user's password (admin): the old one stops working, their sessions end, a new link sets another", async () => {
    const u = await t.userWith(['manager'], 'forgetful');
    await setPassword(t.db, u.id, PASSWORD);
    const s = await signIn(t.http, 'forgetful', PASSWORD);
    const reset = await t.http().post(`/api/users/${u.id}/password-reset`).auth(t.adminToken, admin());
    expect(reset.status).toBe(200);
    expect(reset.body.invitation).toEqual({
      url: expect.stringContaining('/app/invitation#td_i_'),
      expiresAt: expect.any(String),
    });
    expect((await me(s)).status).toBe(401);
    expect((await t.http().post('/api/auth/sign-in').send({ login: 'forgetful', password: PASSWORD })).status).toBe(
      401,
    );

    const link = (reset.body.invitation.url as string).split('#')[1]!;
    expect((await t.http().get(`/api/auth/invitations/${link}`)).body.purpose).toBe('reset');
    const accepted = await t.http().post(`/api/auth/invitations/${link}`).send({ newPassword: NEW_PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body.stage).toBe('active');
    expect((await auditOf(u.id)).map((a) => a.action)).toEqual(
      expect.arrayContaining(['password.reset', 'invitation.used']),
    );

    const asManager = await t.http().post(`/api/users/${u.id}/password-reset`).auth(u.token, admin());
    expect(asManager.status).toBe(403);
  });

  it("ends a disabled user's sessions", async () => {
    const u = await t.userWith(['production'], 'disabled.soon');
    await setPassword(t.db, u.id, PASSWORD);
    const s = await signIn(t.http, 'disabled.soon', PASSWORD);
    const off = await t.http().patch(`/api/users/${u.id}`).auth(t.adminToken, admin()).send({ disabled: true });
    expect(off.status).toBe(200);
    const rows = await t.db.query<{ revoked_reason: string }>(
      'SELECT revoked_reason FROM user_sessions WHERE user_id = $1',
      [u.id],
    );
    expect(rows.map((r) => r.revoked_reason)).toEqual(['user-disabled']);
    expect((await me(s)).status).toBe(401);
  });
});
