import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtp, until, type ControlledSmtp } from '../support/faults.js';
import { setPassword, signIn } from '../support/sign-in.js';
import { launchConsoleBrowser, VIEWPORT } from '../support/browser.js';

/**
 * The back office's daily loop (issue #21) in the console, in a real Chromium against the real service on loopback:
 * the reminders page after "run now" lists what was sent and what was skipped, with the reasons, and filters by
 * status; a quotation the customer accepted online shows the answer (who, position, when, from where), the record
 * page's PDF and that it is locked; an import's dry run shows new, changed (old → new) and unchanged rows and "Apply"
 * writes them. With SCREENSHOTS=1 the pages are saved to docs/screenshots/{reminders,quotation-answer,
 * import-preview}.png (1366×768).
 */

const SCREENSHOTS = process.env.SCREENSHOTS === '1';
const PASSWORD = 'the daily loop in a browser 2026';
const CUSTOMER_MAIL = 'shebei@qinglan-steel.example';
const SALES_MAIL = 'liming@huadong-instruments.example';
const OFFICE_MAIL = 'zizhi@huadong-instruments.example';
const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
};

type Json = Record<string, unknown> & { error?: { code: string } };

const localDay = (offset = 0) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

describe('console: the daily loop (reminders, quotation answers, import preview)', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let browser: Browser;
  let base: string;
  let files: string;
  const users: Record<string, { id: string; token: string }> = {};
  const contexts: BrowserContext[] = [];
  const ids: Record<string, string> = {};

  const call = async (token: string, method: string, path: string, body?: object) => {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const ok = async (token: string, method: string, path: string, body?: object) => {
    const res = await call(token, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const js = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;
  const waitFor = (page: Page, expression: string, timeout = 30_000) =>
    page.waitForFunction(expression, { timeout, polling: 100 });
  const rows = (page: Page) =>
    js<string[]>(page, `[...document.querySelectorAll('.results table.data tbody tr')].map((tr) => tr.textContent)`);
  const shot = async (page: Page, name: string) => {
    if (!SCREENSHOTS) return;
    await page.evaluate(`document.activeElement?.blur(); document.getElementById('toasts')?.replaceChildren()`);
    await page.screenshot({ path: join('docs', 'screenshots', name) as `${string}.png` });
  };

  /** A page signed in as the owner of `token` (a password set in the database, a session through the API). */
  async function open(token: string, path: string): Promise<Page> {
    const who = await ok(token, 'GET', '/api/users/me');
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

  /** A quotation created, submitted, approved and sent (with its link to `sendTo` when given). */
  async function quotation(customerId: string, projectName: string, validIn: number, sendTo?: string) {
    const created = await ok(users.backoffice!.token, 'POST', '/api/quotations', {
      customerId,
      projectName,
      validUntil: localDay(validIn),
      lines: [{ name: '电磁流量计成套', unit: '套', qty: '1', unitPrice: '86420', taxRate: '13' }],
      paymentTerms: [{ percent: '100', event: 'contract_signed', days: 7 }],
    });
    const id = created.id as string;
    for (const action of ['submit', 'approve'])
      await ok(users.backoffice!.token, 'POST', `/api/quotations/${id}/${action}`, {});
    await ok(users.backoffice!.token, 'POST', `/api/quotations/${id}/send`, sendTo ? { sendTo } : {});
    return { id, number: created.number as string };
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('console_daily_loop', { SMTP_URL: smtp.url, TRUST_PROXY: 'loopback' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    // The daily job queued at start ran on an empty database: "run now" below is the run that finds the records.
    await until(
      "today's reminders job",
      async () => t.db.query<{ status: string }>('SELECT j.status FROM reminder_runs r JOIN jobs j ON j.id = r.job_id'),
      (r) => r[0]?.status === 'succeeded',
      30_000,
    );
    files = await mkdtemp(join(tmpdir(), 'td-daily-loop-'));
    for (const [key, roles, name] of [
      ['backoffice', ['backoffice'], '内勤张敏'],
      ['manager', ['manager'], '王总'],
      ['sales', ['sales'], '业务员李明'],
      ['sales2', ['sales'], '业务员周强'],
    ] as const)
      users[key] = await t.userWith([...roles], name);
    await t.db.query('UPDATE users SET email = $1 WHERE id = $2', [OFFICE_MAIL, users.backoffice!.id]);
    await t.db.query('UPDATE users SET email = $1 WHERE id = $2', [SALES_MAIL, users.sales!.id]);
    await ok(users.backoffice!.token, 'PUT', '/api/company', PROFILE);

    const steel = await ok(users.backoffice!.token, 'POST', '/api/customers', {
      name: '青澜钢铁集团有限公司',
      salesOwnerId: users.sales!.id,
      notes: '老客户',
      contacts: [{ name: '赵志强', email: CUSTOMER_MAIL }],
    });
    ids.steel = steel.id as string;
    // Its sales owner has no e-mail: the quotation reminder about it is skipped, and listed.
    const water = await ok(users.backoffice!.token, 'POST', '/api/customers', {
      name: '澄江水务有限公司',
      salesOwnerId: users.sales2!.id,
      notes: '水务集团',
    });
    ids.water = water.id as string;
    await ok(users.backoffice!.token, 'POST', '/api/qualifications', {
      type: 'iso9001',
      name: 'ISO 9001 质量管理体系认证',
      number: '00125Q30001R2M',
      validFrom: '2023-01-01',
      validTo: localDay(20),
    });
    ids.expiring = (await quotation(ids.water, '水厂仪表维保', 5)).id;

    // Quotations with their links mailed to the customer: one accepted, one declined, one only opened.
    const linkOf = async (projectName: string) => {
      const mails = await until(
        `the mail of ${projectName}`,
        async () =>
          Promise.all(smtp.received.filter((m) => m.rcptTo.includes(CUSTOMER_MAIL)).map((m) => simpleParser(m.raw))),
        (list) => list.some((m) => (m.text ?? '').includes(projectName)),
        60_000,
      );
      const text = mails.find((m) => (m.text ?? '').includes(projectName))!.text ?? '';
      return /\/quotations\/accept\/[A-Za-z0-9_-]{43}/.exec(text)![0];
    };
    const answer = async (path: string, form: Record<string, string>) => {
      const res = await t.http().post(path).type('form').set('User-Agent', 'Mozilla/5.0 DailyLoopTest/1.0').send(form);
      expect(res.status).toBe(200);
    };
    ids.accepted = (await quotation(ids.steel, '炼铁厂高炉煤气流量计改造', 30, CUSTOMER_MAIL)).id;
    await answer(await linkOf('炼铁厂高炉煤气流量计改造'), {
      action: 'accept',
      name: '赵志强',
      position: '设备部部长',
    });
    ids.declined = (await quotation(ids.steel, '烧结机料层厚度测量', 30, CUSTOMER_MAIL)).id;
    await answer(await linkOf('烧结机料层厚度测量'), { action: 'decline', name: '赵志强', reason: '预算推迟到明年' });
    ids.opened = (await quotation(ids.steel, '转炉煤气回收仪表', 30, CUSTOMER_MAIL)).id;
    expect((await t.http().get(await linkOf('转炉煤气回收仪表'))).status).toBe(200);

    browser = await launchConsoleBrowser(files, SCREENSHOTS);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await smtp?.stop();
    if (files) await rm(files, { recursive: true, force: true });
  });

  it('lists the reminders "run now" wrote, sent and skipped with their reasons, and filters them by status', async () => {
    const page = await open(users.backoffice!.token, '/app/reminders');
    await waitFor(page, `!!document.querySelector('.results table, .results .empty, .results p')`);
    expect(await rows(page).then((r) => r.filter((x) => x.includes('资质即将到期')))).toEqual([]);
    await page.click('button[name=run-reminders]');
    await waitFor(page, `[...document.querySelectorAll('.results table.data tbody tr')].length >= 2`);
    const listed = await rows(page);
    const qualification = listed.find((r) => r.includes('资质即将到期'))!;
    expect(qualification).toContain('已发送');
    expect(qualification).toContain(OFFICE_MAIL);
    const skipped = listed.find((r) => r.includes('报价单即将失效'))!;
    expect(skipped).toContain('已跳过');
    expect(skipped).toContain('无销售负责人或其无邮箱');
    expect(skipped).toContain('澄江水务有限公司');
    // The day's run, in the runs box.
    await waitFor(page, `document.querySelector('.reminder-runs tbody tr')?.textContent.includes('1')`);
    await shot(page, 'reminders.png');
    // What the API says is what the page shows.
    const api = await ok(users.backoffice!.token, 'GET', '/api/reminders');
    expect((api.items as { status: string }[]).map((i) => i.status).sort()).toEqual(['sent', 'skipped']);

    await page.select('select[name=status]', 'skipped');
    await waitFor(page, `location.search.includes('status=skipped')`);
    await waitFor(
      page,
      `((rows) => rows.length > 0 && rows.every((tr) => tr.textContent.includes('已跳过')))([...document.querySelectorAll('.results table.data tbody tr')])`,
    );
    expect(await rows(page)).toHaveLength(1);
  }, 120_000);

  it('shows a quotation accepted online: who, position, when, from where, the record page, and that it is locked', async () => {
    const page = await open(users.sales!.token, `/app/quotations/${ids.accepted}`);
    await page.waitForSelector('.online-links li');
    const answer = await js<string>(page, `document.querySelector('.online-links').textContent`);
    expect(answer).toContain(CUSTOMER_MAIL);
    expect(answer).toContain('已接受');
    expect(answer).toContain('赵志强');
    expect(answer).toContain('设备部部长');
    expect(answer).toContain('127.0.0.1');
    expect(await js<boolean>(page, `!!document.querySelector('button[name=audit-pdf]')`)).toBe(true);
    expect(await js<string>(page, `document.querySelector('.quotation-locked').textContent`)).toContain('已锁定');
    // Locked: no "revise" action.
    expect(
      await js<boolean>(page, `[...document.querySelectorAll('.page-head a')].some((a) => a.href.endsWith('/edit'))`),
    ).toBe(false);
    await page.evaluate(`document.querySelector('.online-links').scrollIntoView({ block: 'center' })`);
    await shot(page, 'quotation-answer.png');

    // Declined with the reason; opened and not answered yet.
    await page.goto(`${base}/app/quotations/${ids.declined}`);
    await page.waitForSelector('.online-links li');
    const declined = await js<string>(page, `document.querySelector('.online-links').textContent`);
    expect(declined).toContain('已拒绝');
    expect(declined).toContain('预算推迟到明年');
    expect(await js<boolean>(page, `!!document.querySelector('.quotation-locked')`)).toBe(false);
    await page.goto(`${base}/app/quotations/${ids.opened}`);
    await page.waitForSelector('.online-links li');
    const opened = await js<string>(page, `document.querySelector('.online-links').textContent`);
    expect(opened).toContain('已打开，待答复');
    expect(opened).toContain('客户首次打开于');
  }, 60_000);

  it('lets a user opt out of reminders on their account page, and a customer on its page', async () => {
    const page = await open(users.sales!.token, '/app/account');
    const box = await page.waitForSelector('input[name=reminder-opt-out]');
    expect(await box!.evaluate((el) => (el as unknown as { checked: boolean }).checked)).toBe(false);
    await box!.click();
    await until(
      'the opt-out',
      async () => (await ok(users.sales!.token, 'GET', '/api/reminders/opt-outs')).userOptedOut,
      (v) => v === true,
      10_000,
    );
    await page.goto(`${base}/app/customers/${ids.steel}`);
    const customerBox = await page.waitForSelector('input[name=customer-reminder-opt-out]');
    await customerBox!.click();
    await until(
      'the customer opt-out',
      async () =>
        (await ok(users.sales!.token, 'GET', `/api/reminders/opt-outs?customerId=${ids.steel}`)).customerOptedOut,
      (v) => v === true,
      10_000,
    );
  }, 60_000);

  it('previews an import (new, changed old → new, unchanged) and writes it on Apply', async () => {
    const page = await open(users.backoffice!.token, '/app/customers/import');
    const sheet = join(files, 'customers-edited.csv');
    await writeFile(
      sheet,
      `\ufeffID,客户名称,备注\n${ids.steel},青澜钢铁集团有限公司,战略客户\n${ids.water},澄江水务有限公司,水务集团\n,苏州新区热电有限公司,新客户\n`,
    );
    const input = await page.waitForSelector('.dropzone-wrap input[type=file]');
    await input!.uploadFile(sheet);
    await page.waitForSelector('.import-preview table tbody tr');
    const preview = await js<string[][]>(
      page,
      `[...document.querySelectorAll('.import-preview tbody tr')].map((tr) => [...tr.cells].map((td) => td.textContent))`,
    );
    expect(preview).toEqual([
      ['2', '修改', '备注: 老客户 → 战略客户'],
      ['3', '不变', ''],
      ['4', '新增', ''],
    ]);
    await shot(page, 'import-preview.png');
    // Nothing written by the preview.
    expect((await ok(users.backoffice!.token, 'GET', `/api/customers/${ids.steel}`)).notes).toBe('老客户');
    await page.click('button[name=import-apply]');
    await waitFor(page, `document.querySelector('.import-result .alert-ok')?.textContent.includes('已导入')`);
    expect((await ok(users.backoffice!.token, 'GET', `/api/customers/${ids.steel}`)).notes).toBe('战略客户');
    expect((await ok(users.backoffice!.token, 'GET', '/api/customers?q=苏州新区热电')).total).toBe(1);
    expect((await ok(users.backoffice!.token, 'GET', '/api/customers?q=澄江水务')).total).toBe(1);
  }, 60_000);
});
