import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROLES, type Role } from '../../src/modules/auth/roles.js';
import { RouteAccessCatalog } from '../../src/modules/auth/route-access.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('users, tokens, roles and the audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('auth');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('asks for a token, and refuses an unknown one', async () => {
    const none = await t.http().get('/api/users/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const wrong = await t.http().get('/api/users/me').auth('td_not-a-real-token', { type: 'bearer' });
    expect(wrong.status).toBe(401);
  });

  it('honours ADMIN_TOKEN for the first admin', async () => {
    const res = await t.http().get('/api/users/me').auth(t.adminToken, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'admin', roles: ['admin'] });
  });

  it('creates a user whose token (asked for with apiToken) works, stores only its hash, and audits it', async () => {
    const res = await t.http().post('/api/users').auth(t.adminToken, { type: 'bearer' }).send({ name: '王丽', roles: ['production'], apiToken: true });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ id: expect.any(String), name: '王丽', roles: ['production'], token: expect.stringMatching(/^td_/) }));
    const me = await t.http().get('/api/users/me').auth(res.body.token, { type: 'bearer' });
    expect(me.body).toMatchObject({ id: res.body.id, name: '王丽', roles: ['production'] });
    expect(me.body.token).toBeUndefined();

    const stored = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE user_id = $1', [res.body.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].token_hash).not.toContain(res.body.token.slice(3, 20));

    const audit = await t.http().get(`/api/audit?entityType=user&entityId=${res.body.id}`).auth(t.adminToken, { type: 'bearer' });
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'user.create', actorName: 'admin', details: { name: '王丽', roles: ['production'], apiToken: true } }),
        expect.objectContaining({ action: 'invitation.created', actorName: 'admin' }),
      ]),
    );
    expect(audit.body.items).toHaveLength(2);
  });

  it('creates a user for a person with a one-time link to choose a password, and no API token', async () => {
    const res = await t.http().post('/api/users').auth(t.adminToken, { type: 'bearer' }).send({ name: '孙倩', roles: ['finance'] });
    expect(res.status).toBe(201);
    expect(res.body.token).toBeUndefined();
    expect(res.body.invitation).toEqual({ url: expect.stringMatching(/^http:\/\/localhost:\d+\/app\/invitation#td_i_[\w-]{43}$/), expiresAt: expect.any(String) });
    expect(await t.db.query('SELECT id FROM api_tokens WHERE user_id = $1', [res.body.id])).toHaveLength(0);
    const stored = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM user_invitations WHERE user_id = $1', [res.body.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toContain(res.body.invitation.url.split('#')[1]);
  });

  it('refuses a duplicate name with USER_EXISTS and writes nothing', async () => {
    await t.userWith(['sales'], 'dup');
    const auditBefore = await t.db.query('SELECT id FROM audit_log');
    const res = await t.http().post('/api/users').auth(t.adminToken, { type: 'bearer' }).send({ name: 'dup', roles: ['finance'] });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('USER_EXISTS');
    expect(await t.db.query("SELECT id FROM users WHERE name = 'dup'")).toHaveLength(1);
    expect(await t.db.query('SELECT id FROM audit_log')).toHaveLength(auditBefore.length);
  });

  it('gives a production user 403 on user creation and creates nothing', async () => {
    const prod = await t.userWith(['production']);
    const before = await t.db.query('SELECT id FROM users');
    const res = await t.http().post('/api/users').auth(prod.token, { type: 'bearer' }).send({ name: 'sneaky', roles: ['admin'] });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { required: ['admin'], yours: ['production'] } });
    expect(await t.db.query('SELECT id FROM users')).toHaveLength(before.length);
  });

  it('stops a revoked token and a disabled user', async () => {
    const u = await t.userWith(['finance']);
    const tokens = await t.http().get(`/api/users/${u.id}/tokens`).auth(t.adminToken, { type: 'bearer' });
    expect(tokens.body).toHaveLength(1);
    const extra = await t.http().post(`/api/users/${u.id}/tokens`).auth(t.adminToken, { type: 'bearer' }).send({ label: 'laptop' });
    expect(extra.status).toBe(201);
    const revoke = await t.http().delete(`/api/users/${u.id}/tokens/${tokens.body[0].id}`).auth(t.adminToken, { type: 'bearer' });
    expect(revoke.status).toBe(200);
    expect((await t.http().get('/api/users/me').auth(u.token, { type: 'bearer' })).status).toBe(401);
    expect((await t.http().get('/api/users/me').auth(extra.body.token, { type: 'bearer' })).status).toBe(200);

    const off = await t.http().patch(`/api/users/${u.id}`).auth(t.adminToken, { type: 'bearer' }).send({ disabled: true });
    expect(off.body.disabled).toBe(true);
    expect((await t.http().get('/api/users/me').auth(extra.body.token, { type: 'bearer' })).status).toBe(401);
  });

  it('lists active users by name and roles, without e-mail, to any signed-in user', async () => {
    const sales = await t.userWith(['sales'], '赵销售');
    const gone = await t.userWith(['sales'], '钱离职');
    await t.http().patch(`/api/users/${gone.id}`).auth(t.adminToken, { type: 'bearer' }).send({ disabled: true });
    const prod = await t.userWith(['production']);
    const res = await t.http().get('/api/users/directory').auth(prod.token, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual({ id: sales.id, name: '赵销售', roles: ['sales'] });
    expect(res.body.map((u: { id: string }) => u.id)).not.toContain(gone.id);
    for (const u of res.body as Record<string, unknown>[]) expect(Object.keys(u).sort()).toEqual(['id', 'name', 'roles']);
    // The full list stays the admin's.
    expect((await t.http().get('/api/users').auth(prod.token, { type: 'bearer' })).status).toBe(403);
  });

  it('declares who may call every route', () => {
    const routes = t.app.get(RouteAccessCatalog).routes();
    expect(routes.length).toBeGreaterThan(5);
    expect(routes.filter((r) => r.access === null)).toEqual([]);
  });

  it('answers 403 to a caller without the role, on every role-restricted route', async () => {
    const routes = t.app
      .get(RouteAccessCatalog)
      .routes()
      .filter((r) => Array.isArray(r.access) && !r.access.includes('*'));
    expect(routes.length).toBeGreaterThan(3);
    const tokens = new Map<Role, string>();
    for (const route of routes) {
      const allowed = route.access as string[];
      const outsider = ROLES.find((r) => r !== 'admin' && !allowed.includes(r));
      if (!outsider) continue; // every role may call it
      if (!tokens.has(outsider)) tokens.set(outsider, (await t.userWith([outsider])).token);
      const path = route.path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000').replace(/\*\w+/, 'x');
      const res = await t
        .http()
        [route.method.toLowerCase() as 'get']
        (path)
        .auth(tokens.get(outsider)!, { type: 'bearer' })
        .send({});
      expect({ route: `${route.method} ${route.path}`, as: outsider, status: res.status, code: res.body.error?.code }).toEqual({
        route: `${route.method} ${route.path}`,
        as: outsider,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
  });

  it('keeps the audit log append-only in the database', async () => {
    await expect(t.db.query("UPDATE audit_log SET actor_name = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(t.db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect((await t.db.query('SELECT id FROM audit_log')).length).toBeGreaterThan(0);
  });
});
