import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser, type ParsedMail } from 'mailparser';
import { toChineseCapital } from '../../src/common/chinese-numerals.js';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtp, until, type ControlledSmtp } from '../support/faults.js';
import { tableChecksums } from '../support/table-checksums.js';
import { pdfText, squash, tool, withFiles } from '../support/tools.js';

/**
 * Issue #21, dunning letters (催款函): one letter per customer listing every overdue share with its age, the total in
 * figures and in 大写, at the level the oldest item's age calls for (friendly ≥ 1, firm ≥ 31, final ≥ 61 days by
 * default; DUNNING_LEVEL_DAYS changes them); signed PDF + DOCX; mailed to the billing contact with the letter and the
 * current statement attached, Cc the sales owner (a real SMTP server, the MIME parsed); once per customer, level
 * and day.
 *
 * Contracts are signed N days before today, so each customer's oldest item is N days overdue whatever day it runs:
 *   A (billing e-mail, sales owner S1): contract 100000.00 signed 10 days ago, 30% at signing (paid 10000.00:
 *     20000.00 left, 10 days overdue) and 70% before delivery (planned 4 days ago: 70000.00, 4 days overdue), one
 *     invoice on it -> friendly, total 90000.00 (玖万元整)
 *   B (billing e-mail, S1): 45000.00 at signing 45 days ago -> firm
 *   C (no billing e-mail, S1): 8800.50 at signing 100 days ago -> final, issued but not mailed (NO_BILLING_EMAIL)
 *   D (S1): signed today, due in 30 days -> nothing overdue (409)
 *   E (billing e-mail, sales owner S2): 5000.00 at signing 20 days ago -> friendly; S1 may not read its letter
 */

const BILLING_A = 'caiwu@qinglan-steel.example';
const BILLING_B = 'ap@haisheng-petro.example';
const BILLING_E = 'finance@dongyue-chem.example';
const BILLING_F = 'ar@new-overdue.example';
const OWNER_1 = 'li.yewu@tenderdesk.example';
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

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const yuan = (amount: string) =>
  `¥${Number(amount.split('.')[0]).toLocaleString('en-US')}.${amount.split('.')[1] ?? '00'}`;

interface World {
  t: TestApp;
  tokens: Record<string, string>;
  ids: Record<string, string>;
}

async function world(label: string, env: Record<string, string>): Promise<World> {
  const t = await startTestApp(label, env);
  const tokens: Record<string, string> = { admin: t.adminToken };
  const ids: Record<string, string> = {};
  for (const role of ['backoffice', 'finance', 'manager', 'production'])
    tokens[role] = (await t.userWith([role])).token;
  for (const name of ['sales1', 'sales2']) {
    const u = await t.userWith(['sales'], name === 'sales1' ? '李业务' : '周业务');
    tokens[name] = u.token;
    ids[name] = u.id;
  }
  await t.db.query('UPDATE users SET email = $1 WHERE id = $2', [OWNER_1, ids.sales1]);
  const put = await t.http().put('/api/company').auth(tokens.backoffice!, { type: 'bearer' }).send(PROFILE);
  expect(put.status).toBe(200);
  return { t, tokens, ids };
}

function caller(w: World, role: string) {
  const token = w.tokens[role]!;
  return {
    get: (path: string) => w.t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string) => w.t.http().post(path).auth(token, { type: 'bearer' }),
    put: (path: string) => w.t.http().put(path).auth(token, { type: 'bearer' }),
    file: (path: string) => w.t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
  };
}

async function customer(w: World, name: string, owner: string, email: string | null): Promise<string> {
  const res = await caller(w, 'backoffice')
    .post('/api/customers')
    .send({
      name,
      salesOwnerId: w.ids[owner],
      contacts: email ? [{ name: '会计', email, billing: true }] : [{ name: '采购', phone: '0512-1' }],
    });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A contract by hand (one line at `total`, no VAT), approved by a manager after its review fails on `quotation`. */
async function contract(
  w: World,
  customerId: string,
  signingDate: string,
  total: string,
  paymentTerms: Record<string, unknown>[],
  deliveryDate: string | null = null,
): Promise<{ id: string; number: string }> {
  const res = await caller(w, 'backoffice')
    .post('/api/contracts')
    .send({
      customerId,
      projectName: `项目 ${total}`,
      signingDate,
      lines: [{ name: '设备', unit: '套', qty: '1', unitPrice: total, taxRate: '0' }],
      paymentTerms,
      deliveryDate,
    });
  expect([res.status, res.body.total]).toEqual([201, total]);
  expect((await caller(w, 'backoffice').post(`/api/contracts/${res.body.id}/review`)).body.status).toBe(
    'review_failed',
  );
  const ok = await caller(w, 'manager')
    .post(`/api/contracts/${res.body.id}/approve`)
    .send({ reason: '手工合同，已核对' });
  expect(ok.body.status).toBe('approved');
  return { id: res.body.id as string, number: res.body.number as string };
}

/** Every mail sent and every job done: what a refused request is compared against must not move by itself. */
async function settled(w: World): Promise<void> {
  await until(
    'the outbox and the jobs at rest',
    async () =>
      w.t.db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM outbox_messages WHERE status IN ('queued', 'sending'))::int +
                (SELECT count(*) FROM jobs WHERE status IN ('queued', 'running', 'retrying'))::int AS n`,
      ),
    (rows) => rows[0]!.n === 0,
    60_000,
  );
}

const atSigning = (percent: string) => ({ percent, event: 'contract_signed', days: 0 });
const daysAgo = (n: number) => addDays(todayIso(), -n);

describe('dunning letters', () => {
  let w: World;
  let smtp: ControlledSmtp;
  const customers: Record<string, string> = {};
  const contracts: Record<string, { id: string; number: string }> = {};
  const letters: Record<string, { id: string; number: string }> = {};

  const as = (role: string) => caller(w, role);

  beforeAll(async () => {
    smtp = await startSmtp();
    w = await world('dunning', { SMTP_URL: smtp.url, MAIL_RETRY_DELAY_SECONDS: '1' });
    customers.A = await customer(w, '青澜钢铁集团有限公司', 'sales1', BILLING_A);
    customers.B = await customer(w, '海晟石化有限公司', 'sales1', BILLING_B);
    customers.C = await customer(w, '无账务联系人有限公司', 'sales1', null);
    customers.D = await customer(w, '按期付款有限公司', 'sales1', 'ap@on-time.example');
    customers.E = await customer(w, '东岳化工有限公司', 'sales2', BILLING_E);
    contracts.A = await contract(
      w,
      customers.A,
      daysAgo(10),
      '100000.00',
      [atSigning('30'), { percent: '70', event: 'before_delivery' }],
      daysAgo(4),
    );
    contracts.B = await contract(w, customers.B, daysAgo(45), '45000.00', [atSigning('100')]);
    contracts.C = await contract(w, customers.C, daysAgo(100), '8800.50', [atSigning('100')]);
    contracts.D = await contract(w, customers.D, todayIso(), '12000.00', [
      { percent: '100', event: 'contract_signed', days: 30 },
    ]);
    contracts.E = await contract(w, customers.E, daysAgo(20), '5000.00', [atSigning('100')]);
    const paid = await as('finance')
      .post('/api/payments')
      .send({
        customerId: customers.A,
        contractId: contracts.A.id,
        date: daysAgo(5),
        amount: '10000.00',
        method: 'bank_transfer',
        nature: 'progress',
        reference: 'BANK-A1',
      });
    expect(paid.status).toBe(201);
    const invoice = await as('finance')
      .post('/api/invoices')
      .send({
        number: 'FP-0412-A',
        customerId: customers.A,
        contractId: contracts.A.id,
        date: daysAgo(9),
        amount: '30000.00',
        tax: '3451.33',
      });
    expect(invoice.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await w?.t.close();
    await smtp?.stop();
  });

  it('issues the friendly letter to A and mails it with the letter and the current statement attached, Cc the sales owner', async () => {
    const res = await as('finance').post('/api/dunning/letters').send({ customerId: customers.A });
    expect([res.status, res.body.error?.code]).toEqual([201, undefined]);
    const letter = res.body.letter;
    letters.A = letter;
    expect(res.body.created).toBe(true);
    expect(letter).toMatchObject({
      level: 'friendly',
      total: '90000.00',
      currency: 'CNY',
      maxDaysOverdue: 10,
      mailSkipReason: null,
      customer: { id: customers.A, name: '青澜钢铁集团有限公司' },
    });
    expect(letter.number).toMatch(/^CS\d{4}-\d{5}$/);
    expect(
      letter.items.map((i: { share: number; daysOverdue: number; outstanding: string; invoices: string[] }) => [
        i.share,
        i.daysOverdue,
        i.outstanding,
        i.invoices,
      ]),
    ).toEqual([
      [1, 10, '20000.00', ['FP-0412-A']],
      [2, 4, '70000.00', ['FP-0412-A']],
    ]);
    expect(letter.statementId).toEqual(expect.any(String));

    const mail = await until(
      'the dunning mail',
      async () => smtp.received.filter((m) => m.rcptTo.includes(BILLING_A)),
      (m) => m.length > 0,
      60_000,
    );
    expect(mail).toHaveLength(1);
    expect(mail[0]!.rcptTo.sort()).toEqual([BILLING_A, OWNER_1].sort());
    const parsed: ParsedMail = await simpleParser(mail[0]!.raw);
    const addresses = (field: ParsedMail['to']) =>
      [field]
        .flat()
        .flatMap((a) => a?.value ?? [])
        .map((v) => v.address);
    expect(addresses(parsed.to)).toEqual([BILLING_A]);
    expect(addresses(parsed.cc)).toEqual([OWNER_1]);
    expect(parsed.subject).toContain('温馨提示');
    expect(parsed.subject).toContain(letter.number);
    expect(parsed.text).toContain('¥90,000.00');
    expect(parsed.attachments.map((a) => [a.contentType, a.filename])).toEqual([
      ['application/pdf', `催款函-${letter.number}.pdf`],
      ['application/pdf', expect.stringMatching(/^对账单-DZ\d{4}-\d{5}\.pdf$/)],
    ]);

    // The letter attached is the stored signed PDF.
    const pdf = (await as('finance').file(`/api/dunning/letters/${letter.id}/file?format=pdf`)).body as Buffer;
    expect(Buffer.compare(parsed.attachments[0]!.content, pdf)).toBe(0);
    // The statement attached is the statement the letter names, as of today.
    const statement = await as('finance').get(`/api/statements/${letter.statementId}`);
    expect(statement.body).toMatchObject({ period: { from: null, to: todayIso() }, closingBalance: '90000.00' });
    expect(parsed.attachments[1]!.filename).toBe(`对账单-${statement.body.number}.pdf`);
    const statementText = squash(await pdfText(parsed.attachments[1]!.content));
    expect(statementText).toContain('对账单');
    expect(statementText).toContain(statement.body.number);
    // Not mailed by itself: the dunning mail is the only one to A.
    expect(statement.body.mail).toEqual([]);

    const view = await until(
      'the mail status',
      async () => (await as('sales1').get(`/api/dunning/letters/${letter.id}`)).body,
      (v) => v.mail?.[0]?.status === 'sent',
      60_000,
    );
    expect(view.mail).toEqual([expect.objectContaining({ to: [BILLING_A], cc: [OWNER_1], status: 'sent' })]);
    const [row] = await w.t.db.query<{ outbox_message_id: string; level: string }>(
      'SELECT outbox_message_id, level FROM dunning_letters WHERE id = $1',
      [letter.id],
    );
    expect(row).toEqual({ outbox_message_id: view.mail[0].id, level: 'friendly' });
    const audit = await w.t.db.query(
      "SELECT action FROM audit_log WHERE entity_type = 'dunning-letter' AND entity_id = $1",
      [letter.id],
    );
    expect(audit).toEqual([{ action: 'dunning.issue' }]);
  }, 180_000);

  it('prints every overdue item, the total and its 大写 in the signed PDF, and the same in the DOCX', async () => {
    const pdf = (await as('sales1').file(`/api/dunning/letters/${letters.A!.id}/file?format=pdf`)).body as Buffer;
    const text = squash(await pdfText(pdf));
    expect(text).toContain('温馨提示');
    expect(text).toContain(letters.A!.number);
    expect(text).toContain(contracts.A!.number);
    for (const s of [
      yuan('20000.00'),
      yuan('70000.00'),
      yuan('90000.00'),
      daysAgo(10),
      daysAgo(4),
      'FP-0412-A',
      '1102 0206 0900 0088 123',
    ]) {
      expect({ s, found: text.includes(squash(s)) }).toEqual({ s, found: true });
    }
    expect(toChineseCapital('90000.00')).toBe('玖万元整');
    expect(text).toContain('玖万元整');
    const sig = await withFiles({ 'l.pdf': pdf }, (dir) => tool('pdfsig', [join(dir, 'l.pdf')]));
    expect(sig.out).toContain('Signature is Valid.');

    const docx = (await as('finance').file(`/api/dunning/letters/${letters.A!.id}/file?format=docx`)).body as Buffer;
    const docText = squash(pyDocxText(await readDocxWithPython(docx)));
    for (const s of [
      '温馨提示',
      letters.A!.number,
      contracts.A!.number,
      yuan('20000.00'),
      yuan('70000.00'),
      '玖万元整',
    ]) {
      expect({ s, found: docText.includes(squash(s)) }).toEqual({ s, found: true });
    }
  }, 120_000);

  it('chooses the firm and the final level by the oldest item’s age, and issues without mailing when there is no billing e-mail', async () => {
    const b = await as('backoffice').post('/api/dunning/letters').send({ customerId: customers.B });
    expect([b.status, b.body.letter?.level, b.body.letter?.total]).toEqual([201, 'firm', '45000.00']);
    letters.B = b.body.letter;
    const c = await as('manager').post('/api/dunning/letters').send({ customerId: customers.C });
    expect([c.status, c.body.letter?.level, c.body.letter?.total]).toEqual([201, 'final', '8800.50']);
    expect(c.body.letter).toMatchObject({ mailSkipReason: 'NO_BILLING_EMAIL', mail: [], statementId: null });
    letters.C = c.body.letter;
    const text = squash(await pdfText((await as('finance').file(`/api/dunning/letters/${letters.C!.id}/file`)).body));
    expect(text).toContain('最后催告函');
    expect(text).toContain(toChineseCapital('8800.50'));

    const mail = await until(
      "B's mail",
      async () => smtp.received.filter((m) => m.rcptTo.includes(BILLING_B)),
      (m) => m.length > 0,
      60_000,
    );
    const parsed = await simpleParser(mail[0]!.raw);
    expect(parsed.subject).toContain('催款通知');
    expect(parsed.attachments).toHaveLength(2);
    expect(squash(await pdfText(parsed.attachments[0]!.content))).toContain('催款通知');

    // The list: each overdue customer with the level due, the last letter, the total; C with why it is not mailed.
    const list = await as('finance').get('/api/dunning');
    expect(list.status).toBe(200);
    const entry = (id: string) => list.body.customers.find((e: { customer: { id: string } }) => e.customer.id === id);
    expect(list.body.thresholds).toEqual({ friendly: 1, firm: 31, final: 61 });
    expect(entry(customers.A!)).toMatchObject({
      levelDue: 'friendly',
      issuedToday: true,
      total: '90000.00',
      lastLetter: { id: letters.A!.id, level: 'friendly', issuedOn: todayIso() },
      mailSkipReason: null,
    });
    expect(entry(customers.B!)).toMatchObject({ levelDue: 'firm', lastLetter: { id: letters.B!.id } });
    expect(entry(customers.C!)).toMatchObject({
      levelDue: 'final',
      lastLetter: { id: letters.C!.id, level: 'final' },
      billingEmail: null,
      mailSkipReason: 'NO_BILLING_EMAIL',
    });
    expect(entry(customers.E!)).toMatchObject({ levelDue: 'friendly', lastLetter: null, issuedToday: false });
    expect(entry(customers.D!)).toBeUndefined();
    // A sales user lists their own customers only.
    const own = await as('sales2').get('/api/dunning');
    expect(own.body.customers.map((e: { customer: { id: string } }) => e.customer.id)).toEqual([customers.E]);
  }, 180_000);

  it('does not issue or mail twice the same day', async () => {
    const before = await w.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents');
    const again = await as('finance').post('/api/dunning/letters').send({ customerId: customers.A });
    expect([again.status, again.body.created, again.body.letter.id]).toEqual([200, false, letters.A!.id]);
    const rows = await w.t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox_messages WHERE subject_type = 'dunning-letter' AND subject_id = $1",
      [letters.A!.id],
    );
    expect(rows[0]!.n).toBe(1);
    const letterRows = await w.t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dunning_letters WHERE customer_id = $1',
      [customers.A],
    );
    expect(letterRows[0]!.n).toBe(1);
    expect(await w.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents')).toEqual(before);
    expect(smtp.received.filter((m) => m.rcptTo.includes(BILLING_A))).toHaveLength(1);
  });

  it('answers 409 for a customer with nothing overdue, and writes nothing', async () => {
    await settled(w);
    const before = await tableChecksums(w.t.db);
    const res = await as('finance').post('/api/dunning/letters').send({ customerId: customers.D });
    expect([res.status, res.body.error?.code]).toEqual([409, 'DUNNING_NOTHING_OVERDUE']);
    expect(await tableChecksums(w.t.db)).toEqual(before);
  });

  it("refuses a sales user's issuing, another owner's letter and production, and writes nothing", async () => {
    const e = await as('finance').post('/api/dunning/letters').send({ customerId: customers.E });
    expect([e.status, e.body.letter?.level]).toEqual([201, 'friendly']);
    await settled(w);
    const before = await tableChecksums(w.t.db);
    const sales = await as('sales1').post('/api/dunning/letters').send({ customerId: customers.B });
    expect([sales.status, sales.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    const other = await as('sales1').get(`/api/dunning/letters/${e.body.letter.id}`);
    expect([other.status, other.body.error?.code]).toEqual([403, 'NOT_YOUR_RECORD']);
    const otherFile = await as('sales1').get(`/api/dunning/letters/${e.body.letter.id}/file`);
    expect([otherFile.status, otherFile.body.error?.code]).toEqual([403, 'NOT_YOUR_RECORD']);
    for (const [method, path] of [
      ['get', '/api/dunning'],
      ['get', `/api/dunning/letters/${letters.A!.id}`],
      ['post', '/api/dunning/letters'],
      ['post', '/api/dunning/run'],
    ] as const) {
      const res =
        method === 'get'
          ? await as('production').get(path)
          : await as('production').post(path).send({ customerId: customers.B });
      expect([path, res.status, res.body.error?.code]).toEqual([path, 403, 'FORBIDDEN']);
    }
    expect(await tableChecksums(w.t.db)).toEqual(before);
    // The owner reads it.
    expect((await as('sales2').get(`/api/dunning/letters/${e.body.letter.id}`)).status).toBe(200);
  });

  it('runs the letters due as a job: the one customer without today’s letter gets it, the others nothing again', async () => {
    const f = await customer(w, '新逾期客户有限公司', 'sales1', BILLING_F);
    await contract(w, f, daysAgo(70), '3000.00', [atSigning('100')]);
    await settled(w);
    const mailsBefore = smtp.received.length;
    const started = await as('manager').post('/api/dunning/run').send({});
    expect([started.status, started.body.name]).toEqual([202, 'dunning.run']);
    const job = await until(
      'the dunning run',
      async () => (await as('manager').get(`/api/jobs/${started.body.id}`)).body,
      (j) => j.status === 'succeeded' || j.status === 'failed',
      120_000,
    );
    expect(job).toMatchObject({ status: 'succeeded', result: { issued: 1, existing: 4, failed: 0 } });
    const rows = await w.t.db.query<{ customer_id: string; level: string }>(
      'SELECT customer_id, level FROM dunning_letters ORDER BY created_at',
    );
    expect(rows).toHaveLength(5);
    expect(rows[4]).toEqual({ customer_id: f, level: 'final' });
    await settled(w);
    expect(smtp.received.slice(mailsBefore).map((m) => m.rcptTo.filter((r) => r !== OWNER_1))).toEqual([[BILLING_F]]);
  }, 180_000);
});

describe('dunning levels with other thresholds (DUNNING_LEVEL_DAYS)', () => {
  let w: World;

  beforeAll(async () => {
    w = await world('dunning-levels', { DUNNING_LEVEL_DAYS: '5,8,10' });
  }, 120_000);
  afterAll(async () => {
    await w?.t.close();
  });

  it('chooses the level by the configured thresholds, and refuses a letter before the first', async () => {
    const ten = await customer(w, '十天逾期有限公司', 'sales1', null);
    const three = await customer(w, '三天逾期有限公司', 'sales1', null);
    await contract(w, ten, daysAgo(10), '1000.00', [atSigning('100')]);
    await contract(w, three, daysAgo(3), '2000.00', [atSigning('100')]);
    const res = await caller(w, 'finance').post('/api/dunning/letters').send({ customerId: ten });
    // 10 days: a friendly reminder by default, the final notice from 10 days here.
    expect([res.status, res.body.letter?.level, res.body.letter?.maxDaysOverdue]).toEqual([201, 'final', 10]);
    await settled(w);
    const before = await tableChecksums(w.t.db);
    const early = await caller(w, 'finance').post('/api/dunning/letters').send({ customerId: three });
    expect([early.status, early.body.error?.code]).toEqual([409, 'DUNNING_NOT_DUE']);
    expect(await tableChecksums(w.t.db)).toEqual(before);
    const list = await caller(w, 'finance').get('/api/dunning');
    expect(list.body.thresholds).toEqual({ friendly: 5, firm: 8, final: 10 });
    expect(
      list.body.customers.map((e: { customer: { id: string }; levelDue: string | null }) => [
        e.customer.id,
        e.levelDue,
      ]),
    ).toEqual([
      [ten, 'final'],
      [three, null],
    ]);
  }, 120_000);
});
