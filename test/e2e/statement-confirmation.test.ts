import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import puppeteer, { type Browser, type HTTPResponse, type Page } from 'puppeteer-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { freePort } from '../support/process.js';
import { pdfText, squash } from '../support/tools.js';

/**
 * Issue #7, "Done when: the confirmation page works in a real browser": the app listens on a loopback port, a real
 * headless Chromium opens the links printed on statements, confirms one, disputes another (after a refused form),
 * meets a used, an expired and a made-up link, and never asks anything of another origin.
 */

const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
};
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

describe('the statement confirmation page in a real browser', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let page: Page;
  /** Every request the browser made, from every page of the test. */
  const requests: string[] = [];
  const tokens: Record<string, string> = {};
  let customerA: string;
  let customerB: string;

  const as = (role: string) => ({
    get: (path: string) => t.http().get(path).auth(tokens[role]!, { type: 'bearer' }),
    post: (path: string) => t.http().post(path).auth(tokens[role]!, { type: 'bearer' }),
    put: (path: string) => t.http().put(path).auth(tokens[role]!, { type: 'bearer' }),
  });
  /** Issued and mailed to the billing contact (unless `sendToBilling: false`): the code comes only in that mail. */
  const issue = async (customerId: string, body: Record<string, unknown>) => {
    const res = await as('finance')
      .post(`/api/customers/${customerId}/statements`)
      .send({ sendToBilling: true, ...body });
    expect(res.status).toBe(201);
    const id = res.body.statement.id as string;
    return {
      id,
      number: res.body.statement.number as string,
      url: res.body.confirmationUrl as string,
      code: body.sendToBilling === false ? null : await mailedCode(id),
      issued: JSON.stringify(res.body),
    };
  };
  /** The confirmation code as the statement mail carries it (the outbox message, as written for sending). */
  const mailedCode = async (statementId: string): Promise<string> => {
    const [mail] = await t.db.query<{ text: string }>(
      "SELECT text FROM outbox_messages WHERE subject_type = 'statement' AND subject_id = $1",
      [statementId],
    );
    const code = /(?:确认码：|confirmation code: |código de confirmación: )(\d{4} \d{4})/.exec(mail!.text)?.[1];
    expect(code).toBeDefined();
    return code!;
  };
  const postJson = (url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const open = async (url: string): Promise<HTTPResponse> => {
    const res = await page.goto(url, { waitUntil: 'load' });
    if (!res) throw new Error(`no response for ${url}`);
    return res;
  };
  const text = () =>
    page.evaluate(
      () => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText,
    );
  const statementRow = async (id: string) =>
    (
      await t.db.query<{ response_status: string; response: Record<string, unknown> | null }>(
        'SELECT response_status, response FROM statements WHERE id = $1',
        [id],
      )
    )[0]!;
  const submit = async () => {
    const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#submit')]);
    if (!res) throw new Error('the form submitted to nothing');
    return res;
  };

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await startTestApp('stmtconfirm', {
      PUBLIC_URL: origin,
      TRUST_PROXY: 'loopback',
      STATEMENT_CODE_ATTEMPTS: '3',
    });
    await t.app.listen(port, '127.0.0.1');
    for (const role of ['backoffice', 'finance', 'manager']) tokens[role] = (await t.userWith([role])).token;
    expect((await as('backoffice').put('/api/company').send(PROFILE)).status).toBe(200);
    const customer = async (name: string) => {
      const res = await as('backoffice')
        .post('/api/customers')
        .send({ name, contacts: [{ name: '财务', email: 'ap@example.cn', billing: true }] });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    customerA = await customer('青澜钢铁集团有限公司');
    customerB = await customer('华东海晟石化有限公司');
    // Customer A owes 113,000.00 − 60,000.00 = 53,000.00 (contract signed 2026-03-02, half due 30 days later).
    const contract = await as('backoffice')
      .post('/api/contracts')
      .send({
        customerId: customerA,
        projectName: '炼铁厂高炉煤气流量计改造',
        signingDate: '2026-03-02',
        lines: [{ name: '电磁流量计成套', unit: '套', qty: '1', unitPrice: '100000', taxRate: '13' }],
        paymentTerms: [
          { percent: '50', event: 'contract_signed', days: 0 },
          { percent: '50', event: 'contract_signed', days: 30 },
        ],
      });
    expect(contract.status).toBe(201);
    await as('backoffice').post(`/api/contracts/${contract.body.id}/review`);
    expect(
      (await as('manager').post(`/api/contracts/${contract.body.id}/approve`).send({ reason: '框架协议' })).body.status,
    ).toBe('approved');
    const paid = await as('finance').post('/api/payments').send({
      customerId: customerA,
      contractId: contract.body.id,
      date: '2026-03-10',
      amount: '60000.00',
      method: 'bank_transfer',
      nature: 'progress',
      reference: 'BK-0310',
    });
    expect(paid.status).toBe(201);

    browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    page = await browser.newPage();
    page.on('request', (r) => {
      requests.push(r.url());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the statement, and a confirmation is recorded, audited and shown on the statement', async () => {
    const s = await issue(customerA, { asOf: '2026-06-30' });
    expect(s.url.startsWith(`${origin}/statements/confirm/`)).toBe(true);
    const res = await open(s.url);
    expect(res.status()).toBe(200);
    expect(res.headers()).toMatchObject(PAGE_HEADERS);
    const shown = await text();
    for (const expected of [
      '华东智能仪表有限公司',
      '青澜钢铁集团有限公司',
      s.number,
      '¥113,000.00',
      '¥60,000.00',
      '¥53,000.00',
      '伍万叁仟元整',
      '炼铁厂高炉煤气流量计改造',
      '逾期61–90天',
    ])
      expect({ expected, shown: shown.includes(expected) }).toEqual({ expected, shown: true });
    expect(await page.$eval('#closing', (el) => el.textContent)).toBe('¥53,000.00');
    expect(shown).not.toContain('华东海晟石化有限公司');
    // Aging on 2026-06-30: the payment paid the first half (due 03-02); 53,000.00 of the second half, due 04-01,
    // is 90 days late: 61-90.
    const view = (await as('finance').get(`/api/statements/${s.id}`)).body;
    expect(view.figures.aging).toMatchObject({ days61to90: '53000.00', over90: '0.00', notDue: '0.00' });
    expect(await page.$eval('#aging', (el) => el.textContent)).toContain('¥53,000.00');

    // The PDF behind the page's link.
    const href = await page.$eval('#pdf', (a) => (a as unknown as { href: string }).href);
    expect(href).toBe(`${s.url}/pdf`);
    const pdf = await fetch(href);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const printed = squash(await pdfText(Buffer.from(await pdf.arrayBuffer())));
    expect(printed).toContain(squash(s.url));
    // What answers for the customer is not on the statement, nor in what the API gave the office.
    const digits = s.code!.replace(' ', '');
    expect(printed).not.toContain(digits);
    expect(printed).not.toContain(squash(s.code!));
    expect(s.issued).not.toContain(digits);
    expect(JSON.stringify((await as('finance').get(`/api/statements/${s.id}`)).body)).not.toContain(digits);
    expect(shown).not.toContain(digits);

    await page.click('#action-confirm');
    await page.type('#name', '钱会计');
    await page.type('#code', s.code!);
    const thanks = await submit();
    expect(thanks.status()).toBe(200);
    expect(thanks.headers()).toMatchObject(PAGE_HEADERS);
    expect(await text()).toContain(`您已确认对账单 ${s.number} 的期末余额 ¥53,000.00`);

    const after = (await as('finance').get(`/api/statements/${s.id}`)).body;
    expect(after.response).toMatchObject({
      status: 'confirmed',
      detail: {
        status: 'confirmed',
        amount: null,
        reason: null,
        name: '钱会计',
        ip: expect.any(String),
        userAgent: expect.stringContaining('Chrome'),
      },
    });
    const audit = await t.db.query(
      "SELECT actor_id, actor_name, details FROM audit_log WHERE action = 'statement.confirm' AND entity_id = $1",
      [s.id],
    );
    expect(audit).toEqual([
      {
        actor_id: null,
        actor_name: 'customer: 钱会计',
        details: expect.objectContaining({ number: s.number, name: '钱会计' }),
      },
    ]);
    expect(
      (await as('finance').get('/api/statements?responseStatus=confirmed')).body.items.map((x: { id: string }) => x.id),
    ).toEqual([s.id]);

    // The used link: when and how it was answered, no figures.
    const used = await open(s.url);
    expect(used.status()).toBe(409);
    const usedText = await text();
    expect(usedText).toContain('已确认');
    expect(usedText).toContain(s.number);
    expect(usedText).not.toMatch(/¥|53,000|伍万|青澜/);
    expect((await fetch(`${s.url}/pdf`)).status).toBe(409);
    // Answering again (the form, or JSON) changes nothing.
    const again = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'dispute', amount: '1.00', reason: 'x', name: 'y' }),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('STATEMENT_ALREADY_ANSWERED');
    expect((await statementRow(s.id)).response).toMatchObject({ status: 'confirmed', name: '钱会计' });
  }, 120_000);

  it('refuses a dispute without a reason (the page again, nothing recorded), then records the dispute', async () => {
    const s = await issue(customerA, { asOf: '2026-06-30', locale: 'en' });
    expect((await open(s.url)).status()).toBe(200);
    expect(await text()).toContain('Statement confirmation');
    await page.click('#action-dispute');
    await page.type('#amount', '¥ 46,800.00');
    await page.type('#name', 'Qian Kuaiji');
    await page.type('#code', s.code!);
    const refused = await submit();
    expect(refused.status()).toBe(400);
    expect(await page.$eval('#errors', (el) => el.textContent)).toContain('Reason is required');
    // What was typed is kept.
    expect(await page.$eval('#amount', (el) => (el as unknown as { value: string }).value)).toBe('¥ 46,800.00');
    expect(await page.$eval('#action-dispute', (el) => (el as unknown as { checked: boolean }).checked)).toBe(true);
    expect(await statementRow(s.id)).toEqual({ response_status: 'pending', response: null });
    expect(await t.db.query("SELECT id FROM audit_log WHERE action = 'statement.dispute'")).toEqual([]);

    await page.type('#reason', 'The advance of 6,200.00 paid on 2026-06-28 is missing.');
    // The code is never filled in again; a wrong one is refused like any other mistake, and nothing is recorded.
    expect(await page.$eval('#code', (el) => (el as unknown as { value: string }).value)).toBe('');
    const wrongCode = s.code === '0000 0000' ? '1111 1111' : '0000 0000';
    await page.type('#code', wrongCode);
    const wrong = await submit();
    expect(wrong.status()).toBe(400);
    expect(await page.$eval('#errors', (el) => el.textContent)).toContain(
      'Confirmation code does not match the code in the statement e-mail',
    );
    expect(await statementRow(s.id)).toEqual({ response_status: 'pending', response: null });
    await page.type('#code', s.code!);
    const done = await submit();
    expect(done.status()).toBe(200);
    expect(await text()).toContain(
      `You have disputed statement ${s.number} (the balance you believe is right: ¥46,800.00)`,
    );
    const view = (await as('finance').get(`/api/statements/${s.id}`)).body;
    expect(view.response).toMatchObject({
      status: 'disputed',
      detail: {
        status: 'disputed',
        amount: '46800.00',
        reason: 'The advance of 6,200.00 paid on 2026-06-28 is missing.',
        name: 'Qian Kuaiji',
      },
    });
    const audit = await t.db.query(
      "SELECT actor_id, actor_name, details FROM audit_log WHERE action = 'statement.dispute' AND entity_id = $1",
      [s.id],
    );
    expect(audit).toEqual([
      {
        actor_id: null,
        actor_name: 'customer: Qian Kuaiji',
        details: expect.objectContaining({ amount: '46800.00', closingBalance: '53000.00' }),
      },
    ]);
    const used = await open(s.url);
    expect(used.status()).toBe(409);
    expect(await text()).toContain('(disputed)');
  }, 120_000);

  it('speaks Spanish on a Spanish statement and reads the disputed balance as a Spanish reader types it', async () => {
    const s = await issue(customerA, { asOf: '2026-07-31', locale: 'es' });
    expect((await open(s.url)).status()).toBe(200);
    const shown = await text();
    expect(shown).toContain('Confirmación del estado de cuenta');
    expect(shown).toMatch(/53\.000,00\sCNY/);
    expect(shown).toContain('31 de julio de 2026');
    await page.click('#action-dispute');
    await page.type('#amount', '46.800,00');
    await page.type('#reason', 'Falta el anticipo de 6.200,00 pagado el 28/06/2026.');
    await page.type('#name', 'Carmen Ruiz');
    await page.type('#code', s.code!);
    const done = await submit();
    expect(done.status()).toBe(200);
    expect(await text()).toMatch(
      new RegExp(`Ha impugnado el estado de cuenta ${s.number} \\(el saldo que considera correcto: 46\\.800,00\\sCNY\\)`),
    );
    // 46.800,00 is forty-six thousand eight hundred, not 46.80
    const view = (await as('finance').get(`/api/statements/${s.id}`)).body;
    expect(view.response).toMatchObject({ status: 'disputed', detail: { amount: '46800.00', name: 'Carmen Ruiz' } });
  }, 120_000);

  it('shows an expired link as expired, with whom to contact and no figures, and accepts no answer', async () => {
    const s = await issue(customerB, { asOf: '2026-06-30' });
    await t.db.query("UPDATE statements SET token_expires_at = now() - interval '1 minute' WHERE id = $1", [s.id]);
    const res = await open(s.url);
    expect(res.status()).toBe(410);
    expect(res.headers()).toMatchObject(PAGE_HEADERS);
    const shown = await text();
    expect(shown).toContain('此确认链接已过期');
    expect(shown).toContain('华东智能仪表有限公司');
    expect(shown).toContain('0512-6688 1200');
    expect(shown).not.toMatch(/¥|华东海晟|DZ\d{4}/);
    const posted = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'confirm', name: '孙经理', code: s.code! }).toString(),
    });
    expect(posted.status).toBe(410);
    expect(await statementRow(s.id)).toEqual({ response_status: 'pending', response: null });
  }, 60_000);

  it('answers a made-up link with a not-valid page that says nothing else', async () => {
    for (const token of [randomBytes(32).toString('base64url'), 'not-a-token', `${'A'.repeat(43)}`]) {
      const res = await open(`${origin}/statements/confirm/${token}`);
      expect({ token, status: res.status() }).toEqual({ token, status: 404 });
      expect(res.headers()).toMatchObject(PAGE_HEADERS);
      const shown = await text();
      expect(shown).toContain('This statement confirmation link is not valid');
      expect(shown).not.toMatch(/¥|青澜|华东|DZ\d{4}/);
    }
  }, 60_000);

  it('refuses an answer from whoever holds only the statement (its printed link): the mailed code is needed', async () => {
    const s = await issue(customerB, { asOf: '2026-06-30' });
    // Without a code: refused as incomplete.
    const none = await postJson(s.url, { action: 'confirm', name: '冒充者' });
    expect(none.status).toBe(400);
    expect(
      ((await none.json()) as { error: { details: { fields: { field: string }[] } } }).error.details.fields,
    ).toEqual([expect.objectContaining({ field: 'code' })]);
    // Guessing: each wrong code uses one of the statement's 3 attempts; then even the right code is refused.
    const wrong = s.code === '0000 0000' ? '1111 1111' : '0000 0000';
    const lefts = [];
    for (let i = 0; i < 3; i++) {
      const res = await postJson(s.url, { action: 'confirm', name: '冒充者', code: wrong });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { code: string; details: { attemptsLeft: number } } };
      expect(body.error.code).toBe('STATEMENT_CODE_INVALID');
      lefts.push(body.error.details.attemptsLeft);
    }
    expect(lefts).toEqual([2, 1, 0]);
    const locked = await postJson(s.url, { action: 'confirm', name: '冒充者', code: s.code! });
    expect(locked.status).toBe(403);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('STATEMENT_CODE_LOCKED');
    expect(await statementRow(s.id)).toEqual({ response_status: 'pending', response: null });
    expect(
      await t.db.query(
        "SELECT id FROM audit_log WHERE action IN ('statement.confirm', 'statement.dispute') AND entity_id = $1",
        [s.id],
      ),
    ).toEqual([]);
    // The page still shows the statement, with whom to call instead of the form; the office sees the attempts.
    expect((await open(s.url)).status()).toBe(200);
    expect(await text()).toContain('确认码错误次数过多');
    expect(await page.$('form')).toBeNull();
    expect((await as('finance').get(`/api/statements/${s.id}`)).body.confirmationCode).toEqual({
      sent: true,
      attempts: 3,
      attemptsAllowed: 3,
    });
  }, 60_000);

  it('records the real client address behind a trusted proxy and the user agent with the answer', async () => {
    const s = await issue(customerB, { asOf: '2026-06-30' });
    const res = await postJson(
      s.url,
      { action: 'confirm', name: '孙经理', code: s.code! },
      { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'Mozilla/5.0 (Test) Outlook' },
    );
    expect(res.status).toBe(200);
    const row = await statementRow(s.id);
    expect(row.response).toMatchObject({
      status: 'confirmed',
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0 (Test) Outlook',
    });
    const [audit] = await t.db.query<{ details: Record<string, unknown> }>(
      "SELECT details FROM audit_log WHERE action = 'statement.confirm' AND entity_id = $1",
      [s.id],
    );
    expect(audit!.details).toMatchObject({ ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (Test) Outlook' });
    expect(JSON.stringify(audit!.details)).not.toContain(s.code!.replace(' ', ''));
  }, 60_000);

  it('cannot be answered online when the statement was not mailed (no code exists)', async () => {
    const s = await issue(customerB, { asOf: '2026-06-30', sendToBilling: false });
    expect((await as('finance').get(`/api/statements/${s.id}`)).body.confirmationCode).toMatchObject({ sent: false });
    expect((await open(s.url)).status()).toBe(200);
    expect(await text()).toContain('此对账单未通过邮件发送确认码，无法在线答复');
    expect(await page.$('form')).toBeNull();
    const res = await postJson(s.url, { action: 'confirm', name: '孙经理', code: '1234 5678' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STATEMENT_CODE_NOT_SENT');
    expect(await statementRow(s.id)).toEqual({ response_status: 'pending', response: null });
  }, 60_000);

  it('made no request outside the service', () => {
    expect(requests.length).toBeGreaterThan(8);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`))).toEqual([]);
  });
});
