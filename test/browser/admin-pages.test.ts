import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { TransactionRunner } from '../../src/database/transaction.js';
import { OutboxService, type OutboxMessageView } from '../../src/modules/outbox/outbox.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtp, until, type ControlledSmtp } from '../support/faults.js';
import { setPassword, signIn } from '../support/sign-in.js';
import { launchConsoleBrowser, VIEWPORT } from '../support/browser.js';

/**
 * The console's admin pages (issue #15) in a real Chromium against the real service on loopback: users (the
 * one-time token, roles, token revocation, disabling, the API's refusal to demote oneself), the company profile
 * saved with If-Match and a seal uploaded, the audit log filtered by actor and action, and the outbox with a message
 * a real SMTP server never took, sent again by hand. Non-admins see none of what is not theirs. With SCREENSHOTS=1
 * each page is saved to docs/screenshots/admin-*.png (1366×768).
 */

const BUDGET = 300 * 1024;
const SCREENSHOTS = process.env.SCREENSHOTS === '1';
const PASSWORD = 'admin pages in a browser 2026';
const VALID_USCC = '91350100M000100Y43';

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A seal-like PNG: a red ring around a star on a transparent ground (RGBA), or the same without alpha (RGB). */
function sealPng(colorType: 2 | 6, size = 200): Buffer {
  const channels = colorType === 6 ? 4 : 3;
  const c = size / 2;
  const star = Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 ? size * 0.11 : size * 0.27;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    return [c + r * Math.cos(a), c + r * Math.sin(a)] as const;
  });
  const inStar = (x: number, y: number) => {
    let inside = false;
    for (let i = 0, j = star.length - 1; i < star.length; j = i++) {
      const [xi, yi] = star[i]!;
      const [xj, yj] = star[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const raw = Buffer.alloc(size * (1 + size * channels), colorType === 6 ? 0 : 0xff);
  for (let y = 0; y < size; y++) {
    raw[y * (1 + size * channels)] = 0;
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      if ((d > size * 0.42 && d < size * 0.48) || inStar(x, y)) {
        const o = y * (1 + size * channels) + 1 + x * channels;
        raw.set(colorType === 6 ? [0xd4, 0x1f, 0x1f, 0xff] : [0xd4, 0x1f, 0x1f], o);
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An API answer as the test reads it. */
type Json = Record<string, unknown> & { error?: { code: string } };

const localDay = (offset = 0) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

describe('console: the admin pages', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let browser: Browser;
  let base: string;
  let files: string;
  const users: Record<string, { id: string; token: string }> = {};
  const contexts: BrowserContext[] = [];
  let adminId: string;

  const call = async (token: string, method: string, path: string, body?: object) => {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const api = async (token: string, path: string) => {
    const res = await call(token, 'GET', path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const js = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;
  const waitFor = (page: Page, expression: string, timeout = 30_000) =>
    page.waitForFunction(expression, { timeout, polling: 100 });
  const text = (page: Page, selector: string) =>
    page.$eval(selector, (el) => (el as unknown as { textContent: string }).textContent.trim());
  const shot = async (page: Page, name: string) => {
    if (!SCREENSHOTS) return;
    // Without the focus ring and the toasts of what the test just did.
    await page.evaluate(`document.activeElement?.blur(); document.getElementById('toasts')?.replaceChildren()`);
    await page.screenshot({ path: join('docs', 'screenshots', name) as `${string}.png` });
  };
  /** Clicks the OK of the confirmation dialog the last click opened. */
  const confirm = async (page: Page) => {
    await page.waitForSelector('dialog.dialog[open] .btn-primary');
    await page.click('dialog.dialog[open] .btn-primary');
    await waitFor(page, `document.querySelector('dialog.dialog') === null`);
  };

  /**
   * A page signed in as the owner of `token`: a password given in the database, a session through the API, its cookie
   * put into the page's context (signing in through the page is test/browser/sign-in.test.ts's).
   */
  async function open(token: string, path: string): Promise<Page> {
    const who = await api(token, '/api/users/me');
    await setPassword(t.db, who.id as string, PASSWORD);
    const session = await signIn(t.http, who.name as string, PASSWORD);
    const [name, value] = session.cookie.split('=') as [string, string];
    const context = await browser.createBrowserContext();
    contexts.push(context);
    await context.setCookie({ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' });
    const page = await context.newPage();
    await page.setViewport(VIEWPORT);
    await page.goto(base + path);
    await page.waitForSelector('header.top [data-user]');
    await page.waitForSelector('main .page h1');
    return page;
  }

  beforeAll(async () => {
    // Down from the start: every message fails on its first attempt (no retries), until the server is started.
    smtp = await startSmtp({ listen: false });
    t = await startTestApp('console_admin', {
      SMTP_URL: smtp.url,
      MAIL_RETRY_LIMIT: '0',
      MAIL_RETRY_DELAY_SECONDS: '1',
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    files = await mkdtemp(join(tmpdir(), 'td-admin-pages-'));
    for (const [key, roles, name] of [
      ['backoffice', ['backoffice'], '内勤张敏'],
      ['manager', ['manager'], '王总'],
      ['finance', ['finance'], '李会计'],
      ['production', ['production'], '陈调度'],
      ['sales', ['sales'], '业务员李明'],
    ] as const)
      users[key] = await t.userWith([...roles], name);
    adminId = (await api(t.adminToken, '/api/users/me')).id as string;
    browser = await launchConsoleBrowser(files, SCREENSHOTS);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await smtp?.stop();
    if (files) await rm(files, { recursive: true, force: true });
  });

  it('an admin creates a user and sees the token (or link) once, changes roles, revokes a token, disables the user; demoting oneself is refused', async () => {
    const page = await open(t.adminToken, '/app/users/new');
    await page.type('#f-name', 'wang.li');
    await page.type('#f-email', 'wang.li@example.com');
    await page.click('#f-roles input[value=sales]');
    await page.click('form.form button[type=submit]');
    // Today the answer carries an API token; with the sign-in work, an invitation link. Either is shown once.
    await page.waitForSelector('[data-secret] input.secret-value');
    const [kind, secret] = await page.$eval('[data-secret]', (el) => [
      (el as unknown as { dataset: { secret: string } }).dataset.secret,
      (el.querySelector('input') as unknown as { value: string }).value,
    ]);
    const id = ((await api(t.adminToken, '/api/users')) as unknown as { id: string; name: string }[]).find(
      (u) => u.name === 'wang.li',
    )!.id;
    if (kind === 'token') {
      expect(secret).toMatch(/^td_/);
      const me = await call(secret, 'GET', '/api/users/me');
      expect(me.body).toMatchObject({ id, name: 'wang.li', roles: ['sales'], email: 'wang.li@example.com' });
    } else {
      expect(kind).toBe('invitation');
      expect(secret.startsWith('http')).toBe(true);
    }
    expect(await api(t.adminToken, `/api/users/${id}`)).toMatchObject({
      roles: ['sales'],
      email: 'wang.li@example.com',
    });

    // Shown once: the user's page does not show it again.
    await page.goto(`${base}/app/users/${id}`);
    await page.waitForSelector('.tokens table.data');
    expect(await js(page, `document.querySelector('[data-secret]')`)).toBeNull();
    expect(await js(page, `document.body.textContent.includes(${JSON.stringify(secret)})`)).toBe(false);

    // Roles: sales -> finance and sales.
    await page.click('#f-roles input[value=finance]');
    await page.click('form.form button[type=submit]');
    await waitFor(page, `document.querySelector('.page-head .sub')?.textContent.includes('财务')`);
    expect((await api(t.adminToken, `/api/users/${id}`)).roles).toEqual(['sales', 'finance']);

    // Two tokens issued, each shown once and listed by its prefix; then the first one revoked.
    const issue = async (label: string) => {
      await page.click('button[name=issue-token]');
      await page.waitForSelector('dialog.dialog[open] input[name=label]');
      await page.type('dialog.dialog[open] input[name=label]', label);
      await confirm(page);
      await waitFor(
        page,
        `[...document.querySelectorAll('.tokens tbody tr')].some((r) => r.textContent.includes(${JSON.stringify(label)})) && document.querySelector('[data-secret=token]') !== null`,
      );
      return page.$eval('[data-secret=token] input.secret-value', (el) => (el as unknown as { value: string }).value);
    };
    const first = await issue('ERP');
    const second = await issue('WMS');
    expect(first).not.toBe(second);
    for (const token of [first, second]) expect((await call(token, 'GET', '/api/users/me')).status).toBe(200);
    const rowOf = (label: string) =>
      page.$$eval(
        '.tokens tbody tr',
        (rows, l) => rows.findIndex((r) => (r as unknown as { textContent: string }).textContent.includes(l)) + 1,
        label,
      );
    const erp = await rowOf('ERP');
    expect(await text(page, `.tokens tbody tr:nth-child(${erp}) td code`)).toBe(`${first.slice(0, 8)}…`);
    await page.click(`.tokens tbody tr:nth-child(${erp}) button[name=revoke]`);
    await confirm(page);
    await waitFor(page, `document.querySelector('.tokens tbody tr:nth-child(${erp})')?.textContent.includes('已吊销')`);
    expect((await call(first, 'GET', '/api/users/me')).status).toBe(401);
    expect((await call(second, 'GET', '/api/users/me')).status).toBe(200);

    // The password reset link: shown once.
    await page.click('button[name=reset-password]');
    await confirm(page);
    await waitFor(
      page,
      `document.querySelector('.action-result [data-secret=invitation], .action-result .err-code') !== null`,
    );
    const reset = await js<string>(
      page,
      `document.querySelector('.action-result [data-secret=invitation]') ? 'invitation' : document.querySelector('.action-result .err-code').textContent`,
    );
    expect(reset).toBe('invitation');

    // Resetting a second factor the user never set up: the API's code on the page (the reset itself is tested in
    // test/e2e/second-factor.test.ts).
    await page.click('button[name=reset-totp]');
    await confirm(page);
    await page.waitForSelector('.action-result .err-code');
    expect(await text(page, '.action-result .err-code')).toBe('TOTP_NOT_ENABLED');

    // Disabled: every token stops working.
    await page.click('button[name=disable]');
    await confirm(page);
    await page.waitForSelector('button[name=enable]');
    expect(await text(page, '.page-head .sub')).toContain('已停用');
    expect((await api(t.adminToken, `/api/users/${id}`)).disabled).toBe(true);
    expect((await call(second, 'GET', '/api/users/me')).status).toBe(401);

    // The admin cannot disable themselves nor drop their admin role: the API's code, and nothing changed.
    await page.goto(`${base}/app/users/${adminId}`);
    await page.waitForSelector('button[name=disable]');
    await page.click('button[name=disable]');
    await confirm(page);
    await page.waitForSelector('.action-result .err-code');
    expect(await text(page, '.action-result .err-code')).toBe('CANNOT_DEMOTE_SELF');
    await page.click('#f-roles input[value=admin]');
    await page.click('#f-roles input[value=manager]');
    await page.click('form.form button[type=submit]');
    await page.waitForSelector('.form-errors .err-code');
    expect(await text(page, '.form-errors .err-code')).toBe('CANNOT_DEMOTE_SELF');
    expect(await api(t.adminToken, `/api/users/${adminId}`)).toMatchObject({ roles: ['admin'], disabled: false });

    // The list: filtered by state, then all of them for the screenshot.
    await page.goto(`${base}/app/users?state=disabled`);
    await page.waitForSelector('.results table.data tbody tr');
    const disabled = await page.$$eval('.results tbody tr td:first-child', (tds) =>
      tds.map((td) => (td as unknown as { textContent: string }).textContent),
    );
    expect(disabled).toEqual(['wang.li']);
    await page.goto(`${base}/app/users`);
    await page.waitForSelector('.results table.data tbody tr');
    expect(await js<number>(page, `document.querySelectorAll('.results tbody tr').length`)).toBe(7);
    await shot(page, 'admin-users.png');
  }, 120_000);

  it('the back office fills in the company profile (USCC checked while typing, saved with If-Match) and uploads a seal', async () => {
    const page = await open(users.backoffice!.token, '/app/company');
    const puts: (string | undefined)[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().endsWith('/api/company')) puts.push(r.headers()['if-match']);
    });
    await page.waitForSelector('#f-legalNameZh');
    expect(await js(page, `document.querySelector('.alert-warn') !== null`)).toBe(true);
    await page.type('#f-legalNameZh', '华东智能仪表有限公司');
    await page.type('#f-creditCode', `${VALID_USCC.slice(0, 17)}4`);
    expect(await js(page, `document.querySelector('.uscc-hint').className`)).toContain('bad');
    expect(await text(page, '.uscc-hint')).toBe('校验码错误：应为 3');
    await page.$eval('#f-creditCode', (el) => ((el as unknown as { value: string }).value = ''));
    await page.type('#f-creditCode', VALID_USCC);
    expect(await js(page, `document.querySelector('.uscc-hint').className`)).toContain('ok');
    await page.type('#f-legalRepresentative', '陈建国');
    await page.type('#f-addressZh', '江苏省苏州市吴中区仪表产业园科技路88号');
    await page.type('#f-phone', '0512-6688 1200');
    await page.type('#f-email', 'sales@ecsi.example');
    await page.click('.rows-editor > button');
    const cells = await page.$$('.rows-editor tbody tr input');
    for (const [i, v] of ['中国工商银行', '苏州吴中支行', '华东智能仪表有限公司', '1102 0206 0900 1234 567'].entries())
      await cells[i]!.type(v);
    await page.click('form.form button[type=submit]');
    await waitFor(page, `document.querySelector('.page-head .sub')?.textContent.includes('第 1 版')`);
    const saved = await api(users.backoffice!.token, '/api/company');
    expect(saved).toMatchObject({
      legalNameZh: '华东智能仪表有限公司',
      creditCode: VALID_USCC,
      phone: '0512-6688 1200',
      legalNameEn: null,
      bankAccounts: [{ bankName: '中国工商银行', branch: '苏州吴中支行', accountNumber: '1102 0206 0900 1234 567' }],
      documentLocale: 'zh-CN',
    });

    // A second save sends the version the form was read at.
    await page.waitForSelector('#f-legalNameEn');
    await page.type('#f-legalNameEn', 'East China Smart Instruments Co., Ltd.');
    // The documents' language: a select of the three the templates have.
    expect(await js(page, `[...document.querySelectorAll('#f-documentLocale option')].map((o) => o.value)`)).toEqual([
      'zh-CN',
      'en',
      'es',
    ]);
    await page.select('#f-documentLocale', 'es');
    await page.click('form.form button[type=submit]');
    await waitFor(page, `document.querySelector('.page-head .sub')?.textContent.includes('第 2 版')`);
    expect(puts).toEqual([undefined, 'W/"1"']);
    expect(await api(users.backoffice!.token, '/api/company')).toMatchObject({ documentLocale: 'es' });

    // Seals: an opaque PNG is refused with the API's code, a transparent one is stored and previewed.
    const opaque = join(files, 'opaque.png');
    const seal = join(files, 'gongzhang.png');
    await writeFile(opaque, sealPng(2));
    await writeFile(seal, sealPng(6));
    const contractInput = await page.$('.seal[data-kind=contract] input[type=file]');
    await contractInput!.uploadFile(opaque);
    await page.waitForSelector('.seal[data-kind=contract] .seal-result .err-code');
    expect(await text(page, '.seal[data-kind=contract] .seal-result .err-code')).toBe('SEAL_NOT_TRANSPARENT_PNG');
    const companyInput = await page.$('.seal[data-kind=company] input[type=file]');
    await companyInput!.uploadFile(seal);
    await page.waitForSelector('.seal[data-kind=company] .preview img');
    expect(await text(page, '.seal[data-kind=company] .seal-meta')).toContain('200×200 px');
    const seals = (await api(users.backoffice!.token, '/api/company')).seals as Record<string, unknown>;
    expect(seals.company).toMatchObject({ width: 200, height: 200 });
    expect(seals.contract).toBeNull();
    await shot(page, 'admin-company.png');

    // Finance reads the profile and sees the seal, without a form or an upload area.
    const finance = await open(users.finance!.token, '/app/company');
    await finance.waitForSelector('.seal[data-kind=company] .preview img');
    expect(await js(finance, `document.querySelector('form.form, .dropzone')`)).toBeNull();
    expect(await js(finance, `document.body.textContent.includes('华东智能仪表有限公司')`)).toBe(true);
  }, 120_000);

  it('the audit log filtered by actor and action shows the right entries, details expand, and the chain checks out', async () => {
    const page = await open(t.adminToken, '/app/audit');
    await page.waitForSelector('.results table.data tbody tr');
    await page.select('select[name=actorId]', users.backoffice!.id);
    await waitFor(page, `location.search.includes('actorId=')`);
    await page.waitForSelector('.results table.data');
    await page.type('input[name=action]', 'company.update');
    await page.keyboard.press('Enter');
    await waitFor(
      page,
      `location.search.includes('action=company.update') && document.querySelector('.results table.data') !== null`,
    );
    const rows = await page.$$eval('.results tbody tr', (trs) =>
      trs.map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => (td as unknown as { textContent: string }).textContent),
      ),
    );
    const expected = await api(t.adminToken, `/api/audit?actorId=${users.backoffice!.id}&action=company.update`);
    expect(expected.total).toBe(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]![1]).toBe('内勤张敏');
    expect(rows[0]![2]).toBe('company.update');
    await page.click('.results tbody tr details summary');
    expect(await text(page, '.results tbody tr details[open] pre')).toContain(
      '"legalNameEn": "East China Smart Instruments Co., Ltd."',
    );

    // The date range, in the browser's days: nothing from tomorrow on, the entry up to today.
    await page.goto(`${base}/app/audit?action=company.update&from=${localDay(1)}`);
    await page.waitForSelector('.results td.empty');
    await page.goto(`${base}/app/audit?action=company.update&from=${localDay(0)}&to=${localDay(0)}`);
    await page.waitForSelector('.results table.data tbody tr details');
    expect(await js<number>(page, `document.querySelectorAll('.results tbody tr').length`)).toBe(1);

    await page.goto(`${base}/app/audit`);
    await page.waitForSelector('.results table.data tbody tr');
    await page.click('button[name=check-chain]');
    await page.waitForSelector('[data-chain=ok]');
    await page.click('.results tbody tr details summary');
    await shot(page, 'admin-audit.png');

    // A manager reads the log but does not run the check (admin only on the API).
    const manager = await open(users.manager!.token, '/app/audit');
    await manager.waitForSelector('.results table.data tbody tr');
    expect(await js(manager, `document.querySelector('button[name=check-chain]')`)).toBeNull();
    expect((await call(users.manager!.token, 'GET', '/api/audit/chain')).status).toBe(403);
  }, 120_000);

  it('the outbox shows a message the SMTP server never took as failed, and sending it again changes its status', async () => {
    const outbox = t.app.get(OutboxService);
    const queued = await t.app.get(TransactionRunner).run(() =>
      outbox.queue(null, {
        key: 'admin-pages:statement',
        about: { type: 'statement', id: '00000000-0000-4000-8000-000000000015' },
        audience: 'billing',
        to: ['billing@customer.example.cn'],
        subject: '对账单 2026-11 华东石化',
        text: '请核对附件中的对账单。',
      }),
    );
    const failed = await until(
      'the message failed',
      () => outbox.get(queued.id),
      (m: OutboxMessageView) => m.status === 'failed',
      60_000,
    );
    expect(failed.lastError).toBeTruthy();

    const page = await open(users.backoffice!.token, '/app/outbox');
    await page.waitForSelector('.results table.data tbody tr');
    await page.select('select[name=status]', 'failed');
    await waitFor(
      page,
      `location.search.includes('status=failed') && document.querySelector('.results tbody tr button[name=retry]') !== null`,
    );
    const row = await text(page, '.results tbody tr');
    expect(row).toContain('billing@customer.example.cn');
    expect(row).toContain('对账单 2026-11 华东石化');
    expect(row).toContain('失败');
    expect(await text(page, '.results tbody tr .err-text')).toBe(failed.lastError);
    await shot(page, 'admin-outbox.png');

    await smtp.start();
    await page.goto(`${base}/app/outbox`);
    await page.waitForSelector('.results tbody tr button[name=retry]');
    await page.click('.results tbody tr button[name=retry]');
    await waitFor(
      page,
      `document.querySelector('.results tbody tr button[name=retry]') === null && document.querySelector('.results tbody tr .badge') !== null`,
    );
    expect(await text(page, '.results tbody tr .badge')).not.toBe('失败');
    await until(
      'the message sent',
      () => outbox.get(queued.id),
      (m: OutboxMessageView) => m.status === 'sent',
      60_000,
    );
    await page.reload();
    await page.waitForSelector('.results tbody tr .badge');
    expect(await text(page, '.results tbody tr .badge')).toBe('已发送');
    expect(smtp.received).toHaveLength(1);

    // Retrying what is not failed is the API's 409, not the console's guess.
    expect((await call(users.backoffice!.token, 'POST', `/api/outbox/${queued.id}/retry`)).body.error?.code).toBe(
      'OUTBOX_NOT_FAILED',
    );
  }, 150_000);

  it('a non-admin sees no admin menu and gets the API refusal', async () => {
    const page = await open(users.production!.token, '/app');
    const menu = await js<string[]>(page, `[...document.querySelectorAll('nav.menu a')].map((a) => a.dataset.area)`);
    for (const area of ['users', 'company', 'audit', 'outbox']) expect(menu).not.toContain(area);
    expect(
      await js(page, `[...document.querySelectorAll('.menu-group')].some((g) => g.textContent === '系统管理')`),
    ).toBe(false);
    await page.goto(`${base}/app/users`);
    await page.waitForSelector('main .alert-error');
    expect(await text(page, 'main .alert-error')).toBe('您的角色无权查看此页面。');
    // What the page does not offer, the API refuses too.
    const refused = await js<{ status: number; code: string }>(
      page,
      `fetch('/api/users')
         .then(async (r) => ({ status: r.status, code: (await r.json()).error.code }))`,
    );
    expect(refused).toEqual({ status: 403, code: 'FORBIDDEN' });

    // A manager has the audit log, the outbox and the company, not the users.
    const manager = await open(users.manager!.token, '/app');
    const managerMenu = await js<string[]>(
      manager,
      `[...document.querySelectorAll('nav.menu a')].map((a) => a.dataset.area)`,
    );
    expect(managerMenu.filter((a) => ['users', 'company', 'audit', 'outbox'].includes(a))).toEqual([
      'company',
      'audit',
      'outbox',
    ]);

    // A sales user reads the mail of their own records one at a time: the list says so instead of an error.
    const sales = await open(users.sales!.token, '/app/outbox');
    await sales.waitForSelector('.action-result .alert-info');
    expect(await js(sales, `document.querySelector('.err-code')`)).toBeNull();
    expect((await call(users.sales!.token, 'GET', '/api/outbox')).body.error?.code).toBe('NOT_YOUR_RECORD');
  }, 90_000);

  it('loads each admin page under 300 KB, as wide as the screen, without errors', async () => {
    const page = await open(t.adminToken, '/app');
    await page.setCacheEnabled(false);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    const mime = new Map<string, string>();
    let bytes = 0;
    cdp.on('Network.responseReceived', (e) => mime.set(e.requestId, e.response.mimeType));
    cdp.on('Network.loadingFinished', (e) => {
      // The seal images are documents: outside the budget, as in the console test.
      if (mime.get(e.requestId) !== 'image/png') bytes += e.encodedDataLength;
    });
    const report: string[] = [];
    for (const path of [
      '/app/users',
      '/app/users/new',
      `/app/users/${adminId}`,
      '/app/company',
      '/app/audit',
      '/app/outbox',
      // The template lists (the editor's bundles load on a version's page only: test/browser/template-editor.test.ts).
      '/app/templates',
      '/app/templates/customer-statement?locale=zh-CN',
    ]) {
      bytes = 0;
      await page.goto(base + path, { waitUntil: 'networkidle0' });
      await page.waitForSelector('main .page h1');
      report.push(`${path}: ${(bytes / 1024).toFixed(1)} KB`);
      expect({ path, under: bytes < BUDGET }).toEqual({ path, under: true });
      expect({ path, error: await js(page, `document.querySelector('.err-code')?.textContent ?? null`) }).toEqual({
        path,
        error: null,
      });
      expect({ path, width: await js<number>(page, 'document.documentElement.scrollWidth') }).toEqual({
        path,
        width: VIEWPORT.width,
      });
    }
    expect(errors).toEqual([]);
    console.log(`admin page weights:\n${report.join('\n')}`);

    // Every label in both languages: no dictionary key shows through (a key is its own fallback).
    for (const lang of ['en', 'zh-CN']) {
      await page.click(`.lang button[data-lang="${lang}"]`);
      await waitFor(page, `document.documentElement.lang === ${JSON.stringify(lang)}`);
      for (const path of [
        '/app/users',
        '/app/users/new',
        `/app/users/${adminId}`,
        '/app/company',
        '/app/audit',
        '/app/templates',
        '/app/templates/customer-statement?locale=zh-CN',
        '/app/outbox',
      ]) {
        await page.goto(base + path, { waitUntil: 'networkidle0' });
        await page.waitForSelector('main .page h1');
        const keys = await js<string[]>(
          page,
          `[...document.querySelectorAll('h1, h2, h3, th, label, button, .menu-group, nav.menu a, .help, .alert')]
             .map((e) => e.textContent.trim()).filter((s) => /^[a-z][a-zA-Z-]*\\.[a-zA-Z.{}-]+$/.test(s))`,
        );
        expect({ lang, path, keys }).toEqual({ lang, path, keys: [] });
      }
    }
    expect(await text(page, 'main .page h1')).toBe('邮件发件箱');
  }, 120_000);
});
