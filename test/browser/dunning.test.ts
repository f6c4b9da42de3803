import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtp, until, type ControlledSmtp } from '../support/faults.js';
import { setPassword, signIn } from '../support/sign-in.js';
import { launchConsoleBrowser, VIEWPORT } from '../support/browser.js';

/**
 * The console's Dunning page (issue #21) in a real Chromium against the real service on loopback: the list of
 * overdue customers with the level due (friendly / firm / final), the last letter and why a customer is not mailed;
 * a letter issued from the list (mailed to a real SMTP server), then its page with the PDF. A sales user reads the
 * list without the issue button; production has no Dunning page. With SCREENSHOTS=1 the list is saved to
 * docs/screenshots/dunning.png and the letter to docs/screenshots/dunning-letter.png (1366×768).
 */

const SCREENSHOTS = process.env.SCREENSHOTS === '1';
const PASSWORD = 'dunning pages in a browser 2026';
const BILLING = 'caiwu@qinglan-steel.example';
const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
  bankAccounts: [
    {
      bankName: '中国工商银行',
      branch: '苏州吴中支行',
      accountName: '华东智能仪表有限公司',
      accountNumber: '1102 0206 0900 0088 123',
    },
  ],
};

type Json = Record<string, unknown> & { error?: { code: string } };

describe('console: the Dunning page', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let browser: Browser;
  let base: string;
  let files: string;
  const users: Record<string, { id: string; token: string }> = {};
  const customers: Record<string, string> = {};
  const contexts: BrowserContext[] = [];

  const call = async (token: string, method: string, path: string, body?: object) => {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const must = async (token: string, method: string, path: string, status: number, body?: object) => {
    const res = await call(token, method, path, body);
    if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const waitFor = (page: Page, expression: string, timeout = 30_000) =>
    page.waitForFunction(expression, { timeout, polling: 100 });
  const shot = async (page: Page, name: string) => {
    if (!SCREENSHOTS) return;
    await page.evaluate(`document.activeElement?.blur(); document.getElementById('toasts')?.replaceChildren()`);
    await page.screenshot({ path: join('docs', 'screenshots', name) as `${string}.png` });
  };

  async function open(token: string, path: string): Promise<Page> {
    const who = await must(token, 'GET', '/api/users/me', 200);
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

  /** A customer with one contract signed `days` ago, its whole amount due at signing and unpaid. */
  async function overdueCustomer(name: string, days: number, amount: string, email: string | null): Promise<string> {
    const bo = users.backoffice!.token;
    const customer = await must(bo, 'POST', '/api/customers', 201, {
      name,
      salesOwnerId: users.sales!.id,
      contacts: email ? [{ name: '会计', email, billing: true }] : [{ name: '采购', phone: '0512-1' }],
    });
    const contract = await must(bo, 'POST', '/api/contracts', 201, {
      customerId: customer.id,
      projectName: `${name}项目`,
      signingDate: addDays(todayIso(), -days),
      lines: [{ name: '设备', unit: '套', qty: '1', unitPrice: amount, taxRate: '0' }],
      paymentTerms: [{ percent: '100', event: 'contract_signed', days: 0 }],
    });
    await must(bo, 'POST', `/api/contracts/${contract.id}/review`, 200);
    await must(users.manager!.token, 'POST', `/api/contracts/${contract.id}/approve`, 200, { reason: '手工合同' });
    return customer.id as string;
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('console_dunning', { SMTP_URL: smtp.url, MAIL_RETRY_DELAY_SECONDS: '1' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    files = await mkdtemp(join(tmpdir(), 'td-dunning-pages-'));
    for (const [key, roles, name] of [
      ['backoffice', ['backoffice'], '内勤张敏'],
      ['manager', ['manager'], '王总'],
      ['finance', ['finance'], '李会计'],
      ['production', ['production'], '陈调度'],
      ['sales', ['sales'], '业务员李明'],
    ] as const)
      users[key] = await t.userWith([...roles], name);
    await must(users.backoffice!.token, 'PUT', '/api/company', 200, PROFILE);
    customers.a = await overdueCustomer('青澜钢铁集团有限公司', 12, '86000.00', BILLING);
    customers.b = await overdueCustomer('海晟石化有限公司', 45, '128500.50', 'ap@haisheng-petro.example');
    customers.c = await overdueCustomer('东岳化工有限公司', 95, '42300.00', null);
    // B and C have had their letters: the list shows them as the last letter.
    await must(users.finance!.token, 'POST', '/api/dunning/letters', 201, { customerId: customers.b });
    await must(users.finance!.token, 'POST', '/api/dunning/letters', 201, { customerId: customers.c });

    browser = await launchConsoleBrowser(files, SCREENSHOTS);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await smtp?.stop();
    if (files) await rm(files, { recursive: true, force: true });
  });

  it('finance sees each customer’s level and last letter, issues a letter from the list and opens its PDF', async () => {
    const page = await open(users.finance!.token, '/app/dunning');
    await page.waitForSelector('table tbody tr');
    expect(await page.$('nav a[href="/app/dunning"]')).not.toBeNull();
    const rows = () =>
      page.$$eval('main table tbody tr', (trs) =>
        trs.map((tr) => (tr as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ')),
      );
    const before = await rows();
    expect(before).toHaveLength(3);
    // Most overdue first: C (final, not mailed), B (firm, its letter), A (friendly, none yet).
    expect(before[0]).toContain('东岳化工有限公司');
    expect(before[0]).toContain('最后催告函');
    expect(before[0]).toContain('无财务联系人邮箱');
    expect(before[1]).toContain('催款通知');
    expect(before[1]).toMatch(/CS\d{4}-\d{5}/);
    expect(before[2]).toContain('温馨提示');
    expect(before[2]).toContain('未发过');
    // Issued today: B and C have no button; A has.
    expect(await page.$(`button[name="issue-${customers.b}"]`)).toBeNull();
    await shot(page, 'dunning.png'); // before A's letter: its issue button shows
    await page.click(`button[name="issue-${customers.a}"]`);
    // The list again once reloaded: three rows, each with a letter (a reload shows a spinner first).
    await waitFor(
      page,
      `(() => { const rows = [...document.querySelectorAll('main table tbody tr')];
         return rows.length === 3 && rows.every((tr) => /CS\\d{4}-\\d{5}/.test(tr.innerText))
           && !document.querySelector('button[name="issue-${customers.a}"]'); })()`,
    );
    const after = await rows();
    expect(after[2]).toContain('今日已发');
    const mail = await until(
      'the letter mail',
      async () => smtp.received.filter((m) => m.rcptTo.includes(BILLING)),
      (m) => m.length > 0,
      60_000,
    );
    expect(mail).toHaveLength(1);

    // The letter's page: its items, its mail, its PDF.
    const [letter] = (
      (await must(users.finance!.token, 'GET', `/api/dunning/letters?customerId=${customers.a}`, 200)) as unknown as {
        items: { id: string; number: string }[];
      }
    ).items;
    await page.click(`a[href="/app/dunning/letters/${letter!.id}"]`);
    await waitFor(page, `document.querySelector('main .page h1')?.textContent.includes('${letter!.number}')`);
    await page.waitForSelector('.preview iframe');
    const body = await page.$eval('main', (m) => (m as unknown as { innerText: string }).innerText);
    expect(body).toContain('¥86,000.00');
    expect(body).toContain(BILLING);
    await shot(page, 'dunning-letter.png');
  }, 120_000);

  it('a sales user reads the list without issuing; production has no Dunning page', async () => {
    const sales = await open(users.sales!.token, '/app/dunning');
    await sales.waitForSelector('main table tbody tr');
    expect(await sales.$$('main table tbody button[name^="issue-"]')).toHaveLength(0);
    expect(await sales.$('button[name="dunning-run"]')).toBeNull();
    const production = await open(users.production!.token, '/app/');
    expect(await production.$('nav a[href="/app/dunning"]')).toBeNull();
    expect((await call(users.production!.token, 'GET', '/api/dunning')).status).toBe(403);
  }, 60_000);
});
