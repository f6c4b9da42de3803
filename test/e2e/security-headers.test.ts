import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';

/** helmet on every answer: JSON, errors, files, Swagger UI at /docs, the console and the confirmation pages. */
describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('security_headers');
  });
  afterAll(async () => {
    await t?.close();
  });

  const common = (headers: Record<string, string>) => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-powered-by']).toBeUndefined();
  };

  it('sends nosniff, no-referrer, DENY and a CSP with frame-ancestors none on API answers and errors; no HSTS over http', async () => {
    for (const res of [
      await t.http().get('/api/users').auth(t.adminToken, { type: 'bearer' }),
      await t.http().get('/api/users'), // 401
      await t.http().get('/api/no-such-route'), // 404
      await t.http().post('/api/users').set('content-type', 'application/json').send('{bad json'), // parser error
    ]) {
      common(res.headers as Record<string, string>);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('gives /docs a CSP Swagger UI works with (its own scripts, inline styles, data: images), and still serves it', async () => {
    const page = await t.http().get('/docs/');
    expect(page.status).toBe(200);
    common(page.headers as Record<string, string>);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    // Every script the page loads is one of the service's own files, and it is served.
    const scripts = [...page.text.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^(https?:)?\/\//);
      expect((await t.http().get(new URL(src, 'http://x/docs/').pathname)).status).toBe(200);
    }
    expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script the CSP would block
  });

  it('keeps the console and the confirmation pages on their own stricter-fitting CSP', async () => {
    const app = await t.http().get('/app');
    expect(app.status).toBe(200);
    expect(app.headers['x-content-type-options']).toBe('nosniff');
    expect(app.headers['referrer-policy']).toBe('no-referrer');
    // The console frames its own previews: same origin only.
    expect(app.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(app.headers['content-security-policy']).toContain("script-src 'self'");
    expect(app.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    const confirm = await t.http().get('/statements/confirm/' + 'x'.repeat(43));
    expect(confirm.status).toBe(404);
    common(confirm.headers as Record<string, string>);
    expect(confirm.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

describe('security headers behind https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('security_headers_https', { PUBLIC_URL: 'https://tenderdesk.example.com' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('adds HSTS when PUBLIC_URL is https', async () => {
    const res = await t.http().get('/api/users').auth(t.adminToken, { type: 'bearer' });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});
