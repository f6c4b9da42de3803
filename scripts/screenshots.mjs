#!/usr/bin/env node
// Screenshots of the console's main pages at 1366×768 for docs/screenshots/ (`npm run screenshots`).
//
// Builds (unless --no-build), starts `node dist/main.js` on a throw-away embedded database with the demo data,
// adds a few users and records through the API (a contract with its advance payment and a sign-off, a tender
// package generated on a manager's override, a delivery notice when the API has them), signs in through the
// sign-in page as a person would, and saves the PNGs. Chinese text is drawn with the Noto Sans SC font the
// project already ships for its PDFs (node_modules/@expo-google-fonts/noto-sans-sc), so no system CJK font is
// needed. Everything runs on loopback; the temporary folder is removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const VIEWPORT = { width: 1366, height: 768 };
const FONTS = join(ROOT, 'node_modules', '@expo-google-fonts', 'noto-sans-sc');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log('screenshots:', ...a);

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const today = (offset = 0) => {
  const d = new Date(Date.now() + offset * 86_400_000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

async function main() {
  if (!process.argv.includes('--no-build')) {
    log('building dist/ (npm run build)');
    const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0 && !existsSync(join(ROOT, 'dist', 'modules', 'console', 'console.module.js')))
      throw new Error('the build failed');
  }
  const work = await mkdtemp(join(tmpdir(), 'td-screenshots-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const adminToken = `shots-${randomBytes(24).toString('hex')}`;
  let server;
  let browser;
  try {
    server = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? work,
        STORAGE_DIR: join(work, 'storage'),
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_TOKEN: adminToken,
        DEMO_DATA: 'true',
        LOG_LEVEL: 'warn',
        CHROMIUM_PATH: CHROMIUM,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise((r) => server.once('exit', r));
    await waitForService(base, exited);
    log(`service on ${base}`);

    const call = async (token, method, path, body) => {
      const res = await fetch(base + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = await res.json().catch(() => null);
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const user = async (name, roles) =>
      (
        await call(adminToken, 'POST', '/api/users', {
          name,
          roles,
          email: `${name}@huadong-instruments.example`,
          apiToken: true,
        })
      ).token;
    const tokens = {
      backoffice: await user('张敏', ['backoffice']),
      sales: await user('李明', ['sales']),
      finance: await user('刘会计', ['finance']),
      production: await user('陈调度', ['production']),
      manager: await user('王志远', ['manager']),
    };
    // People sign in with a password: each one's set through a reset link, as an administrator would send it.
    const PASSWORD = 'screenshots of the console 2026';
    const names = { backoffice: '张敏', finance: '刘会计', production: '陈调度' };
    for (const key of Object.keys(names)) {
      const { id } = await call(tokens[key], 'GET', '/api/users/me');
      const { invitation } = await call(adminToken, 'POST', `/api/users/${id}/password-reset`, {});
      const link = new URL(invitation.url).hash.slice(1);
      const set = await fetch(`${base}/api/auth/invitations/${encodeURIComponent(link)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ newPassword: PASSWORD }),
      });
      if (!set.ok) throw new Error(`setting ${names[key]}'s password: ${set.status} ${await set.text()}`);
    }

    // Records behind the pages: the sent demo quotation accepted, its contract reviewed, the advance payment in.
    const quotation = (await call(tokens.backoffice, 'GET', '/api/quotations?status=sent')).items[0];
    // Accepted by the back office: the demo quotations belong to the demo sales owner, not to this script's 李明.
    await call(tokens.backoffice, 'POST', `/api/quotations/${quotation.id}/accept`, {});
    const contract = await call(tokens.backoffice, 'POST', '/api/contracts', {
      quotationId: quotation.id,
      signingDate: today(),
      deliveryDate: today(45),
      configuration: [
        { item: '源容器', options: '铅屏蔽，带快门锁' },
        { item: '安装支架', options: 'DN300 管道抱箍式' },
      ],
      specialRequirements: '放射源运输由供方办理准运手续；现场安装前需方提供辐射安全许可证复印件。',
    });
    await call(tokens.backoffice, 'POST', `/api/contracts/${contract.id}/review`, {});
    await call(tokens.finance, 'POST', '/api/payments', {
      customerId: quotation.customer.id,
      contractId: contract.id,
      date: today(),
      amount: '256209.30',
      method: 'bank_transfer',
      nature: 'advance',
      reference: 'HX20260612-0031',
    });
    await waitUntil(async () => {
      const s = await call(tokens.finance, 'GET', `/api/contracts/${contract.id}/contact-sheet`);
      return s.copies.every((c) => c.files.length > 0);
    }, 'the contact sheet copies');
    await call(tokens.finance, 'POST', `/api/contracts/${contract.id}/contact-sheet/sign`, { comment: '预付款已到账' });

    // The demo tender's package, let through by the manager despite its two expired certificates.
    const tender = (await call(tokens.backoffice, 'GET', '/api/tenders')).items[0];
    await call(tokens.backoffice, 'PATCH', `/api/tenders/${tender.id}`, {
      salesOwnerId: (await call(tokens.sales, 'GET', '/api/users/me')).id,
    });
    const job = await call(tokens.manager, 'POST', `/api/tenders/${tender.id}/package`, {
      override: { reason: '换证审核已通过，新证书下周颁发' },
    });
    await waitUntil(
      async () => (await call(tokens.manager, 'GET', `/api/jobs/${job.id}`)).status === 'succeeded',
      'the tender package',
      240_000,
    );

    // A delivery notice before the share due on delivery is paid: let through by the manager.
    const delivery = await call(tokens.manager, 'POST', '/api/deliveries', {
      contractId: contract.id,
      items: [
        { line: 1, qty: '2' },
        { line: 2, qty: '4' },
      ],
      shipDate: today(1),
      estimatedArrival: today(3),
      consignee: '赵志强',
      address: '江苏省苏州市相城区青澜钢铁炼铁厂 3 号仓库',
      contactPhone: '139 1234 5601',
      carrier: '德邦物流',
      licencePlate: '苏E·A1234',
      remarks: '放射源随车附准运证',
      override: { reason: '战略客户，总经理同意先发货，余款月底前付清' },
    });
    await waitUntil(
      async () => (await call(tokens.backoffice, 'GET', `/api/deliveries/${delivery.id}`)).document !== null,
      'the delivery notice',
    );

    // The month's statement run over the customers with a balance (mail goes to STORAGE_DIR/outbox here).
    const run = await call(tokens.finance, 'POST', '/api/statement-runs', { to: today() });
    await waitUntil(
      async () => (await call(tokens.finance, 'GET', `/api/statement-runs/${run.id}`)).status === 'completed',
      'the statement run',
      240_000,
    );

    const expired = (await call(tokens.backoffice, 'GET', '/api/qualifications?status=expired')).items[0];
    const customer = quotation.customer;

    // Chromium with the project's CJK font: fontconfig reads the system fonts and Noto Sans SC.
    const fontconfig = join(work, 'fonts.conf');
    await writeFile(
      fontconfig,
      `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>` +
        `<include ignore_missing="yes">/etc/fonts/fonts.conf</include>` +
        `<dir>${join(FONTS, '400Regular')}</dir><dir>${join(FONTS, '700Bold')}</dir>` +
        `<cachedir>${join(work, 'fontcache')}</cachedir></fontconfig>`,
    );
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--lang=zh-CN',
        '--hide-scrollbars',
      ],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, FONTCONFIG_FILE: fontconfig },
    });
    await mkdir(OUT, { recursive: true });
    const saved = [];

    const session = async (who) => {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport(VIEWPORT);
      await page.goto(`${base}/app`, { waitUntil: 'networkidle0' });
      await page.waitForSelector('input#login');
      if (who) {
        await page.type('input#login', names[who]);
        await page.type('input#password', PASSWORD);
        await page.click('form.signin-form button[type=submit]');
        await page.waitForSelector('header.top [data-user]');
      }
      return page;
    };
    // The browser's PDF viewer paints a document a few seconds after it is shown.
    const pdfInView = async (p) => {
      await p.waitForFunction(`document.querySelector('.preview iframe')?.src.startsWith('blob:')`, {
        timeout: 60_000,
      });
      await p.evaluate(`document.querySelector('.preview').scrollIntoView({ block: 'end' })`);
      await sleep(9000);
    };
    const shot = async (page, name, path, ready = 'main .page h1', settle) => {
      if (path) {
        // A PDF shown inline by the page before can hold up the next navigation: drop its frame first.
        await page.evaluate(`document.querySelectorAll('iframe').forEach((f) => f.remove())`);
        await page.goto(base + path, { waitUntil: 'domcontentloaded' });
      }
      await page.waitForSelector(ready, { timeout: 60_000 });
      if (settle) await settle(page);
      await sleep(400);
      const file = join(OUT, `${name}.png`);
      await page.screenshot({ path: file });
      saved.push(`docs/screenshots/${name}.png`);
      log(`saved ${name}.png`);
    };

    const signin = await session(null);
    await signin.type('input#login', names.backoffice);
    await signin.type('input#password', PASSWORD);
    await shot(signin, '01-signin', null, 'form.signin-form');

    const page = await session('backoffice');
    await shot(page, '02-dashboard', '/app', '.cards table');
    await shot(page, '03-customers', '/app/customers', 'table.data tbody tr a');
    await shot(page, '04-customer', `/app/customers/${customer.id}`, 'section.panel table');
    await shot(page, '05-qualifications', '/app/qualifications', 'tr.row-expired');
    await shot(page, '06-qualification-expired', `/app/qualifications/${expired.id}`, '.dropzone');
    await shot(page, '07-performance', '/app/performance', 'table.data tbody tr a');
    await shot(page, '08-products', '/app/products', 'table.data tbody tr a');
    await shot(page, '09-quotations', '/app/quotations', 'table.data tbody tr a');
    await shot(page, '10-quotation-preview', `/app/quotations/${quotation.id}`, '.totals', async (p) => {
      await p.click('.panel .toolbar .btn-primary');
      await pdfInView(p);
    });
    await shot(page, '11-tender-candidates', `/app/tenders/${tender.id}?tab=candidates`, '.candidate-type table');
    await shot(
      page,
      '12-tender-package',
      `/app/tenders/${tender.id}?tab=package`,
      'button[name=download-pdf-v1]',
      pdfInView,
    );
    await shot(page, '13-new-tender', '/app/tenders/new', '#f-tenderNo');
    await shot(page, '14-contracts', '/app/contracts', 'table.data tbody tr a');
    await shot(page, '15-contract-review', `/app/contracts/${contract.id}?tab=review`, 'table.review');
    await shot(page, '16-contact-sheet', `/app/contracts/${contract.id}?tab=sheet`, '.signoff.done');
    await shot(page, '17-contract-deliveries', `/app/contracts/${contract.id}?tab=deliveries`, '.tab-panel table.data');
    await shot(page, '18-delivery-notice', `/app/deliveries/${delivery.id}`, '.preview iframe', pdfInView);
    await shot(page, '19-payments', '/app/payments', 'table.data tbody tr a');
    await shot(page, '20-receivables', `/app/receivables/customers/${customer.id}`, '.stat');
    await shot(page, '21-import-errors', '/app/customers/import', '.dropzone', async (p) => {
      const sheet = join(work, 'customers.csv');
      await writeFile(
        sheet,
        '\ufeff客户名称,税号,联系人,联系人邮箱\n华东测试客户一,91320500MA1W8K7C2X,赵工,zhao@example.com\n,91320500MA1W8K7C2W,钱工,qian@example.com\n华东测试客户三,12345,孙工,not-an-email\n',
      );
      await (await p.$('.dropzone-wrap input[type=file]')).uploadFile(sheet);
      await p.waitForSelector('.import-errors table');
    });
    await shot(page, '26-import-preview', '/app/customers/import', '.dropzone', async (p) => {
      // An edited export: one customer found by its ID with two cells changed, and a new row.
      const sheet = join(work, 'customers-edited.csv');
      await writeFile(
        sheet,
        `\ufeffID,客户名称,电话,备注\n${customer.id},${customer.name},0512-6655 3021,年底前对账\n,华东测试客户四,0551-6288 1000,\n`,
      );
      await (await p.$('.dropzone-wrap input[type=file]')).uploadFile(sheet);
      await p.waitForSelector('.import-preview table');
    });
    const finance = await session('finance');
    await shot(finance, '24-statement-run', `/app/statement-runs/${run.id}`, '.run-progress');
    await shot(finance, '25-statements', '/app/statements', 'table.data tbody tr a');
    const production = await session('production');
    await shot(production, '22-contract-production', `/app/contracts/${contract.id}`, '.tab-panel table.data');
    await production.click('.lang button[data-lang="en"]');
    await shot(production, '23-english-contact-sheet', `/app/contracts/${contract.id}?tab=sheet`, '.signoff');

    log(`${saved.length} screenshots in docs/screenshots/:\n${saved.join('\n')}`);
  } finally {
    await browser?.close().catch(() => undefined);
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    await rm(work, { recursive: true, force: true });
  }
}

async function waitForService(base, exited) {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (dead) throw new Error('the service exited before it answered');
    try {
      if ((await fetch(`${base}/app`)).ok) return;
    } catch {
      /* not yet */
    }
    await sleep(500);
  }
  throw new Error('the service did not answer within 180 s');
}

async function waitUntil(check, what, timeout = 120_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

main().catch((err) => {
  console.error('screenshots:', err);
  process.exit(1);
});
