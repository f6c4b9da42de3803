import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, type Page } from 'puppeteer-core';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { setPassword, signIn } from '../support/sign-in.js';
import { launchConsoleBrowser, VIEWPORT } from '../support/browser.js';
import { squash, tool, withFiles } from '../support/tools.js';

/**
 * Issue #19's "Done when": a sales user adds a per-tender bid-letter wording in the console (the tender's Formats
 * tab: the bid letter's body starts from the company's markup, edited in the textarea, saved), and it appears in the
 * package PDF and DOCX generated next. A real Chromium drives the console against the service on loopback. With
 * SCREENSHOTS=1 the editor is saved to docs/screenshots/tender-formats.png (1366×768).
 */

const SCREENSHOTS = process.env.SCREENSHOTS === '1';
const PASSWORD = 'tender formats in a browser 2026';
const WORDING = 'FMT-UI-3PW7 我方承诺所投设备在本项目现场免费安装调试';

describe('console: a tender’s own bid-letter wording', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let files: string;
  let sales: { id: string; token: string };
  let tenderId: string;

  const call = async (token: string, method: string, path: string, body?: object) => {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers as the test reads them
      body: type.includes('json') ? ((await res.json()) as Record<string, any>) : {},
      bytes: type.includes('json') ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer()),
    };
  };
  const waitFor = (page: Page, expression: string, timeout = 30_000) =>
    page.waitForFunction(expression, { timeout, polling: 100 });

  async function open(path: string): Promise<Page> {
    await setPassword(t.db, sales.id, PASSWORD);
    const session = await signIn(t.http, '业务员王磊', PASSWORD);
    const [name, value] = session.cookie.split('=') as [string, string];
    const context = await browser.createBrowserContext();
    await context.setCookie({ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' });
    const page = await context.newPage();
    await page.setViewport(VIEWPORT);
    await page.goto(base + path);
    await page.waitForSelector('header.top [data-user]');
    await page.waitForSelector('main .page h1');
    return page;
  }

  beforeAll(async () => {
    t = await startTestApp('console_tender_formats', { DEMO_DATA: 'true' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    sales = await t.userWith(['sales'], '业务员王磊');
    const backoffice = (await t.userWith(['backoffice'])).token;
    const q = (await call(t.adminToken, 'GET', '/api/quotations?status=sent')).body.items[0];
    const res = await call(backoffice, 'POST', '/api/tenders', {
      tenderNo: 'FMT-UI-2026-0031',
      projectName: '焦化厂煤气流量计改造',
      buyer: '青澜钢铁集团有限公司',
      deadline: `${addDays(todayIso(), 20)}T10:00:00`,
      bidValidityDays: 90,
      quotationId: q.id,
      salesOwnerId: sales.id,
      requirements: {
        qualificationTypes: [],
        sections: ['cover', 'toc', 'bid_letter', 'opening_summary', 'authorisation'],
        deviations: [],
      },
    });
    expect(res.status).toBe(201);
    tenderId = res.body.id;
    files = await mkdtemp(join(tmpdir(), 'td-tender-formats-'));
    browser = await launchConsoleBrowser(files, SCREENSHOTS);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (files) await rm(files, { recursive: true, force: true });
  });

  it('edits the bid letter in the Formats tab, and the package PDF and DOCX have the wording', async () => {
    const page = await open(`/app/tenders/${tenderId}?tab=formats`);
    await page.waitForSelector('button[name="format-edit-bid_letter"]');
    await page.click('button[name="format-edit-bid_letter"]');
    await page.waitForSelector('textarea[name="format-body"]');
    const start = await page.$eval('textarea[name="format-body"]', (el) => (el as unknown as { value: string }).value);
    expect(start).toContain('{{t "letter.read"}}');

    // A broken body is refused with its line, and nothing is stored.
    await page.$eval(
      'textarea[name="format-body"]',
      (el, v) => ((el as unknown as { value: string }).value = v as string),
      `${start}\n<iframe></iframe>`,
    );
    await page.click('button[name="format-save"]');
    await waitFor(page, `document.querySelector('.alert-error')?.textContent.includes('iframe')`);
    expect((await call(sales.token, 'GET', `/api/tenders/${tenderId}/formats/bid_letter`)).body.overridden).toBe(false);

    const body = start.replace(
      '<p class="contact-intro">',
      `<p class="indent">${WORDING}</p>\n<p class="contact-intro">`,
    );
    await page.$eval(
      'textarea[name="format-body"]',
      (el, v) => ((el as unknown as { value: string }).value = v as string),
      body,
    );
    await page.click('button[name="format-save"]');
    await waitFor(page, `[...document.querySelectorAll('table.data td')].some((td) => /v1/.test(td.textContent))`);
    await page.waitForSelector('button[name="format-reset"]');
    const stored = (await call(sales.token, 'GET', `/api/tenders/${tenderId}/formats/bid_letter`)).body;
    expect(stored).toMatchObject({ overridden: true, version: 1, body });
    if (SCREENSHOTS) {
      // The editor in view (saving focuses it), with the new wording and the saved state in its heading.
      await page.evaluate(`document.activeElement?.blur(); document.getElementById('toasts')?.replaceChildren()`);
      await page.screenshot({ path: join('docs', 'screenshots', 'tender-formats.png') as `${string}.png` });
    }

    const pkg = await call(sales.token, 'POST', `/api/tenders/${tenderId}/package?wait=true`);
    expect(pkg.status).toBe(201);
    const v1 = pkg.body.versions[0];
    expect(v1.formats).toEqual([expect.objectContaining({ key: 'bid_letter', version: 1 })]);
    const pdf = (await call(sales.token, 'GET', `/api/tenders/${tenderId}/package/file?format=pdf`)).bytes;
    const letter = v1.sections.find((s: { key: string }) => s.key === 'bid_letter');
    const text = await withFiles(
      { 'p.pdf': pdf },
      async (dir) =>
        (
          await tool('pdftotext', [
            '-enc',
            'UTF-8',
            '-f',
            String(letter.firstPage),
            '-l',
            String(letter.lastPage),
            join(dir, 'p.pdf'),
            '-',
          ])
        ).out,
    );
    expect(squash(text)).toContain(squash(WORDING));
    const docx = (await call(sales.token, 'GET', `/api/tenders/${tenderId}/package/file?format=docx`)).bytes;
    expect(squash(pyDocxText(await readDocxWithPython(docx)))).toContain(squash(WORDING));
  }, 180_000);
});
