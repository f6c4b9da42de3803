import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { setPassword } from '../support/sign-in.js';
import { tableChecksums } from '../support/table-checksums.js';

/**
 * Failed sign-ins throttled per account and per client address (TRUST_PROXY: the tests' addresses are X-Forwarded-For):
 * growing delays from SIGN_IN_DELAY_AFTER failures, a lock at SIGN_IN_LOCK_AFTER. No test waits on the clock: the
 * passing of time is the throttle rows' last failure moved back.
 */
describe('sign-in throttle', () => {
  let t: TestApp;
  const PASSWORD = 'a pass phrase nobody guesses 9';
  let ipSeq = 10;
  const nextIp = () => `203.0.113.${++ipSeq}`;

  beforeAll(async () => {
    t = await startTestApp('signinthrottle', {
      TRUST_PROXY: 'loopback',
      SIGN_IN_DELAY_AFTER: '2',
      SIGN_IN_LOCK_AFTER: '9',
      SIGN_IN_LOCK_MINUTES: '15',
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_ITERATIONS: '1',
    });
  });
  afterAll(() => t?.close());

  const attempt = (login: string, password: string, ip: string, headers: Record<string, string> = {}) => {
    let req = t.http().post('/api/auth/sign-in').set('X-Forwarded-For', ip);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return req.send({ login, password });
  };
  /** A minute or two passes for every key: the delays of earlier failures have run out (a 15-minute lock has not). */
  const timePasses = () =>
    t.db.query(`UPDATE sign_in_throttle SET last_failure_at = last_failure_at - interval '2 minutes'`);
  /** n wrong passwords for `login`, each admitted (time passes before each), from `ips(i)`. */
  async function fail(n: number, login: string, ips: (i: number) => string): Promise<void> {
    for (let i = 0; i < n; i++) {
      await timePasses();
      const res = await attempt(login, `wrong guess number ${i}`, ips(i));
      expect([i, res.status, res.body.error?.code]).toEqual([i, 401, 'SIGN_IN_FAILED']);
    }
  }
  const audit = (action: string, entityId?: string) =>
    t.db.query<{ details: Record<string, unknown>; entity_id: string | null }>(
      `SELECT details, entity_id FROM audit_log WHERE action = $1 ${entityId ? 'AND entity_id = $2' : ''} ORDER BY id`,
      entityId ? [action, entityId] : [action],
    );
  const sessionsOf = async (userId: string) =>
    (await t.db.query('SELECT id FROM user_sessions WHERE user_id = $1', [userId])).length;

  it('delays an account from SIGN_IN_DELAY_AFTER failures on, 2^(n-N) s (at most a minute) after the last, from any address; a success then clears its count', async () => {
    const u = await t.userWith(['sales'], 'slow');
    await setPassword(t.db, u.id, PASSWORD);
    await fail(8, 'slow', () => nextIp()); // n = 8: 2^(8-2) s, capped at 60 s

    const before = await tableChecksums(t.db);
    const res = await attempt('slow', PASSWORD, nextIp());
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('SIGN_IN_THROTTLED');
    const retry = Number(res.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(res.body.error.details.retryAfterSeconds).toBe(retry);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await tableChecksums(t.db)).toEqual(before); // refused unchecked: nothing counted, no session

    await timePasses();
    const ok = await attempt('slow', PASSWORD, nextIp());
    expect(ok.status).toBe(200);
    expect(await t.db.query(`SELECT key FROM sign_in_throttle WHERE key = $1`, [`account:${u.id}`])).toEqual([]);
    expect(await audit('sign-in.succeeded', u.id)).toHaveLength(1);
  });

  it('locks an account at SIGN_IN_LOCK_AFTER failures for SIGN_IN_LOCK_MINUTES: the right password is refused too, nothing changes; an admin reset clears it', async () => {
    const u = await t.userWith(['finance'], 'locky');
    await setPassword(t.db, u.id, PASSWORD);
    await fail(9, 'locky', () => nextIp());
    const locks = await audit('sign-in.locked', u.id);
    expect(locks).toHaveLength(1);
    expect(locks[0].details).toMatchObject({ by: 'account', login: 'locky', lockedMinutes: 15 });

    await timePasses();
    const before = await tableChecksums(t.db);
    const res = await attempt('locky', PASSWORD, nextIp());
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('SIGN_IN_LOCKED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(12 * 60);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(await tableChecksums(t.db)).toEqual(before);
    expect(await sessionsOf(u.id)).toBe(0);

    const failures = await audit('sign-in.failed', u.id);
    expect(failures).toHaveLength(9);
    expect(failures.every((f) => f.details.reason === 'wrong-password')).toBe(true);

    const reset = await t.http().post(`/api/users/${u.id}/password-reset`).auth(t.adminToken, { type: 'bearer' });
    expect(reset.status).toBe(200);
    // The lock is gone (the attempt is checked again), and so is the old password.
    const after = await attempt('locky', PASSWORD, nextIp());
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('SIGN_IN_FAILED');
    expect((await audit('sign-in.failed', u.id)).at(-1)!.details.reason).toBe('no-password');
  });

  it('answers an unknown name exactly as a known one, counting it under the name, and does not record what was typed', async () => {
    const u = await t.userWith(['sales'], 'known.one');
    await setPassword(t.db, u.id, PASSWORD);
    await fail(9, 'ghost', () => nextIp());
    await fail(9, 'known.one', () => nextIp());
    const ghost = await attempt('ghost', PASSWORD, nextIp());
    const known = await attempt('known.one', PASSWORD, nextIp());
    expect(ghost.status).toBe(429);
    expect(ghost.body.error.code).toBe('SIGN_IN_LOCKED');
    expect(ghost.body.error.message).toBe(known.body.error.message);
    expect(Object.keys(ghost.body.error.details)).toEqual(Object.keys(known.body.error.details));

    const failures = (await audit('sign-in.failed')).filter((f) => f.entity_id === null);
    expect(failures.length).toBeGreaterThanOrEqual(9);
    expect(failures.every((f) => f.details.reason === 'unknown-user' && !('login' in f.details))).toBe(true);
    expect(JSON.stringify(failures)).not.toContain('ghost');
  });

  it('locks an address that fails across many accounts, for every account; other addresses still sign in', async () => {
    const u = await t.userWith(['backoffice'], 'bystander');
    await setPassword(t.db, u.id, PASSWORD);
    const ip = nextIp();
    for (let i = 0; i < 9; i++) await fail(1, `sprayed.name.${i}`, () => ip);
    const blocked = await attempt('bystander', PASSWORD, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('SIGN_IN_LOCKED');
    expect(await sessionsOf(u.id)).toBe(0);
    const locks = (await audit('sign-in.locked')).filter((l) => l.details.by === 'address');
    expect(locks.map((l) => l.details.ip)).toContain(ip);

    const elsewhere = await attempt('bystander', PASSWORD, nextIp());
    expect(elsewhere.status).toBe(200);
  });

  it("refuses a disabled user's right password as any failure, and audits why", async () => {
    const u = await t.userWith(['production'], 'gone');
    await setPassword(t.db, u.id, PASSWORD);
    await t.http().patch(`/api/users/${u.id}`).auth(t.adminToken, { type: 'bearer' }).send({ disabled: true });
    const res = await attempt('gone', PASSWORD, nextIp());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('SIGN_IN_FAILED');
    expect((await audit('sign-in.failed', u.id)).map((f) => f.details.reason)).toEqual(['disabled']);
  });

  it('refuses a sign-in posted from a foreign page (login CSRF) before anything is counted', async () => {
    const before = await tableChecksums(t.db);
    const res = await attempt('slow', PASSWORD, nextIp(), { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_FAILED');
    expect(await tableChecksums(t.db)).toEqual(before);
  });

  it('never writes a password into the audit log', async () => {
    const text = JSON.stringify(await t.db.query('SELECT details FROM audit_log'));
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toMatch(/wrong guess number/);
  });
});
