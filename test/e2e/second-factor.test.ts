import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import { startTestApp, type TestApp } from '../support/app.js';
import { cookieOf, setPassword, signIn, type BrowserSession } from '../support/sign-in.js';
import { tableChecksums } from '../support/table-checksums.js';

/**
 * The second factor (#15) against the real service and PostgreSQL: TOTP enrolment and confirmation, the sign-in step,
 * replayed and wrong codes, recovery codes, turning it off, roles that require it, and the lock after wrong codes.
 * Codes are computed here with otpauth from the secret the enrolment returns.
 */
describe('second factor (TOTP and recovery codes)', () => {
  let t: TestApp;
  const PASSWORD = 'correct horse battery staple 7';
  const LOCK_AFTER = 4;

  beforeAll(async () => {
    t = await startTestApp('secondfactor', {
      TOTP_REQUIRED_ROLES: 'finance',
      SIGN_IN_LOCK_AFTER: String(LOCK_AFTER),
    });
  });
  afterAll(() => t?.close());

  const codeOf = (secret: string, timestamp = Date.now()) =>
    TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp });
  /**
   * A code the server has not seen yet: the user's last accepted step is moved back, as if a minute had passed
   * since it was used (a code is good once: within one 30-second step a second code would be a replay).
   */
  const freshCode = async (userId: string, secret: string) => {
    await t.db.query('UPDATE users SET totp_last_step = totp_last_step - 2 WHERE id = $1', [userId]);
    return codeOf(secret);
  };
  const write = (s: BrowserSession, method: 'post' | 'delete', path: string) =>
    t.http()[method](path).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken);
  const stageOf = async (s: BrowserSession) =>
    ((await t.http().get('/api/auth/session').set('Cookie', s.cookie)).body as { stage: string | null }).stage;
  const auditOf = async (userId: string, action: string) =>
    t.db.query<{ details: Record<string, unknown> }>(
      'SELECT details FROM audit_log WHERE entity_id = $1 AND action = $2 ORDER BY chain_seq',
      [userId, action],
    );
  /** Everything but the audit log and the failure counters: what a refused code must leave as it was. */
  const state = () => tableChecksums(t.db, ['audit_log', 'audit_chain_head', 'sign_in_throttle']);

  /** A user with a password who has enrolled and confirmed TOTP: their secret and recovery codes. */
  async function enrolled(name: string, roles = ['backoffice']) {
    const user = await t.userWith(roles, name);
    await setPassword(t.db, user.id, PASSWORD);
    const s = await signIn(t.http, name, PASSWORD);
    const enrolment = await write(s, 'post', '/api/me/totp/enrolment');
    expect(enrolment.status).toBe(200);
    const secret = enrolment.body.secret as string;
    const confirm = await write(s, 'post', '/api/me/totp/confirm').send({ code: codeOf(secret) });
    expect(confirm.status).toBe(200);
    return { ...user, secret, recoveryCodes: confirm.body.recoveryCodes as string[], session: s };
  }

  it('enrols, confirms, then sign-in asks for the second factor: a wrong code is 401, the right one makes the session active', async () => {
    const user = await t.userWith(['backoffice'], 'clerk');
    await setPassword(t.db, user.id, PASSWORD);
    const s = await signIn(t.http, 'clerk', PASSWORD);
    expect(s.stage).toBe('active');
    const before = await t.http().get('/api/me/totp').set('Cookie', s.cookie);
    expect(before.body).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0, required: false });

    const enrolment = await write(s, 'post', '/api/me/totp/enrolment');
    expect(enrolment.status).toBe(200);
    const secret = enrolment.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Tenderdesk:clerk\?.*secret=/);
    expect(enrolment.body.qrSvg).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s);
    // Stored sealed: the secret itself is nowhere in the row.
    const [row] = await t.db.query<{ totp_secret: string; totp_enabled_at: Date | null }>(
      'SELECT totp_secret, totp_enabled_at FROM users WHERE id = $1',
      [user.id],
    );
    expect(row!.totp_secret).toMatch(/^v1\./);
    expect(row!.totp_secret).not.toContain(secret);
    expect(row!.totp_enabled_at).toBeNull();

    const unchanged = await state();
    const wrongConfirm = await write(s, 'post', '/api/me/totp/confirm').send({
      code: codeOf(secret, Date.now() - 300_000),
    });
    expect(wrongConfirm.status).toBe(422);
    expect(wrongConfirm.body.error.code).toBe('SECOND_FACTOR_FAILED');
    expect(await state()).toEqual(unchanged);

    const confirm = await write(s, 'post', '/api/me/totp/confirm').send({ code: codeOf(secret) });
    expect(confirm.status).toBe(200);
    const codes = confirm.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    expect(new Set(codes).size).toBe(10);
    expect(confirm.headers['set-cookie']).toBeUndefined(); // an active session stays as it is
    const stored = await t.db.query<{ code_hash: string }>(
      'SELECT code_hash FROM user_recovery_codes WHERE user_id = $1',
      [user.id],
    );
    expect(stored).toHaveLength(10);
    expect(stored.map((r) => r.code_hash).join()).not.toContain(codes[0]!.slice(0, 5));
    const status = await t.http().get('/api/me/totp').set('Cookie', s.cookie);
    expect(status.body).toMatchObject({ enabled: true, recoveryCodesLeft: 10, required: false });
    expect(await auditOf(user.id, 'totp.enabled')).toHaveLength(1);

    const next = await signIn(t.http, 'clerk', PASSWORD);
    expect(next.stage).toBe('second_factor');
    const blocked = await t.http().get('/api/users/me').set('Cookie', next.cookie);
    expect(blocked.status).toBe(401);
    expect(blocked.body.error).toMatchObject({ code: 'SIGN_IN_INCOMPLETE', details: { stage: 'second_factor' } });

    const beforeWrong = await state();
    const wrong = await write(next, 'post', '/api/auth/second-factor').send({
      code: codeOf(secret, Date.now() - 300_000),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('SECOND_FACTOR_FAILED');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(await state()).toEqual(beforeWrong);
    expect(await stageOf(next)).toBe('second_factor');
    expect(await auditOf(user.id, 'second-factor.failed')).toEqual(
      expect.arrayContaining([expect.objectContaining({ details: expect.objectContaining({ place: 'sign-in' }) })]),
    );

    const right = await write(next, 'post', '/api/auth/second-factor').send({ code: await freshCode(user.id, secret) });
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ stage: 'active', csrfToken: expect.any(String) });
    const active = cookieOf(right.headers['set-cookie']);
    expect((await t.http().get('/api/users/me').set('Cookie', active)).status).toBe(200);
    // The half-signed-in cookie does not become a full session.
    expect((await t.http().get('/api/users/me').set('Cookie', next.cookie)).status).toBe(401);
  });

  it('refuses a code that was accepted already (a replay), even in another sign-in', async () => {
    const u = await enrolled('replay.user');
    const first = await signIn(t.http, 'replay.user', PASSWORD);
    const second = await signIn(t.http, 'replay.user', PASSWORD);
    const code = await freshCode(u.id, u.secret);
    const ok = await write(first, 'post', '/api/auth/second-factor').send({ code });
    expect(ok.status).toBe(200);
    const before = await state();
    const replay = await write(second, 'post', '/api/auth/second-factor').send({ code });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('SECOND_FACTOR_FAILED');
    expect(await state()).toEqual(before);
    expect(await stageOf(second)).toBe('second_factor');
    const [failed] = await auditOf(u.id, 'second-factor.failed');
    expect(failed!.details).toMatchObject({ place: 'sign-in', reason: 'replayed' });
  });

  it('accepts a recovery code once (typed in any case, without the dash); a used one is 401 RECOVERY_CODE_USED', async () => {
    const u = await enrolled('recovery.user');
    const s1 = await signIn(t.http, 'recovery.user', PASSWORD);
    const typed = u.recoveryCodes[0]!.replace('-', '').toUpperCase();
    const ok = await write(s1, 'post', '/api/auth/second-factor').send({ recoveryCode: typed });
    expect(ok.status).toBe(200);
    expect(ok.body.stage).toBe('active');
    const [used] = await auditOf(u.id, 'recovery-code.used');
    expect(used!.details).toMatchObject({ place: 'sign-in', left: 9 });

    const s2 = await signIn(t.http, 'recovery.user', PASSWORD);
    const before = await state();
    const again = await write(s2, 'post', '/api/auth/second-factor').send({ recoveryCode: u.recoveryCodes[0] });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('RECOVERY_CODE_USED');
    const unknown = await write(s2, 'post', '/api/auth/second-factor').send({ recoveryCode: 'zzzzz-zzzzz' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('SECOND_FACTOR_FAILED');
    expect(await state()).toEqual(before);
    expect(await stageOf(s2)).toBe('second_factor');
    const status = await t.http().get('/api/me/totp').set('Cookie', cookieOf(ok.headers['set-cookie']));
    expect(status.body.recoveryCodesLeft).toBe(9);
    const both = await write(s2, 'post', '/api/auth/second-factor').send({ code: '123456', recoveryCode: typed });
    expect(both.status).toBe(400);
  });

  it('gives new recovery codes for a code: the old ones stop working', async () => {
    const u = await enrolled('regen.user');
    const res = await write(u.session, 'post', '/api/me/totp/recovery-codes').send({
      code: await freshCode(u.id, u.secret),
    });
    expect(res.status).toBe(200);
    const fresh = res.body.recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(u.recoveryCodes[1]);
    expect(await auditOf(u.id, 'recovery-codes.regenerated')).toHaveLength(1);
    const s = await signIn(t.http, 'regen.user', PASSWORD);
    const old = await write(s, 'post', '/api/auth/second-factor').send({ recoveryCode: u.recoveryCodes[1] });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('SECOND_FACTOR_FAILED');
    const now = await write(s, 'post', '/api/auth/second-factor').send({ recoveryCode: fresh[1] });
    expect(now.status).toBe(200);
  });

  it('turns the second factor off only with a right code; sign-in is then one step again', async () => {
    const u = await enrolled('disable.user');
    const none = await write(u.session, 'delete', '/api/me/totp').send({});
    expect(none.status).toBe(400);
    const before = await state();
    const wrong = await write(u.session, 'delete', '/api/me/totp').send({
      code: codeOf(u.secret, Date.now() - 300_000),
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('SECOND_FACTOR_FAILED');
    expect(await state()).toEqual(before);

    const off = await write(u.session, 'delete', '/api/me/totp').send({ code: await freshCode(u.id, u.secret) });
    expect(off.status).toBe(204);
    const [row] = await t.db.query<{ totp_secret: string | null; totp_enabled_at: Date | null }>(
      'SELECT totp_secret, totp_enabled_at FROM users WHERE id = $1',
      [u.id],
    );
    expect(row).toEqual({ totp_secret: null, totp_enabled_at: null });
    expect(await t.db.query('SELECT id FROM user_recovery_codes WHERE user_id = $1', [u.id])).toHaveLength(0);
    expect(await auditOf(u.id, 'totp.disabled')).toHaveLength(1);
    expect((await signIn(t.http, 'disable.user', PASSWORD)).stage).toBe('active');
  });

  it('makes users of TOTP_REQUIRED_ROLES enrol at sign-in: nothing else is open until they confirm, and they cannot turn it off', async () => {
    const user = await t.userWith(['finance'], 'cashier');
    await setPassword(t.db, user.id, PASSWORD);
    const s = await signIn(t.http, 'cashier', PASSWORD);
    expect(s.stage).toBe('totp_enrolment');
    const customers = async () => (await t.db.query('SELECT id FROM customers')).length;
    const count = await customers();
    for (const res of [
      await t.http().get('/api/users/me').set('Cookie', s.cookie),
      await write(s, 'post', '/api/customers').send({ name: '苏州测试客户' }),
      await t.http().get('/api/me/tokens').set('Cookie', s.cookie),
      await write(s, 'post', '/api/me/tokens').send({ label: 'x' }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'SIGN_IN_INCOMPLETE', details: { stage: 'totp_enrolment' } });
    }
    expect(await customers()).toBe(count);
    const status = await t.http().get('/api/me/totp').set('Cookie', s.cookie);
    expect(status.body).toMatchObject({ enabled: false, required: true });

    const enrolment = await write(s, 'post', '/api/me/totp/enrolment');
    expect(enrolment.status).toBe(200);
    const secret = enrolment.body.secret as string;
    const confirm = await write(s, 'post', '/api/me/totp/confirm').send({ code: codeOf(secret) });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toMatchObject({ stage: 'active', csrfToken: expect.any(String) });
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    const active: BrowserSession = {
      cookie: cookieOf(confirm.headers['set-cookie']),
      csrfToken: confirm.body.csrfToken as string,
      stage: 'active',
    };
    expect((await t.http().get('/api/users/me').set('Cookie', active.cookie)).status).toBe(200);
    expect((await t.http().get('/api/users/me').set('Cookie', s.cookie)).status).toBe(401);

    const code = await freshCode(user.id, secret);
    const before = await state();
    const off = await write(active, 'delete', '/api/me/totp').send({ code });
    expect(off.status).toBe(422);
    expect(off.body.error.code).toBe('SECOND_FACTOR_REQUIRED');
    expect(await state()).toEqual(before);
    expect((await signIn(t.http, 'cashier', PASSWORD)).stage).toBe('second_factor');
  });

  it(`locks the second factor after ${LOCK_AFTER} wrong codes: then even the right code gets 429 SIGN_IN_LOCKED`, async () => {
    const u = await enrolled('locked.user');
    const s = await signIn(t.http, 'locked.user', PASSWORD);
    const wrongCode = codeOf(u.secret, Date.now() - 300_000);
    for (let i = 1; i < LOCK_AFTER; i++) {
      const res = await write(s, 'post', '/api/auth/second-factor').send({ code: wrongCode });
      expect(res.status).toBe(401);
    }
    const last = await write(s, 'post', '/api/auth/second-factor').send({ code: wrongCode });
    expect(last.status).toBe(429);
    expect(last.body.error.code).toBe('SIGN_IN_LOCKED');
    expect(last.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    const right = await write(s, 'post', '/api/auth/second-factor').send({ code: await freshCode(u.id, u.secret) });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('SIGN_IN_LOCKED');
    expect(await stageOf(s)).toBe('second_factor');
    const failures = await auditOf(u.id, 'second-factor.failed');
    expect(failures).toHaveLength(LOCK_AFTER);
    expect(failures[LOCK_AFTER - 1]!.details.lockedUntil).toEqual(expect.any(String));
  });

  it('answers an API token on the sign-in step with 409 NOT_SIGNING_IN', async () => {
    const u = await t.userWith(['sales'], 'token.caller');
    const res = await t
      .http()
      .post('/api/auth/second-factor')
      .auth(u.token, { type: 'bearer' })
      .send({ code: '123456' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NOT_SIGNING_IN');
  });

  it("lets an admin reset someone's lost second factor: secret and codes gone, their sessions ended, audited; not their own, not for others", async () => {
    const lost = await enrolled('lost-phone', ['finance']);
    const admin = await t.userWith(['admin'], 'it-admin');
    const clerk = await t.userWith(['backoffice'], 'not-an-admin');
    // Someone (the user, or whoever has the password) is at the second-factor step: that session ends with the reset.
    const pending = await signIn(t.http, 'lost-phone', PASSWORD);
    expect(pending.stage).toBe('second_factor');
    const stepOf = async (cookie: string) =>
      ((await t.http().get('/api/users/me').set('Cookie', cookie)).body as { error: { code: string } }).error.code;
    expect(await stepOf(pending.cookie)).toBe('SIGN_IN_INCOMPLETE');

    const unchanged = await state();
    const refused = await t.http().delete(`/api/users/${lost.id}/totp`).auth(clerk.token, { type: 'bearer' });
    expect(refused.status).toBe(403);
    const own = await t.http().delete(`/api/users/${admin.id}/totp`).auth(admin.token, { type: 'bearer' });
    expect(own.status).toBe(400);
    expect(own.body.error.code).toBe('CANNOT_RESET_OWN_SECOND_FACTOR');
    expect(await state()).toEqual(unchanged);

    const reset = await t.http().delete(`/api/users/${lost.id}/totp`).auth(admin.token, { type: 'bearer' });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ sessionsEnded: 2 }); // the enrolment's and the pending one
    const [row] = await t.db.query<{ totp_secret: string | null; totp_enabled_at: Date | null }>(
      'SELECT totp_secret, totp_enabled_at FROM users WHERE id = $1',
      [lost.id],
    );
    expect(row).toEqual({ totp_secret: null, totp_enabled_at: null });
    expect(await t.db.query('SELECT id FROM user_recovery_codes WHERE user_id = $1', [lost.id])).toEqual([]);
    expect(await stepOf(pending.cookie)).toBe('SESSION_EXPIRED');
    expect(await auditOf(lost.id, 'totp.reset')).toEqual([{ details: { name: 'lost-phone', sessionsEnded: 2 } }]);

    // Their roles require a second factor: the next sign-in enrols again before anything else.
    expect((await signIn(t.http, 'lost-phone', PASSWORD)).stage).toBe('totp_enrolment');
    const again = await t.http().delete(`/api/users/${lost.id}/totp`).auth(admin.token, { type: 'bearer' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TOTP_NOT_ENABLED');
  });
});
