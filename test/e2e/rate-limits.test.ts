import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/records/${name}`, import.meta.url));
const NOT_A_PDF = Buffer.from('not a pdf at all');

/**
 * @RateLimit on the real app and the real PostgreSQL server (rate_limits table): anonymous callers counted per
 * client address (X-Forwarded-For behind TRUST_PROXY), signed-in ones per account; 429 TOO_MANY_REQUESTS with
 * Retry-After before the handler runs, so a refused request changes nothing.
 */
describe('rate limits', () => {
  let t: TestApp;
  let backoffice: string;
  let other: string;

  beforeAll(async () => {
    t = await startTestApp('rate_limits', {
      RATE_LIMITS: 'true',
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_VERIFY_ANONYMOUS: '3/1h',
      RATE_LIMIT_VERIFY: '5/1h',
      RATE_LIMIT_RENDER: '2/1h',
      RATE_LIMIT_IMPORT: '1/1h',
      RATE_LIMIT_CONFIRMATION: '2/1h',
    });
    backoffice = (await t.userWith(['backoffice'])).token;
    other = (await t.userWith(['backoffice'])).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  const verify = (ip: string, token?: string) => {
    const req = t.http().post('/api/documents/verify').set('X-Forwarded-For', ip);
    if (token) void req.auth(token, { type: 'bearer' });
    return req.attach('file', NOT_A_PDF, 'x.pdf');
  };

  it('lets an anonymous address verify a few files, then answers 429 with Retry-After; other addresses and signed-in users go on', async () => {
    for (let i = 0; i < 3; i++) expect((await verify('203.0.113.7')).status).toBe(200);
    const refused = await verify('203.0.113.7');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      details: { policy: 'verify-anonymous', limit: 3 },
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3000); // the hour's window, not a few seconds
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(refused.body.error.details.retryAfterSeconds).toBe(retryAfter);

    // The same address with a valid token is counted per account (its own, higher limit).
    expect((await verify('203.0.113.7', backoffice)).status).toBe(200);
    // Another client address behind the trusted proxy has its own count.
    expect((await verify('198.51.100.20')).status).toBe(200);
    // A token that does not authenticate leaves the caller anonymous: still refused.
    expect((await verify('203.0.113.7', 'td_not-a-real-token')).status).toBe(429);

    const rows = await t.db.query<{ key: string; points: number }>(
      `SELECT key, points FROM rate_limits WHERE key LIKE 'verify%' ORDER BY key`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { key: 'verify-anonymous:ip:203.0.113.7', points: 5 },
        { key: 'verify-anonymous:ip:198.51.100.20', points: 1 },
        expect.objectContaining({ key: expect.stringMatching(/^verify:user:/), points: 1 }),
      ]),
    );
  });

  it('counts renders per account: the third preview is refused for that user only', async () => {
    const preview = (token: string) =>
      t.http().post('/api/templates/customer-statement/preview?format=html').auth(token, { type: 'bearer' });
    expect((await preview(backoffice)).status).toBe(200);
    expect((await preview(backoffice)).status).toBe(200);
    const refused = await preview(backoffice);
    expect(refused.status).toBe(429);
    expect(refused.body.error.details).toMatchObject({ policy: 'render', limit: 2 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // POST /api/documents shares the render count.
    const doc = await t
      .http()
      .post('/api/documents')
      .auth(backoffice, { type: 'bearer' })
      .send({ template: 'customer-statement' });
    expect(doc.status).toBe(429);
    expect((await preview(other)).status).toBe(200);
  });

  it('refuses an import over the limit before reading it: nothing is imported', async () => {
    const csv = await fixture('products-gb18030.csv');
    const importFile = () =>
      t.http().post('/api/products/import').auth(other, { type: 'bearer' }).attach('file', csv, 'p.csv');
    expect((await importFile()).status).toBe(200);
    const before = await t.db.query('SELECT id, updated_at FROM products ORDER BY id');
    const audits = await t.db.query(`SELECT id FROM audit_log WHERE action = 'product.import'`);
    const refused = await importFile();
    expect(refused.status).toBe(429);
    expect(refused.body.error.details.policy).toBe('import');
    expect(await t.db.query('SELECT id, updated_at FROM products ORDER BY id')).toEqual(before);
    expect(await t.db.query(`SELECT id FROM audit_log WHERE action = 'product.import'`)).toEqual(audits);
  });

  it('limits the statement confirmation pages per address', async () => {
    const page = () =>
      t
        .http()
        .get('/statements/confirm/' + 'x'.repeat(43))
        .set('X-Forwarded-For', '192.0.2.55');
    expect((await page()).status).toBe(404);
    expect((await page()).status).toBe(404);
    const refused = await page();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    // Another address is still served.
    expect(
      (
        await t
          .http()
          .get('/statements/confirm/' + 'x'.repeat(43))
          .set('X-Forwarded-For', '192.0.2.56')
      ).status,
    ).toBe(404);
  });

  it('counts the quotation acceptance pages against the same limit as the statement pages', async () => {
    const from = (path: string) => t.http().get(path).set('X-Forwarded-For', '192.0.2.57');
    expect((await from('/statements/confirm/' + 'x'.repeat(43))).status).toBe(404);
    expect((await from('/quotations/accept/' + 'x'.repeat(43))).status).toBe(404);
    const refused = await from('/quotations/accept/' + 'x'.repeat(43));
    expect(refused.status).toBe(429);
    expect(refused.body.error.details.policy).toBe('confirmation');
  });
});

describe('rate limits switched off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('rate_limits_off', { RATE_LIMITS: 'false', RATE_LIMIT_VERIFY_ANONYMOUS: '1/1h' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves every request with RATE_LIMITS=false', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await t.http().post('/api/documents/verify').attach('file', NOT_A_PDF, 'x.pdf')).status).toBe(200);
    }
  });
});

describe('rate limit on starting single sign-on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('rate_limits_sso', {
      RATE_LIMITS: 'true',
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_SSO_START: '2/1h',
      // A provider nobody listens on: starting single sign-on answers 503 SSO_UNAVAILABLE, but it is counted first.
      OIDC_ISSUER: 'http://127.0.0.1:9/',
      OIDC_CLIENT_ID: 'tenderdesk',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('bounds starting single sign-on per address: each start stores a pending login, so the third gets 429 before it is stored', async () => {
    const start = () =>
      t.http().get('/api/auth/sso/start').set('X-Forwarded-For', '192.0.2.44').set('Accept', 'application/json');
    for (let i = 0; i < 2; i++) {
      const res = await start();
      expect([res.status, res.body.error?.code]).toEqual([503, 'SSO_UNAVAILABLE']);
    }
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(refused.body.error.details.policy).toBe('sso-start');
    expect(await t.db.query('SELECT state_hash FROM oidc_logins')).toEqual([]);
  });
});
