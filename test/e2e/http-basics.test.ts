import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';

describe('HTTP basics on the real PostgreSQL server', () => {
  let t: TestApp;
  const userCount = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM users'))[0].n);

  beforeAll(async () => {
    t = await startTestApp('http', { BODY_LIMIT: '16kb' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports health of database, storage, browser and queue to an admin, up or down to anyone else', async () => {
    const res = await t.http().get('/health').auth(t.adminToken, { type: 'bearer' });
    expect(res.body.checks.database).toMatchObject({ status: 'up', kind: 'postgres' });
    expect(res.body.checks.storage).toMatchObject({ status: 'up', kind: 'filesystem' });
    expect(res.body.checks.queue).toMatchObject({ status: 'up', kind: 'pgboss' });
    expect(res.body.checks.browser.kind).toBe('/usr/lib/chromium/chromium-headless-shell');
    // The browser check depends on the machine: the status code follows the report.
    expect(res.status).toBe(res.body.status === 'up' ? 200 : 503);
    expect(res.body.status).toBe(res.body.checks.browser.status);

    const anonymous = await t.http().get('/health');
    expect(anonymous.body).toEqual({ status: res.body.status });
    const { token } = await t.userWith(['finance']);
    expect((await t.http().get('/health').auth(token, { type: 'bearer' })).body).toEqual({ status: res.body.status });
    // A token nobody has is nobody: the same short answer, not a 401.
    const unknown = await t.http().get('/health/ready').auth('td_unknown', { type: 'bearer' });
    expect(unknown.body).toEqual({
      status: res.body.status,
      checks: { database: 'up', storage: 'up', browser: res.body.checks.browser.status, queue: 'up' },
    });
    expect((await t.http().get('/health/live')).body).toEqual({ status: 'up' });
  });

  it('serves Swagger UI at /docs and the OpenAPI JSON at /docs-json', async () => {
    const ui = await t.http().get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    const json = await t.http().get('/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/api/users', '/api/users/me', '/health', '/api/jobs/{id}']));
    expect(json.body.components.schemas.CreateUserDto.required).toEqual(expect.arrayContaining(['name', 'roles']));
  });

  it('answers an unknown route with ROUTE_NOT_FOUND in the error shape', async () => {
    const res = await t.http().get('/api/nope').auth(t.adminToken, { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: expect.stringContaining('/api/nope') } });
  });

  it('refuses malformed JSON with MALFORMED_JSON and changes nothing', async () => {
    const before = await userCount();
    const res = await t
      .http()
      .post('/api/users')
      .auth(t.adminToken, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"name": "x", "roles": ["sales"');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MALFORMED_JSON');
    expect(await userCount()).toBe(before);
  });

  it('refuses an oversized body with PAYLOAD_TOO_LARGE and changes nothing', async () => {
    const before = await userCount();
    const res = await t
      .http()
      .post('/api/users')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ name: 'big', roles: ['sales'], email: `${'a'.repeat(20_000)}@example.com` });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 16384 } });
    expect(await userCount()).toBe(before);
  });

  it('names every invalid field and changes nothing', async () => {
    const before = await userCount();
    const res = await t
      .http()
      .post('/api/users')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ name: '', roles: ['sales', 'pirate'], email: 'not-an-email', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = (res.body.error.details.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['email', 'extra', 'name', 'roles']);
    expect(await userCount()).toBe(before);
  });

  it('refuses a non-UUID id with INVALID_ID', async () => {
    const res = await t.http().get('/api/users/1%20OR%201=1').auth(t.adminToken, { type: 'bearer' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_ID');
  });

  it('answers a missing record with its own code', async () => {
    const res = await t.http().get('/api/users/00000000-0000-4000-8000-000000000000').auth(t.adminToken, { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('USER_NOT_FOUND');
  });
});
