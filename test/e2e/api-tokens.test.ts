import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { setPassword, signIn, type BrowserSession } from '../support/sign-in.js';
import { tableChecksums } from '../support/table-checksums.js';

const DAYS = 30;
const MAX_DAYS = 60;
const DAY_MS = 86_400_000;

/** API tokens for integrations (#15): lifetimes, the read-only scope, last use, a user's own list; against the real service. */
describe('API tokens', () => {
  let t: TestApp;
  let clerk: { id: string; token: string };
  let s: BrowserSession;
  const PASSWORD = 'correct horse battery staple 7';

  beforeAll(async () => {
    t = await startTestApp('apitokens', { API_TOKEN_DAYS: String(DAYS), API_TOKEN_MAX_DAYS: String(MAX_DAYS) });
    clerk = await t.userWith(['sales'], 'token.clerk');
    await setPassword(t.db, clerk.id, PASSWORD);
    s = await signIn(t.http, 'token.clerk', PASSWORD);
  });
  afterAll(() => t?.close());

  const mine = () => t.http().post('/api/me/tokens').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken);
  const lifetimeDays = (view: { createdAt: string; expiresAt: string | null }) =>
    view.expiresAt === null ? null : Math.round((Date.parse(view.expiresAt) - Date.parse(view.createdAt)) / DAY_MS);
  /** Every table; the session is used first, so that its last-seen time is not due for an update while it is compared. */
  const state = async () => {
    await t.http().get('/api/auth/session').set('Cookie', s.cookie);
    return tableChecksums(t.db);
  };

  it('creates my own token with the default lifetime (API_TOKEN_DAYS), lists it with expiry, scope and last use', async () => {
    const res = await mine().send({ label: 'ERP 集成' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ label: 'ERP 集成', readOnly: false, revokedAt: null, lastUsedAt: null });
    expect(res.body.token).toMatch(/^td_/);
    expect(lifetimeDays(res.body)).toBe(DAYS);

    expect((await t.http().get('/api/users/me').auth(res.body.token, { type: 'bearer' })).status).toBe(200);
    const list = await t.http().get('/api/me/tokens').set('Cookie', s.cookie);
    expect(list.status).toBe(200);
    const listed = (list.body as { id: string; lastUsedAt: string | null; token?: string }[]).find(
      (x) => x.id === res.body.id,
    );
    expect(listed).toMatchObject({ prefix: res.body.prefix, readOnly: false, expiresAt: res.body.expiresAt });
    expect(listed!.lastUsedAt).not.toBeNull();
    expect(listed!.token).toBeUndefined();
    const [audit] = await t.db.query<{ details: Record<string, unknown> }>(
      "SELECT details FROM audit_log WHERE action = 'token.create' AND details->>'tokenId' = $1",
      [res.body.id],
    );
    expect(audit!.details).toMatchObject({ label: 'ERP 集成', expiresAt: res.body.expiresAt, readOnly: false });
  });

  it('gives a new user (POST /api/users) a token with the default lifetime; ADMIN_TOKEN never expires', async () => {
    const tokens = await t.http().get(`/api/users/${clerk.id}/tokens`).auth(t.adminToken, { type: 'bearer' });
    expect(tokens.status).toBe(200);
    expect(lifetimeDays(tokens.body[0])).toBe(DAYS);
    const admin = await t.http().get('/api/me/tokens').auth(t.adminToken, { type: 'bearer' });
    expect(admin.body).toEqual([expect.objectContaining({ label: 'ADMIN_TOKEN', expiresAt: null })]);
  });

  it('lets a read-only token read, and refuses its writes with 403 TOKEN_READ_ONLY, changing nothing', async () => {
    const created = await mine().send({ label: 'reporting', readOnly: true, expiresInDays: 7 });
    expect(created.status).toBe(201);
    expect(created.body.readOnly).toBe(true);
    expect(lifetimeDays(created.body)).toBe(7);
    const token = created.body.token as string;
    expect((await t.http().get('/api/customers').auth(token, { type: 'bearer' })).status).toBe(200);
    const before = await state();
    const writes = [
      await t.http().post('/api/customers').auth(token, { type: 'bearer' }).send({ name: '只读测试客户' }),
      await t.http().post('/api/me/tokens').auth(token, { type: 'bearer' }).send({ label: 'another' }),
      await t.http().delete(`/api/me/tokens/${created.body.id}`).auth(token, { type: 'bearer' }),
    ];
    for (const res of writes) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('TOKEN_READ_ONLY');
    }
    expect(await state()).toEqual(before);
  });

  it('refuses an expired token with 401 UNAUTHENTICATED', async () => {
    const created = await mine().send({ label: 'short', expiresInDays: 1 });
    expect(created.status).toBe(201);
    expect((await t.http().get('/api/users/me').auth(created.body.token, { type: 'bearer' })).status).toBe(200);
    await t.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.body.id]);
    const res = await t.http().get('/api/users/me').auth(created.body.token, { type: 'bearer' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a non-admin a token that never expires or outlives API_TOKEN_MAX_DAYS (422 TOKEN_LIFETIME_TOO_LONG), creating nothing', async () => {
    const before = await state();
    for (const expiresInDays of [null, MAX_DAYS + 1]) {
      const res = await mine().send({ label: 'forever', expiresInDays });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'TOKEN_LIFETIME_TOO_LONG', details: { maxDays: MAX_DAYS } });
    }
    for (const expiresInDays of [0, 1.5, '30']) {
      expect((await mine().send({ label: 'bad', expiresInDays })).status).toBe(400);
    }
    expect(await state()).toEqual(before);
    expect((await mine().send({ label: 'longest', expiresInDays: MAX_DAYS })).status).toBe(201);
  });

  it('lets an admin create tokens that never expire, for themselves and (with the same options) for a user', async () => {
    const own = await t.http().post('/api/me/tokens').auth(t.adminToken, { type: 'bearer' }).send({
      label: 'deploy',
      expiresInDays: null,
    });
    expect(own.status).toBe(201);
    expect(own.body.expiresAt).toBeNull();
    const forUser = await t
      .http()
      .post(`/api/users/${clerk.id}/tokens`)
      .auth(t.adminToken, { type: 'bearer' })
      .send({ label: 'nightly export', expiresInDays: null, readOnly: true });
    expect(forUser.status).toBe(201);
    expect(forUser.body).toMatchObject({ expiresAt: null, readOnly: true });
    const long = await t
      .http()
      .post(`/api/users/${clerk.id}/tokens`)
      .auth(t.adminToken, { type: 'bearer' })
      .send({ expiresInDays: MAX_DAYS * 2 });
    expect(long.status).toBe(201);
    expect(lifetimeDays(long.body)).toBe(MAX_DAYS * 2);
    const write = await t.http().post('/api/customers').auth(forUser.body.token, { type: 'bearer' }).send({});
    expect(write.body.error.code).toBe('TOKEN_READ_ONLY');
  });

  it('does not let a token create a token that outlives it: the default is cut to its end, a longer one refused', async () => {
    const own = await t.http().get('/api/me/tokens').auth(clerk.token, { type: 'bearer' });
    const caller = (own.body as { prefix: string; expiresAt: string }[]).find((x) => clerk.token.startsWith(x.prefix))!;
    expect(caller.expiresAt).not.toBeNull();
    const cut = await t.http().post('/api/me/tokens').auth(clerk.token, { type: 'bearer' }).send({ label: 'child' });
    expect(cut.status).toBe(201);
    expect(Date.parse(cut.body.expiresAt)).toBeLessThanOrEqual(Date.parse(caller.expiresAt));
    const before = await state();
    const longer = await t
      .http()
      .post('/api/me/tokens')
      .auth(clerk.token, { type: 'bearer' })
      .send({ label: 'longer', expiresInDays: DAYS + 1 });
    expect(longer.status).toBe(422);
    expect(longer.body.error).toMatchObject({
      code: 'TOKEN_LIFETIME_TOO_LONG',
      details: { maxExpiresAt: caller.expiresAt },
    });
    expect(await state()).toEqual(before);
  });

  it("revokes my own token; another user's token id is 404 TOKEN_NOT_FOUND and that token keeps working", async () => {
    const created = await mine().send({ label: 'to revoke' });
    const other = await t.userWith(['production'], 'token.other');
    const otherTokens = await t.http().get('/api/me/tokens').auth(other.token, { type: 'bearer' });
    const before = await state();
    const foreign = await t
      .http()
      .delete(`/api/me/tokens/${otherTokens.body[0].id}`)
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrfToken);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('TOKEN_NOT_FOUND');
    expect(await state()).toEqual(before);
    expect((await t.http().get('/api/users/me').auth(other.token, { type: 'bearer' })).status).toBe(200);

    const revoked = await t
      .http()
      .delete(`/api/me/tokens/${created.body.id}`)
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrfToken);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await t.http().get('/api/users/me').auth(created.body.token, { type: 'bearer' })).status).toBe(401);
    const audit = await t.db.query(
      "SELECT id FROM audit_log WHERE action = 'token.revoke' AND details->>'tokenId' = $1",
      [created.body.id],
    );
    expect(audit).toHaveLength(1);
  });
});
