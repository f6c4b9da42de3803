import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { setPassword, signIn } from '../support/sign-in.js';

/**
 * Issue #14 in the console (real Chromium, the real service on loopback): a form saves with the If-Match of the
 * record it loaded; when someone else saved the record meanwhile, the form says so (zh-CN and English) and offers a
 * reload, which shows the other person's change; saving again then works. Nothing of the first save is written.
 */
describe('console: a record changed by someone else while it was being edited', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let clerk: string;
  const PASSWORD = 'stale records are refused 42';
  let colleague: string;

  const api = async (token: string, method: string, path: string, body?: object) => {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  beforeAll(async () => {
    t = await startTestApp('console_stale');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const made = await t.userWith(['backoffice'], '内勤张敏');
    clerk = made.token;
    await setPassword(t.db, made.id, PASSWORD);
    colleague = (await t.userWith(['backoffice'], '内勤王芳')).token;
    browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Signed in as the clerk in a context of its own, in `lang`; records the If-Match of every PATCH it sends. */
  async function openAs(lang: 'zh-CN' | 'en'): Promise<{ page: Page; ifMatch: (string | undefined)[] }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1366, height: 768 });
    await page.evaluateOnNewDocument(`localStorage.setItem('td.lang', ${JSON.stringify(lang)})`);
    const ifMatch: (string | undefined)[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PATCH') ifMatch.push(r.headers()['if-match']);
    });
    // Signed in through the API, the session's cookie given to the browser (signing in itself is tested elsewhere).
    const s = await signIn(t.http, '内勤张敏', PASSWORD);
    const [name, value] = s.cookie.split('=') as [string, string];
    await context.setCookie({ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' });
    await page.goto(`${base}/app`);
    await page.waitForSelector('header.top [data-user]');
    return { page, ifMatch };
  }

  const setField = async (page: Page, field: string, value: string) => {
    const selector = `[data-field="${field}"] textarea, [data-field="${field}"] input`;
    await page.$eval(selector, (el) => ((el as unknown as { value: string }).value = ''));
    await page.type(selector, value);
  };
  const fieldValue = (page: Page, field: string) =>
    page.$eval(
      `[data-field="${field}"] textarea, [data-field="${field}"] input`,
      (el) => (el as unknown as { value: string }).value,
    );
  const alertText = (page: Page) =>
    page.$eval('.form-errors [role=alert]', (el) => (el as unknown as { textContent: string }).textContent.trim());

  it('zh-CN, a customer: says 此记录已被他人修改，请重新加载, writes nothing, and reloads to the other change', async () => {
    const made = await api(clerk, 'POST', '/api/customers', { name: '华东海晟石化有限公司', notes: '原备注' });
    const path = `/api/customers/${made.id as string}`;
    const { page, ifMatch } = await openAs('zh-CN');
    await page.goto(`${base}/app/customers/${made.id as string}/edit`);
    await page.waitForSelector('[data-field="notes"] textarea');
    expect(await fieldValue(page, 'notes')).toBe('原备注');

    // Someone else saves the customer while the form is open.
    await api(colleague, 'PATCH', path, { notes: '同事改的备注' });
    await setField(page, 'notes', '我改的备注');
    await page.click('form.form button[type=submit]');
    await page.waitForSelector('.form-errors [role=alert] .stale-record');
    expect(await alertText(page)).toContain('此记录已被他人修改，请重新加载');
    expect(ifMatch).toEqual([`W/"${made.version as number}"`]);
    expect((await api(clerk, 'GET', path)).notes).toBe('同事改的备注');

    await page.click('.form-errors button[name=reload-record]');
    await page.waitForFunction(`document.querySelector('[data-field="notes"] textarea')?.value === '同事改的备注'`, {
      timeout: 30_000,
      polling: 100,
    });
    await setField(page, 'notes', '我改的备注');
    await page.click('form.form button[type=submit]');
    await page.waitForFunction(`!location.pathname.endsWith('/edit')`, { timeout: 30_000, polling: 100 });
    const saved = await api(clerk, 'GET', path);
    expect(saved).toMatchObject({ notes: '我改的备注', version: (made.version as number) + 2 });
    expect(ifMatch).toEqual([`W/"${made.version as number}"`, `W/"${(made.version as number) + 1}"`]);
  });

  it('English, a product: says "Changed by someone else — reload"', async () => {
    const made = await api(clerk, 'POST', '/api/products', {
      code: 'LDG-50',
      nameZh: '电磁流量计',
      unit: '台',
      listPrice: '8600.00',
      floorPrice: '6900.00',
    });
    const { page } = await openAs('en');
    await page.goto(`${base}/app/products/${made.id as string}/edit`);
    await page.waitForSelector('[data-field="specification"] textarea');
    await api(colleague, 'PATCH', `/api/products/${made.id as string}`, { specification: 'DN80' });
    await setField(page, 'specification', 'DN50');
    await page.click('form.form button[type=submit]');
    await page.waitForSelector('.form-errors [role=alert] .stale-record');
    expect(await alertText(page)).toContain('Changed by someone else — reload');
    expect(
      await page.$eval(
        '.form-errors button[name=reload-record]',
        (el) => (el as unknown as { textContent: string }).textContent,
      ),
    ).toBe('Reload');
    expect((await api(clerk, 'GET', `/api/products/${made.id as string}`)).specification).toBe('DN80');
  });
});
