import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { freePort } from '../support/process.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import { setPassword, signIn as apiSignIn } from '../support/sign-in.js';
import { launchConsoleBrowser, VIEWPORT } from '../support/browser.js';

/**
 * People signing in to the console, in a real Chromium against the real service on loopback: the password form and
 * its refusals, the session cookie (HttpOnly, nothing in storage), the CSRF token on the page's writes, a session
 * ended elsewhere, sign-out on the server, the forced password change, enrolling and using the second factor,
 * an invitation, the lock after repeated failures, my account (sessions, API tokens) and single sign-on against a
 * real OpenID provider. With SCREENSHOTS=1 the pages are saved to docs/screenshots/ (1366×768).
 */

const SCREENSHOTS = process.env.SCREENSHOTS === '1';
const PASSWORD = 'a long passphrase for signing in';
const TOTP_PERIOD_MS = 30_000;

/** Helpers over one browser and one service. */
function harness(get: () => { browser: Browser; base: string; contexts: BrowserContext[]; errors: string[] }) {
  const open = async (lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<Page> => {
    const { browser, contexts, errors } = get();
    const context = await browser.createBrowserContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.setViewport(VIEWPORT);
    await page.evaluateOnNewDocument(`localStorage.setItem('td.lang', ${JSON.stringify(lang)})`);
    page.on('pageerror', (e) => errors.push(String(e)));
    return page;
  };
  const js = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;
  const waitFor = (page: Page, expression: string, timeout = 30_000) =>
    page.waitForFunction(expression, { timeout, polling: 100 });
  const text = (page: Page, selector: string) =>
    page.$eval(selector, (el) => (el as unknown as { textContent: string }).textContent.trim());
  const path = (page: Page) => new URL(page.url()).pathname;
  const clear = (page: Page, selector: string) =>
    page.$eval(selector, (el) => ((el as unknown as { value: string }).value = ''));
  /** The sign-in form filled in and sent. */
  const submitSignIn = async (page: Page, login: string, password: string) => {
    await page.waitForSelector('input#login');
    await clear(page, 'input#login');
    await clear(page, 'input#password');
    await page.type('input#login', login);
    await page.type('input#password', password);
    await page.click('form.signin-form button[type=submit]');
  };
  const shot = async (page: Page, name: string) => {
    if (!SCREENSHOTS) return;
    await page.evaluate(`document.activeElement?.blur(); document.getElementById('toasts')?.replaceChildren()`);
    const file = join('docs', 'screenshots', `${name}.png`) as `${string}.png`;
    await page.screenshot({ path: file });
    expect({ file, under200KB: (await stat(file)).size < 200 * 1024 }).toEqual({ file, under200KB: true });
  };
  /** The page's session cookie, as the browser keeps it. */
  const sessionCookie = async (page: Page) =>
    (await page.browserContext().cookies()).find((c) => c.name === 'td_session') ?? null;
  return { open, js, waitFor, text, path, clear, submitSignIn, shot, sessionCookie };
}

/** Chromium drawing Chinese with the Noto Sans SC the project ships (for the screenshots; as scripts/screenshots.mjs). */
function launch(work: string): Promise<Browser> {
  return launchConsoleBrowser(work, SCREENSHOTS);
}

/** A code of six digits that is none of the secret's codes around now (the server accepts the steps next to it). */
function wrongCode(secret: string): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  const near = new Set([-2, -1, 0, 1, 2].map((k) => totp.generate({ timestamp: Date.now() + k * TOTP_PERIOD_MS })));
  for (let n = 0; ; n++) if (!near.has(String(n).padStart(6, '0'))) return String(n).padStart(6, '0');
}

/**
 * The current code of a TOTP secret; with `after`, the code of the step after that one instead (a code is accepted
 * once: the server remembers the step). The server also accepts the step after the current one (an app whose clock
 * runs ahead), so the next step's code is good at once, where waiting for it would take up to 30 s.
 */
function totpCode(secret: string, after: number | null = null): { code: string; step: number } {
  const step = after === null ? Math.floor(Date.now() / TOTP_PERIOD_MS) : after + 1;
  return {
    code: new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: step * TOTP_PERIOD_MS }),
    step,
  };
}

describe('console: signing in', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let work: string;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const people: Record<string, { id: string; token: string; name: string }> = {};
  const h = harness(() => ({ browser, base, contexts, errors }));

  beforeAll(async () => {
    // Failures from one address add up across accounts: this app's tests make a few on purpose, far from a delay.
    t = await startTestApp('console_signin', {
      SIGN_IN_DELAY_AFTER: '50',
      SIGN_IN_LOCK_AFTER: '100',
      TOTP_REQUIRED_ROLES: 'finance',
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    for (const [key, roles, name] of [
      ['clerk', ['backoffice'], '内勤张敏'],
      ['sales', ['sales'], 'li.ming'],
      ['newcomer', ['sales'], 'zhao.lei'],
      ['finance', ['finance'], '李会计'],
      ['owner', ['backoffice'], 'wang.fang'],
    ] as const) {
      people[key] = { ...(await t.userWith([...roles], name)), name };
      await setPassword(t.db, people[key].id, PASSWORD, { mustChange: key === 'newcomer' });
    }
    work = await mkdtemp(join(tmpdir(), 'td-signin-'));
    browser = await launch(work);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('signs in with the user name and password: a wrong one is refused on the page, the session is an HttpOnly cookie and nothing is kept in storage, sign-out ends it on the server', async () => {
    const page = await h.open();
    const transferred: number[] = [];
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    cdp.on('Network.loadingFinished', (e) => transferred.push(e.encodedDataLength));
    await page.goto(`${base}/app/customers?q=华`);
    await page.waitForSelector('input#login');
    expect(h.path(page)).toBe('/app/signin');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/app/customers?q=${encodeURIComponent('华')}`);
    // Without OIDC_ISSUER, no single sign-on button.
    expect(await page.$('a[data-sso]')).toBeNull();
    // The sign-in page, all its files and calls, weighs little.
    const bytes = transferred.reduce((a, b) => a + b, 0);
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThan(300 * 1024);
    console.log(`the sign-in page: ${(bytes / 1024).toFixed(1)} KB in ${transferred.length} responses`);
    await page.type('input#login', people.clerk!.name);
    await h.shot(page, 'sign-in');

    await h.submitSignIn(page, people.clerk!.name, 'not the password at all');
    await page.waitForSelector('.signin .alert-error[data-code=SIGN_IN_FAILED]');
    expect(await h.text(page, '.signin .alert-error')).toBe('用户名或密码错误。');
    expect(await h.js(page, `document.querySelector('input#password').value`)).toBe('');
    expect(await h.sessionCookie(page)).toBeNull();

    await h.submitSignIn(page, people.clerk!.name, PASSWORD);
    await page.waitForSelector('header.top [data-user]');
    expect(h.path(page) + new URL(page.url()).search).toBe(`/app/customers?q=${encodeURIComponent('华')}`);
    expect(await h.text(page, 'header.top [data-user]')).toBe('内勤张敏');
    const cookie = await h.sessionCookie(page);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await h.js(page, 'document.cookie')).toBe('');
    expect(await h.js(page, 'Object.keys(sessionStorage)')).toEqual([]);
    expect(await h.js(page, 'Object.keys(localStorage)')).toEqual(['td.lang']);
    // The server knows this browser: the same session the cookie names.
    const me = await fetch(`${base}/api/users/me`, { headers: { Cookie: `td_session=${cookie!.value}` } });
    expect(((await me.json()) as { id: string }).id).toBe(people.clerk!.id);

    // Signing out: the server ends the session, the browser drops the cookie, the pages ask for a sign-in again.
    const signOuts: (string | undefined)[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/auth/sign-out')) signOuts.push(r.headers()['x-csrf-token']);
    });
    await page.click('button[name=signout]');
    await page.waitForSelector('input#login');
    expect(signOuts).toHaveLength(1);
    expect(signOuts[0]).toMatch(/^[\w-]{43}$/);
    const after = await fetch(`${base}/api/users/me`, { headers: { Cookie: `td_session=${cookie!.value}` } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('SESSION_EXPIRED');
    expect(await h.sessionCookie(page)).toBeNull();
    await page.goto(`${base}/app/customers`);
    await page.waitForSelector('input#login');
    expect(errors).toEqual([]);
  });

  it("writes from the page carry the session's CSRF token; a session ended elsewhere sends the page to the sign-in and back", async () => {
    const page = await h.open();
    await page.goto(`${base}/app/customers/new`);
    await h.submitSignIn(page, people.sales!.name, PASSWORD);
    await page.waitForSelector('form.form #f-name');
    const cookie = (await h.sessionCookie(page))!;
    const session = (await (
      await fetch(`${base}/api/auth/session`, { headers: { Cookie: `td_session=${cookie.value}` } })
    ).json()) as { csrfToken: string; stage: string };
    expect(session.stage).toBe('active');
    const posts: { csrf?: string; status?: number }[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/api/customers'))
        posts.push({ csrf: r.request().headers()['x-csrf-token'], status: r.status() });
    });
    await page.type('#f-name', '苏州工业园区测试客户');
    await page.click('form.form button[type=submit]');
    await h.waitFor(page, `/^\\/app\\/customers\\/[0-9a-f-]{36}$/.test(location.pathname)`);
    // The customer's page, loaded to the end (before its session is ended below).
    await h.waitFor(page, `document.querySelector('main .page h1')?.textContent === '苏州工业园区测试客户'`);
    await page.waitForNetworkIdle({ idleTime: 300 });
    expect(posts).toEqual([{ csrf: session.csrfToken, status: 201 }]);
    // A write with the cookie alone (what a cross-site form could send) is refused.
    const forged = await fetch(`${base}/api/customers`, {
      method: 'POST',
      headers: { Cookie: `td_session=${cookie.value}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: '伪造的客户' }),
    });
    expect(forged.status).toBe(403);

    // Signed out from elsewhere (the same session, ended through the API): the next call finds it gone.
    const ended = await fetch(`${base}/api/auth/sign-out`, {
      method: 'POST',
      headers: { Cookie: `td_session=${cookie.value}`, 'X-CSRF-Token': session.csrfToken },
    });
    expect(ended.status).toBe(204);
    await page.click('nav.menu a[data-area=products]');
    await page.waitForSelector('input#login');
    const url = new URL(page.url());
    expect([url.pathname, url.searchParams.get('next'), url.searchParams.get('expired')]).toEqual([
      '/app/signin',
      '/app/products',
      '1',
    ]);
    expect(await h.text(page, '.signin .alert-warn')).toBe('登录已失效，请重新登录。');
    await h.submitSignIn(page, people.sales!.name, PASSWORD);
    await page.waitForSelector('header.top [data-user]');
    expect(h.path(page)).toBe('/app/products');
    // Only a page of the console is a place to go back to.
    const other = await h.open();
    await other.goto(`${base}/app/signin?next=${encodeURIComponent('//evil.example/app')}`);
    await h.submitSignIn(other, people.sales!.name, PASSWORD);
    await other.waitForSelector('header.top [data-user]');
    expect(other.url()).toBe(`${base}/app`);
    expect(errors).toEqual([]);
  });

  it('shows why single sign-on failed, in the language chosen', async () => {
    const page = await h.open('en');
    await page.goto(`${base}/app/signin?error=SSO_NO_ROLE`);
    await page.waitForSelector('.signin .alert-error[data-code=SSO_NO_ROLE]');
    expect(await h.text(page, '.signin .alert-error')).toBe(
      'Your single sign-on account has no role in Tenderdesk. Ask an administrator.',
    );
    // Anything else in ?error= is not shown.
    await page.goto(`${base}/app/signin?error=${encodeURIComponent('<b>hello</b>')}`);
    await page.waitForSelector('input#login');
    expect(await page.$('.signin .alert-error')).toBeNull();
  });

  it('forces a new password at the first sign-in: the policy refusals are shown, then the new password signs in and the old one does not', async () => {
    const page = await h.open();
    await page.goto(`${base}/app`);
    await h.submitSignIn(page, people.newcomer!.name, PASSWORD);
    await page.waitForSelector('input#new-password');
    expect(h.path(page)).toBe('/app/signin/password');
    // Nothing else until it is done: the pages send the session back to this step.
    await page.goto(`${base}/app/customers`);
    await page.waitForSelector('input#new-password');
    expect([h.path(page), new URL(page.url()).searchParams.get('next')]).toEqual([
      '/app/signin/password',
      '/app/customers',
    ]);
    const choose = async (pw: string, again = pw) => {
      await h.clear(page, 'input#new-password');
      await h.clear(page, 'input#new-password-again');
      await page.type('input#new-password', pw);
      await page.type('input#new-password-again', again);
      await page.click('form.signin-form button[type=submit]');
    };
    await choose('a new passphrase of mine', 'a new passphrase of mine!');
    await page.waitForSelector('.signin .alert-error[data-code=MISMATCH]');
    await choose('short one');
    await page.waitForSelector('.signin .alert-error[data-code=PASSWORD_TOO_SHORT]');
    await choose('password1234');
    await page.waitForSelector('.signin .alert-error[data-code=PASSWORD_TOO_COMMON]');
    await h.shot(page, 'password-change');
    await choose('a new passphrase of mine');
    await page.waitForSelector('header.top [data-user]');
    expect(h.path(page)).toBe('/app/customers');

    await page.click('button[name=signout]');
    await h.submitSignIn(page, people.newcomer!.name, PASSWORD);
    await page.waitForSelector('.signin .alert-error[data-code=SIGN_IN_FAILED]');
    await h.submitSignIn(page, people.newcomer!.name, 'a new passphrase of mine');
    await page.waitForSelector('header.top [data-user]');
    expect(errors).toEqual([]);
  }, 120_000);

  it('enrols the second factor its role requires (QR code, secret, recovery codes shown once), then asks for a code at each sign-in; a used recovery code is refused', async () => {
    const page = await h.open();
    await page.goto(`${base}/app`);
    await h.submitSignIn(page, people.finance!.name, PASSWORD);
    await page.waitForSelector('code.totp-secret');
    expect(h.path(page)).toBe('/app/signin/totp');
    expect(await h.js(page, `document.querySelector('img.qr').src.startsWith('data:image/svg+xml')`)).toBe(true);
    expect(await h.js(page, `document.querySelector('img.qr').naturalWidth > 0`)).toBe(true);
    const secret = await page.$eval(
      'code.totp-secret',
      (el) => (el as unknown as { dataset: { secret: string } }).dataset.secret,
    );
    await page.type('#totp-confirm-code', '000000' === totpCode(secret).code ? '111111' : '000000');
    await page.click('button[name=totp-confirm]');
    await page.waitForSelector('.totp-enrol .alert-error');
    const enrolled = totpCode(secret);
    await h.clear(page, '#totp-confirm-code');
    await page.type('#totp-confirm-code', enrolled.code);
    await page.click('button[name=totp-confirm]');
    await page.waitForSelector('.recovery-codes');
    const codes = await h.js<string[]>(
      page,
      `[...document.querySelectorAll('.recovery-codes code')].map((c) => c.textContent)`,
    );
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    await page.click('button[name=recovery-done]');
    await page.waitForSelector('header.top [data-user]');
    expect(h.path(page)).toBe('/app');

    // The next sign-in: password, then the code.
    await page.click('button[name=signout]');
    await h.submitSignIn(page, people.finance!.name, PASSWORD);
    await page.waitForSelector('input#totp-code');
    expect(h.path(page)).toBe('/app/signin/second-factor');
    await h.shot(page, 'second-factor');
    await page.type('input#totp-code', wrongCode(secret));
    await page.click('form.signin-form button[type=submit]');
    await page.waitForSelector('.signin .alert-error[data-code=SECOND_FACTOR_FAILED]');
    const next = totpCode(secret, enrolled.step);
    await page.type('input#totp-code', next.code);
    await page.click('form.signin-form button[type=submit]');
    await page.waitForSelector('header.top [data-user]');

    // A recovery code signs in once.
    for (const expected of ['active', 'RECOVERY_CODE_USED']) {
      await page.click('button[name=signout]');
      await h.submitSignIn(page, people.finance!.name, PASSWORD);
      await page.waitForSelector('button[name=use-recovery]');
      await page.click('button[name=use-recovery]');
      await page.type('input#recovery-code', codes[0]!);
      await page.click('form.signin-form button[type=submit]');
      if (expected === 'active') await page.waitForSelector('header.top [data-user]');
      else await page.waitForSelector('.signin .alert-error[data-code=RECOVERY_CODE_USED]');
    }
    // "Not you?" ends the half-made session.
    await page.click('button[name=start-over]');
    await page.waitForSelector('input#login');
    expect(await h.sessionCookie(page)).toBeNull();
    expect(errors).toEqual([]);
  }, 180_000);

  it('sets the first password from an invitation link, which then cannot be used again', async () => {
    const res = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'sun.qiang', roles: ['engineering'] }),
    });
    const made = (await res.json()) as { invitation: { url: string } };
    const link = `${base}/app/invitation${new URL(made.invitation.url).hash}`;
    const page = await h.open();
    await page.goto(link);
    await page.waitForSelector('input#new-password');
    expect(await h.text(page, '.signin p')).toContain('sun.qiang');
    await page.type('input#new-password', 'sun.qiang');
    await page.type('input#new-password-again', 'sun.qiang');
    await page.click('form.signin-form button[type=submit]');
    await page.waitForSelector(
      '.signin .alert-error[data-code=PASSWORD_TOO_SHORT], .signin .alert-error[data-code=PASSWORD_TOO_COMMON]',
    );
    await h.clear(page, 'input#new-password');
    await h.clear(page, 'input#new-password-again');
    await page.type('input#new-password', 'instruments need engineers');
    await page.type('input#new-password-again', 'instruments need engineers');
    await page.click('form.signin-form button[type=submit]');
    await page.waitForSelector('header.top [data-user]');
    expect(await h.text(page, 'header.top [data-user]')).toBe('sun.qiang');

    const again = await h.open();
    await again.goto(link);
    await again.waitForSelector('.signin .alert-error[data-code=INVITATION_USED]');
    expect(errors).toEqual([]);
  }, 120_000);

  it('my account: my sessions (revoke one, sign out everywhere), my API tokens (made once, read-only, revoked), the second factor on and off, my password', async () => {
    const elsewhere = await apiSignIn(t.http, people.owner!.name, PASSWORD);
    const page = await h.open();
    await page.goto(`${base}/app/account`);
    await h.submitSignIn(page, people.owner!.name, PASSWORD);
    await page.waitForSelector('[data-panel=sessions] table.data tbody tr');
    expect(h.path(page)).toBe('/app/account');
    const sessionRows = () => h.js<number>(page, `document.querySelectorAll('[data-panel=sessions] tbody tr').length`);
    expect(await sessionRows()).toBe(2);
    expect(await page.$('[data-panel=sessions] tr.row-current')).not.toBeNull();
    await page.click('[data-panel=sessions] button[name=revoke-session]');
    await h.waitFor(page, `document.querySelectorAll('[data-panel=sessions] tbody tr').length === 1`);
    expect((await t.http().get('/api/users/me').set('Cookie', elsewhere.cookie)).status).toBe(401);

    // A read-only token for 30 days: shown once, reads, may not write; then revoked.
    await page.type('#token-label', 'ERP 对接');
    await page.type('#token-days', '30');
    await page.click('#token-readonly');
    await page.click('form[name=create-token] button[type=submit]');
    await page.waitForSelector('input#new-token');
    const token = await page.$eval('input#new-token', (el) => (el as unknown as { value: string }).value);
    const bearer = { Authorization: `Bearer ${token}` };
    expect((await fetch(`${base}/api/users/me`, { headers: bearer })).status).toBe(200);
    const write = await fetch(`${base}/api/customers`, {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: '只读令牌写入' }),
    });
    expect(write.status).toBe(403);
    await page.click('button[name=token-done]');
    // The list: the token made at the user's creation, and this one.
    await page.waitForSelector('[data-panel=tokens] button[name=revoke-token]');
    const row = `[...document.querySelectorAll('[data-panel=tokens] tbody tr')].find((r) => r.textContent.includes('ERP 对接'))`;
    expect(await h.js(page, `${row}.textContent`)).toContain('只读');
    expect(await h.js(page, `${row}.textContent`)).toContain(token.slice(0, 8));
    await h.shot(page, 'account');
    await h.js(page, `${row}.querySelector('button[name=revoke-token]').click()`);
    await page.waitForSelector('dialog.dialog[open] .btn-primary');
    await page.click('dialog.dialog[open] .btn-primary');
    await page.waitForSelector('[data-panel=tokens] tr.row-revoked');
    expect((await fetch(`${base}/api/users/me`, { headers: bearer })).status).toBe(401);

    // The second factor, turned on from the account page (QR code, a code, the recovery codes), then off again.
    await page.click('button[name=totp-enable]');
    await page.waitForSelector('[data-panel=totp] code.totp-secret');
    const secret = await page.$eval(
      '[data-panel=totp] code.totp-secret',
      (el) => (el as unknown as { dataset: { secret: string } }).dataset.secret,
    );
    const enrolled = totpCode(secret);
    await page.type('#totp-confirm-code', enrolled.code);
    await page.click('button[name=totp-confirm]');
    await page.waitForSelector('[data-panel=totp] .recovery-codes');
    await page.click('button[name=recovery-done]');
    await page.waitForSelector('[data-panel=totp] .totp-on [data-left="10"]');
    await page.click('button[name=totp-disable]');
    await page.waitForSelector('dialog.dialog[open] input[name=code]');
    // A code is taken once: the next one.
    await page.type('dialog.dialog[open] input[name=code]', totpCode(secret, enrolled.step).code);
    await page.click('dialog.dialog[open] .btn-primary');
    await page.waitForSelector('[data-panel=totp] .totp-off');

    // The password, from the account page: the current one is asked for.
    await page.type('#current-password', 'not my password at all');
    await page.type('#new-password', 'my second long passphrase');
    await page.type('#new-password-again', 'my second long passphrase');
    await page.click('form[name=change-password] button[type=submit]');
    await page.waitForSelector('form[name=change-password] .alert-error[data-code=CURRENT_PASSWORD_WRONG]');
    await h.clear(page, '#current-password');
    await page.type('#current-password', PASSWORD);
    await page.click('form[name=change-password] button[type=submit]');
    await page.waitForSelector('form[name=change-password] .alert-ok');

    // Everywhere: this browser too.
    const another = await apiSignIn(t.http, people.owner!.name, 'my second long passphrase');
    await page.click('button[name=signout-everywhere]');
    await page.waitForSelector('dialog.dialog[open] .btn-primary');
    await page.click('dialog.dialog[open] .btn-primary');
    await page.waitForSelector('input#login');
    expect((await t.http().get('/api/users/me').set('Cookie', another.cookie)).status).toBe(401);
    expect(errors).toEqual([]);
  }, 180_000);
});

describe('console: the lock after repeated failures', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let work: string;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const h = harness(() => ({ browser, base, contexts, errors }));

  beforeAll(async () => {
    // Three failures lock the account and the address: the fourth attempt is refused unchecked.
    t = await startTestApp('console_lock', {
      SIGN_IN_DELAY_AFTER: '3',
      SIGN_IN_LOCK_AFTER: '3',
      SIGN_IN_LOCK_MINUTES: '15',
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const clerk = await t.userWith(['backoffice'], 'zhou.min');
    await setPassword(t.db, clerk.id, PASSWORD);
    work = await mkdtemp(join(tmpdir(), 'td-lock-'));
    browser = await launch(work);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('locks signing in after repeated failures and says for how long, even to the right password', async () => {
    const page = await h.open();
    await page.goto(`${base}/app/signin`);
    for (let i = 1; i <= 3; i++) {
      await h.submitSignIn(page, 'zhou.min', `wrong password number ${i}`);
      await page.waitForSelector('.signin .alert-error[data-code=SIGN_IN_FAILED]');
      await h.js(page, `document.querySelector('.signin .alert-error').remove()`);
    }
    await h.submitSignIn(page, 'zhou.min', PASSWORD);
    await page.waitForSelector('.signin .alert-error[data-code=SIGN_IN_LOCKED]');
    expect(await h.text(page, '.signin .alert-error')).toMatch(
      /^连续失败次数过多，登录已被暂时锁定。请 1[45] 分钟后再试，或联系管理员。$/,
    );
    expect(await h.sessionCookie(page)).toBeNull();
    await h.shot(page, 'sign-in-locked');
    expect(errors).toEqual([]);
  }, 120_000);
});

describe('console: single sign-on', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let work: string;
  let idp: TestOidcProvider;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const h = harness(() => ({ browser, base, contexts, errors }));

  beforeAll(async () => {
    // The provider redirects the browser back to PUBLIC_URL: the service listens on a port chosen beforehand.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const client = {
      client_id: 'tenderdesk-console',
      client_secret: 'tenderdesk-console-test-secret-0123456789',
      redirect_uris: [`${base}/api/auth/sso/callback`],
    };
    idp = await startOidcProvider({ clients: [client] });
    idp.accounts.set('li.na', {
      email: 'li.na@huadong-instruments.example',
      email_verified: true,
      preferred_username: 'li.na',
      name: '李娜',
      groups: ['tenderdesk-sales'],
    });
    t = await startTestApp('console_sso', {
      PUBLIC_URL: base,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: client.client_id,
      OIDC_CLIENT_SECRET: client.client_secret,
      OIDC_ROLE_MAP: 'sales=tenderdesk-sales',
      OIDC_CREATE_USERS: 'true',
      OIDC_LABEL: '集团账号',
    });
    await t.app.listen(port, '127.0.0.1');
    work = await mkdtemp(join(tmpdir(), 'td-sso-'));
    browser = await launch(work);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await idp?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('signs in with the single sign-on button through the real OpenID provider, back to the page asked for, with the mapped role', async () => {
    const page = await h.open();
    await page.goto(`${base}/app/customers`);
    await page.waitForSelector('a[data-sso]');
    expect(await h.text(page, 'a[data-sso]')).toBe('使用 集团账号 登录');
    await h.shot(page, 'sign-in-sso');
    await page.click('a[data-sso]');
    // The provider's own login page (the test provider asks only which account).
    await page.waitForSelector('input[name=login]', { timeout: 60_000 });
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    await page.type('input[name=login]', 'li.na');
    await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.click('button[type=submit]')]);
    await page.waitForSelector('header.top [data-user]', { timeout: 60_000 });
    expect(h.path(page)).toBe('/app/customers');
    const cookie = (await h.sessionCookie(page))!;
    const me = (await (
      await fetch(`${base}/api/users/me`, { headers: { Cookie: `td_session=${cookie.value}` } })
    ).json()) as { roles: string[] };
    expect(me.roles).toEqual(['sales']);
    expect(errors).toEqual([]);
  }, 120_000);

  it('says so when the person cancels at the provider, and signs no one in', async () => {
    const page = await h.open();
    await page.goto(`${base}/app/signin`);
    await page.waitForSelector('a[data-sso]');
    await page.click('a[data-sso]');
    await page.waitForSelector('button[name=cancel]', { timeout: 60_000 });
    await page.click('button[name=cancel]');
    await page.waitForSelector('.signin .alert-error[data-code=SSO_DENIED]', { timeout: 60_000 });
    expect(await h.text(page, '.signin .alert-error')).toBe('已在身份提供方取消单点登录。');
    expect(await h.sessionCookie(page)).toBeNull();
    expect(errors).toEqual([]);
  }, 120_000);
});
