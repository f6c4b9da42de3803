import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { parseMail, sleep, startSmtp, until, type ControlledSmtp } from '../support/faults.js';

/**
 * Issue #18, "no mail leaves except through the outbox": with the SMTP server (real, on loopback) down, every kind of
 * mail the service sends is triggered through its real routes; each waits in the outbox (queued, its failed attempts
 * counted) and nothing reaches the server. Once the server is up each message arrives exactly once, to its
 * recipients, with its attachments, and the outbox says sent. The kinds are the folders of templates/mail: a new
 * mail kind needs its line in KINDS below, or the first test fails. The reminders (issue #21) come from one run of the
 * daily job (POST /api/reminders/run) over records made to fall in each window; they carry no attachments.
 */

const PUBLIC_URL = 'https://tenderdesk.example.cn';
const MAIL = {
  customer: 'shouhuo@qinglan-steel.example',
  billing: 'caiwu@qinglan-steel.example',
  finance: 'caiwu@huadong-instruments.example',
  engineering: 'jishu@huadong-instruments.example',
  production: 'diaodu@huadong-instruments.example',
  sales: 'liming@huadong-instruments.example',
  office: 'zizhi@huadong-instruments.example',
} as const;
const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
};

interface OutboxView {
  id: string;
  to: string[];
  cc: string[];
  subject: string;
  attachments: string[];
  status: string;
  attempts: number;
  lastError: string | null;
  messageId: string;
}

/** Requests as the holder of `token`. */
function api(t: TestApp, token: string) {
  return {
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object = {}) => t.http().post(path).auth(token, { type: 'bearer' }).send(body),
    put: (path: string, body: object) => t.http().put(path).auth(token, { type: 'bearer' }).send(body),
  };
}

/** What the cases share: the app, tokens and the records made once in beforeAll. */
interface World {
  t: TestApp;
  as(token: string): ReturnType<typeof api>;
  token: { backoffice: string; manager: string; finance: string; sales: string };
  customerId: string;
  contractId: string;
  tenderId: string;
  /** The acceptance link the quotation case mailed (its path), for the quotation-accepted case. */
  quotationLink?: string;
  /** The one reminders run the six reminder cases share (the first of them starts it). */
  reminders?: Promise<ReminderView[]>;
}

interface ReminderView {
  key: string;
  reason: string;
  status: string;
  to: string[];
  outboxMessageId: string | null;
}

/**
 * One mail kind: `send` makes the service send it through its real routes (waiting for the jobs that queue it) and
 * returns the outbox messages it queued; `subject` is what the template's zh-CN subject starts with.
 */
interface MailCase {
  subject: RegExp;
  send(w: World): Promise<string[]>;
  /** false: the kind has no attachments (the reminders); otherwise each message has at least one. */
  attachments?: false;
}

/** Every kind of mail, by its folder under templates/mail. */
const KINDS: Record<string, MailCase> = {
  'delivery-notice': { subject: /^发货通知 FH\d{4}-\d{4}/, send: deliveryNotice },
  statement: { subject: /^对账单 /, send: statements },
  'contact-sheet': { subject: /^合同联系单 .+ — 已出具，请会签$/, send: contactSheet },
  'contact-list': { subject: /^合同联系清单 CL\d{4}-\d{4}（财务版）/, send: contactList },
  'tender-package': { subject: /^投标文件 QLGT-ZB-2026-0901 /, send: tenderPackage },
  quotation: { subject: /^报价单 Q\d{4}-\d{4}（第1版）/, send: quotationWithLink },
  'quotation-accepted': { subject: /^客户已接受报价单 Q\d{4}-\d{4}/, send: quotationAccepted },
  'reminder-statement-reply': {
    subject: /^提醒：对账单 \S+ 请于 .+ 前回复$/,
    send: (w) => reminder(w, 'statement-reply', [MAIL.billing]),
    attachments: false,
  },
  'reminder-statement-overdue': {
    subject: /^对账单 \S+（青澜钢铁集团有限公司）逾期未回复$/,
    send: (w) => reminder(w, 'statement-overdue', [MAIL.sales]),
    attachments: false,
  },
  'reminder-qualification-expiry': {
    subject: /^资质即将到期：ISO 9001 质量管理体系认证（.+）$/,
    send: (w) => reminder(w, 'qualification-expiry', [MAIL.office]),
    attachments: false,
  },
  'reminder-quotation-expiry': {
    subject: /^报价单 Q\d{4}-\d{4}（青澜钢铁集团有限公司）将于 .+ 失效$/,
    send: (w) => reminder(w, 'quotation-expiry', [MAIL.sales]),
    attachments: false,
  },
  'reminder-tender-qualification': {
    subject: /^投标资质将失效：QLGT-ZB-2026-0902（截止 .+）$/,
    send: (w) => reminder(w, 'tender-qualification', [MAIL.office, MAIL.sales]),
    attachments: false,
  },
  'reminder-contract-share-due': {
    subject: /^发货前款项(即将到期|已到期未付)：合同 \S+（青澜钢铁集团有限公司）$/,
    // Two: the advance due in 7 days and the 提货款, due since the delivery case shipped (its milestone: today).
    send: (w) => reminder(w, 'contract-share-due', [MAIL.sales], 2),
    attachments: false,
  },
  // After the reminders (their run counts the customer's statements; this one issues another to attach).
  'dunning-letter': { subject: /^催款通知 CS\d{4}-\d{5} — 青澜钢铁集团有限公司$/, send: dunningLetter },
};

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function jobDone(w: World, token: string, id: string): Promise<void> {
  const job = await until(
    `job ${id}`,
    async () => (await w.as(token).get(`/api/jobs/${id}`)).body as { status: string; error: string | null },
    (j) => j.status === 'succeeded' || j.status === 'failed',
    300_000,
    250,
  );
  expect(job).toMatchObject({ status: 'succeeded', error: null });
}

/** A delivery notice (a job renders it): to production scheduling and to the customer's first contact. */
async function deliveryNotice(w: World): Promise<string[]> {
  const issued = await w.as(w.token.manager).post('/api/deliveries', {
    contractId: w.contractId,
    items: [{ line: 1, qty: '1' }],
    shipDate: today(),
    consignee: '赵志强',
    address: '山东省日照市岚山区钢城大道1号',
    contactPhone: '139 0000 0101',
    carrier: '德邦物流',
    override: { reason: '客户急需，总经理同意先发货' },
  });
  expect(issued.status).toBe(201);
  await jobDone(w, w.token.manager, issued.body.renderJobId as string);
  const mail = (await w.as(w.token.manager).get(`/api/deliveries/${issued.body.id}`)).body.mail as {
    to: string;
    outboxId: string | null;
  }[];
  expect(mail.map((m) => m.to)).toEqual([MAIL.production, MAIL.customer]);
  return mail.map((m) => m.outboxId!);
}

/** A quotation sent to the customer with its acceptance link. */
async function quotationWithLink(w: World): Promise<string[]> {
  const created = await w.as(w.token.sales).post('/api/quotations', {
    customerId: w.customerId,
    projectName: '烧结机料位计更换',
    validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    lines: [{ name: '料位开关', unit: '台', qty: '4', unitPrice: '12800', taxRate: '13' }],
    paymentTerms: [{ percent: '100', event: 'contract_signed' }],
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await w.as(w.token.sales).post(`/api/quotations/${id}/submit`)).status).toBe(200);
  expect((await w.as(w.token.backoffice).post(`/api/quotations/${id}/approve`)).status).toBe(200);
  const sent = await w.as(w.token.sales).post(`/api/quotations/${id}/send`, { sendTo: MAIL.customer });
  expect([sent.status, sent.body.status]).toEqual([200, 'sent']);
  const messages = await w.t.db.query<{ id: string; text: string }>(
    "SELECT id, text FROM outbox_messages WHERE subject_type = 'quotation' AND subject_id = $1",
    [id],
  );
  expect(messages).toHaveLength(1);
  w.quotationLink = /\/quotations\/accept\/[A-Za-z0-9_-]{43}/.exec(messages[0]!.text)?.[0];
  return messages.map((m) => m.id);
}

/** The customer accepts through that link: the sales owner's notice, with the PDF carrying the acceptance record. */
async function quotationAccepted(w: World): Promise<string[]> {
  expect(w.quotationLink).toBeDefined();
  const before = new Set((await w.t.db.query<{ id: string }>('SELECT id FROM outbox_messages')).map((m) => m.id));
  const res = await w.t
    .http()
    .post(w.quotationLink!)
    .send({ action: 'accept', name: '赵志强', position: '设备部部长' });
  expect([res.status, res.body.answer]).toEqual([200, 'accepted']);
  const after = await w.t.db.query<{ id: string }>('SELECT id FROM outbox_messages');
  return after.map((m) => m.id).filter((id) => !before.has(id));
}

/** A customer statement issued by hand, then one from a statement run (one customer: one item job). */
async function statements(w: World): Promise<string[]> {
  const byHand = await w.as(w.token.finance).post(`/api/customers/${w.customerId}/statements`, { sendToBilling: true });
  expect(byHand.status).toBe(201);
  const started = await w.as(w.token.finance).post('/api/statement-runs', { to: today() });
  expect(started.status).toBe(202);
  const run = await until(
    'the statement run',
    async () => (await w.as(w.token.finance).get(`/api/statement-runs/${started.body.id}`)).body,
    (r: { status: string; items: { items: { statementId: string | null }[] } }) =>
      r.status === 'failed' || (r.items.items.length > 0 && r.items.items.every((i) => i.statementId !== null)),
    300_000,
    250,
  );
  expect(run.items.items).toHaveLength(1);
  const fromRun = (await w.as(w.token.finance).get(`/api/statements/${run.items.items[0].statementId}`)).body;
  return [...byHand.body.statement.mail, ...fromRun.mail].map((m: { id: string }) => m.id);
}

/** The contract's contact sheet, issued by a job when its advance is paid: one mail per department copy. */
async function contactSheet(w: World): Promise<string[]> {
  const paid = await w.as(w.token.finance).post('/api/payments', {
    customerId: w.customerId,
    contractId: w.contractId,
    date: today(),
    amount: '1000.00',
    method: 'bank_transfer',
    nature: 'advance',
  });
  expect(paid.status).toBe(201);
  await jobDone(w, w.token.finance, paid.body.contactSheet.job.id as string);
  const sheet = (await w.as(w.token.backoffice).get(`/api/contracts/${w.contractId}/contact-sheet`)).body;
  const mailings = sheet.mailings as { to: string[]; outboxMessageId: string | null }[];
  expect(mailings.map((m) => m.to)).toEqual([[MAIL.finance], [MAIL.engineering], [MAIL.production]]);
  return mailings.map((m) => m.outboxMessageId!);
}

/** The month's finance contact list, issued by finance and mailed to its address with the PDF. */
async function contactList(w: World): Promise<string[]> {
  const res = await w.as(w.token.finance).post('/api/contracts/contact-lists', {
    audience: 'finance',
    mailTo: [MAIL.finance],
  });
  expect(res.status).toBe(201);
  expect(res.body.mail).toHaveLength(1);
  return res.body.mail.map((m: { id: string }) => m.id);
}

/** The tender package (generated in beforeAll) sent to its sales owner: the signed PDF and a section's extract. */
async function tenderPackage(w: World): Promise<string[]> {
  const res = await w.as(w.token.backoffice).post(`/api/tenders/${w.tenderId}/package/send`, {
    parts: ['all', 'bid_letter'],
  });
  expect(res.status).toBe(202);
  expect(res.body.to).toEqual([MAIL.sales]);
  return [res.body.id as string];
}

/**
 * The daily reminders job run once by hand over records made to fall in each window (as in reminders.test.ts): of the
 * two statements the statement case issued (reply-by in STATEMENT_REPLY_DAYS = 2 days, within the default 3), one's
 * reply-by date is moved to yesterday (its sales owner is told), the other's billing contact is reminded; a
 * qualification valid 20 more days (back-office users with an e-mail: one here); a quotation sent (without mail) valid
 * 5 more days (its sales owner); a tender closing in 10 days whose required qualification expired (the back office
 * and its owner); the world's contract, whose advance is due in 7 days (its sales owner). Run once for all six cases:
 * they take their reminders from its result.
 */
function remindersRun(w: World): Promise<ReminderView[]> {
  w.reminders ??= (async () => {
    const statements = await w.t.db.query<{ id: string }>(
      'SELECT id FROM statements WHERE customer_id = $1 ORDER BY number',
      [w.customerId],
    );
    expect(statements).toHaveLength(2);
    await w.t.db.query('UPDATE statements SET reply_by = current_date - 1 WHERE id = $1', [statements[0]!.id]);

    const office = await w.t.userWith(['backoffice'], '资质管理员');
    await w.t.db.query('UPDATE users SET email = $1 WHERE id = $2', [MAIL.office, office.id]);
    const qualification = await w.as(w.token.backoffice).post('/api/qualifications', {
      type: 'iso9001',
      name: 'ISO 9001 质量管理体系认证',
      number: '00125Q30001R2M',
      validFrom: '2023-01-01',
      validTo: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
    });
    expect(qualification.status).toBe(201);

    const quotation = await w.as(w.token.sales).post('/api/quotations', {
      customerId: w.customerId,
      projectName: '高炉料面雷达维保',
      validUntil: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
      lines: [{ name: '现场安装调试', unit: '项', qty: '1', unitPrice: '5000.00', taxRate: '6' }],
      paymentTerms: [{ percent: '100', event: 'contract_signed' }],
    });
    expect(quotation.status).toBe(201);
    const quotationId = quotation.body.id as string;
    expect((await w.as(w.token.sales).post(`/api/quotations/${quotationId}/submit`)).status).toBe(200);
    expect((await w.as(w.token.backoffice).post(`/api/quotations/${quotationId}/approve`)).status).toBe(200);
    const sent = await w.as(w.token.sales).post(`/api/quotations/${quotationId}/send`); // no sendTo: no mail
    expect([sent.status, sent.body.status]).toEqual([200, 'sent']);

    // A tender closing in 10 days that requires an ISO 14001 certificate, whose only one expired yesterday: the back
    // office and the tender's owner are told. (Expired already, so no qualification-expiry reminder of its own.)
    const iso14001 = await w.as(w.token.backoffice).post('/api/qualifications', {
      type: 'iso14001',
      name: 'ISO 14001 环境管理体系认证',
      number: '00125E30001R2M',
      validFrom: '2023-01-01',
      validTo: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
    });
    expect(iso14001.status).toBe(201);
    const [owner] = await w.t.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [MAIL.sales]);
    const tender = await w.as(w.token.backoffice).post('/api/tenders', {
      tenderNo: 'QLGT-ZB-2026-0902',
      projectName: '烧结烟气在线监测',
      buyer: '青澜钢铁集团有限公司',
      deadline: `${new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10)}T10:00:00`,
      salesOwnerId: owner!.id,
      requirements: { qualificationTypes: ['iso14001'] },
    });
    expect(tender.status).toBe(201);
    // The world's contract: its 30 % advance (contract_signed + 7 days) is due in 7 days: its sales owner is told.
    // The reminders have run for a while (their first run a month ago): yesterday's reply-by date is not backlog.
    await w.t.db.query('INSERT INTO reminder_runs (day) VALUES (current_date - 30) ON CONFLICT DO NOTHING');

    expect((await w.as(w.token.backoffice).post('/api/reminders/run')).status).toBe(200);
    // Read from the list rather than the run's counts: a daily job queued at a change of date may have written some.
    const list = await w.as(w.token.backoffice).get('/api/reminders?pageSize=100');
    expect(list.status).toBe(200);
    const items = list.body.items as ReminderView[];
    expect(items.map((r) => [r.reason, r.status]).sort()).toEqual(
      [
        ['qualification-expiry', 'sent'],
        ['quotation-expiry', 'sent'],
        ['statement-overdue', 'sent'],
        ['statement-reply', 'sent'],
        ['tender-qualification', 'sent'],
        ['contract-share-due', 'sent'],
        ['contract-share-due', 'sent'],
      ].sort(),
    );
    expect(items.find((r) => r.reason === 'tender-qualification')!.key).toMatch(
      `tender-qualification:${tender.body.id}:${iso14001.body.id}:`,
    );
    expect(
      items
        .filter((r) => r.reason === 'contract-share-due')
        .map((r) => r.key.replace(/:\d{4}-\d{2}-\d{2}:/, ':<due>:'))
        .sort(),
    ).toEqual([`contract-share-due:${w.contractId}:1:<due>:7`, `contract-share-due:${w.contractId}:2:<due>:due`]);
    expect(items.find((r) => r.reason === 'statement-overdue')!.key).toBe(`statement-overdue:${statements[0]!.id}`);
    expect(items.find((r) => r.reason === 'statement-reply')!.key).toMatch(`statement-reply:${statements[1]!.id}:3`);
    expect(items.find((r) => r.reason === 'quotation-expiry')!.key).toMatch(`quotation-expiry:${quotationId}:`);
    expect(items.find((r) => r.reason === 'qualification-expiry')!.key).toBe(
      `qualification-expiry:${qualification.body.id}:30`,
    );
    return items;
  })();
  return w.reminders;
}

/**
 * A dunning letter (issue #21): a contract signed 40 days ago with its whole amount due at signing, unpaid, makes the
 * customer 40 days overdue (a firm reminder); the letter goes to the billing contact, Cc the sales owner, with the
 * letter and the customer's current statement attached.
 */
async function dunningLetter(w: World): Promise<string[]> {
  const signed = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
  const contract = await w.as(w.token.backoffice).post('/api/contracts', {
    customerId: w.customerId,
    projectName: '高炉料面雷达备件',
    signingDate: signed,
    lines: [{ name: '料面雷达', qty: '1', unit: '台', unitPrice: '36000.00', taxRate: '0' }],
    paymentTerms: [{ percent: '100', event: 'contract_signed', days: 0 }],
  });
  expect(contract.status).toBe(201);
  expect((await w.as(w.token.backoffice).post(`/api/contracts/${contract.body.id}/review`)).status).toBe(200);
  const approved = await w
    .as(w.token.manager)
    .post(`/api/contracts/${contract.body.id}/approve`, { reason: '手工合同' });
  expect(approved.status).toBe(200);
  const issued = await w.as(w.token.finance).post('/api/dunning/letters', { customerId: w.customerId });
  expect([issued.status, issued.body.letter?.level]).toEqual([201, 'firm']);
  const mail = issued.body.letter.mail as { id: string; to: string[]; cc: string[] }[];
  expect(mail.map((m) => [m.to, m.cc])).toEqual([[[MAIL.billing], [MAIL.sales]]]);
  return mail.map((m) => m.id);
}

/** One reason's reminders from that run (`count` of them, one unless said): each mailed to `to` only. */
async function reminder(w: World, reason: string, to: string[], count = 1): Promise<string[]> {
  const mine = (await remindersRun(w)).filter((r) => r.reason === reason);
  expect(mine.map((r) => [r.status, r.to])).toEqual(Array.from({ length: count }, () => ['sent', to]));
  return mine.map((r) => r.outboxMessageId!);
}

describe('every kind of mail while the SMTP server is down, then up', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let w: World;
  const queued = new Map<string, string[]>();

  const outbox = async (id: string) => {
    const res = await w.as(t.adminToken).get(`/api/outbox/${id}`);
    expect(res.status).toBe(200);
    return res.body as OutboxView;
  };
  const all = async () => Promise.all([...queued.values()].flat().map(outbox));

  beforeAll(async () => {
    smtp = await startSmtp({ listen: false }); // down from the start: nothing listens on its port
    t = await startTestApp('mail_outage', {
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      FINANCE_EMAIL: MAIL.finance,
      ENGINEERING_EMAIL: MAIL.engineering,
      PRODUCTION_EMAIL: MAIL.production,
      MAIL_FROM: 'Tenderdesk <bids@tenderdesk.example>',
      MAIL_RETRY_LIMIT: '20',
      MAIL_RETRY_DELAY_SECONDS: '1',
      STATEMENT_REPLY_DAYS: '2', // reply-by in 2 days: within the default REMINDER_STATEMENT_DAYS (3)
    });
    // The daily reminders job the scheduler queued at start runs on an empty database: waited for, so that the one
    // run of the reminder cases is the one that finds their records.
    await until(
      "today's reminders job",
      async () => t.db.query<{ status: string }>('SELECT j.status FROM reminder_runs r JOIN jobs j ON j.id = r.job_id'),
      (rows) => rows[0]?.status === 'succeeded',
      30_000,
    );
    const as = (token: string) => api(t, token);
    const sales = await t
      .http()
      .post('/api/users')
      .auth(t.adminToken, { type: 'bearer' })
      .send({
        name: 'li.ming',
        roles: ['sales'],
        email: MAIL.sales,
        apiToken: true,
      });
    expect(sales.status).toBe(201);
    const token = {
      backoffice: (await t.userWith(['backoffice'], '内勤小张')).token,
      manager: (await t.userWith(['manager'], '王总')).token,
      finance: (await t.userWith(['finance'], '李会计')).token,
      sales: sales.body.token as string,
    };
    expect((await as(token.backoffice).put('/api/company', PROFILE)).status).toBe(200);
    const customer = await as(token.backoffice).post('/api/customers', {
      name: '青澜钢铁集团有限公司',
      address: '江苏省苏州市',
      salesOwnerId: sales.body.id,
      contacts: [
        { name: '赵志强', phone: '139 0000 0101', email: MAIL.customer },
        { name: '钱会计', title: '财务部', email: MAIL.billing, billing: true },
      ],
    });
    expect(customer.status).toBe(201);
    const customerId = customer.body.id as string;
    const contract = await as(token.backoffice).post('/api/contracts', {
      customerId,
      projectName: '炼铁厂烧结矿浆浓度测量改造',
      signingDate: today(),
      lines: [{ name: '核子密度计', specification: 'DN300', qty: '3', unit: '套', unitPrice: '123457.89' }],
      paymentTerms: [
        { percent: '30', event: 'contract_signed', days: 7, label: '预付款' },
        { percent: '70', event: 'before_delivery', label: '发货款' },
      ],
    });
    expect(contract.status).toBe(201);
    const contractId = contract.body.id as string;
    expect((await as(token.backoffice).post(`/api/contracts/${contractId}/review`)).status).toBe(200);
    const approved = await as(token.manager).post(`/api/contracts/${contractId}/approve`, { reason: '手工合同' });
    expect(approved.status).toBe(200);

    // The tender package is generated now (no mail): the test sends it while the server is down.
    const quotation = await as(token.backoffice).post('/api/quotations', {
      customerId,
      projectName: '转炉煤气回收仪表改造',
      validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      lines: [{ name: '核子密度计', unit: '套', qty: '2', unitPrice: '98000', taxRate: '13' }],
      paymentTerms: [{ percent: '100', event: 'contract_signed' }],
      deliveryTerms: { daysAfterAdvance: 45, place: '需方现场' },
    });
    expect(quotation.status).toBe(201);
    const tender = await as(token.backoffice).post('/api/tenders', {
      tenderNo: 'QLGT-ZB-2026-0901',
      projectName: '转炉煤气回收仪表改造',
      buyer: '青澜钢铁集团有限公司',
      deadline: `${new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10)}T10:00:00`,
      quotationId: quotation.body.id,
      salesOwnerId: sales.body.id,
    });
    expect(tender.status).toBe(201);
    const tenderId = tender.body.id as string;
    const generated = await as(token.backoffice).post(`/api/tenders/${tenderId}/package?wait=true`);
    expect([generated.status, generated.body.error]).toEqual([201, undefined]);

    w = { t, as, token, customerId, contractId, tenderId };
  }, 600_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop(0);
  });

  it('has an outage case for every mail template (templates/mail/<kind>/)', () => {
    const folders = readdirSync(join(process.cwd(), 'templates/mail'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(Object.keys(KINDS).sort()).toEqual(folders);
  });

  it('queues every kind while the server is down: tried, not sent, nothing arrives', async () => {
    for (const [kind, c] of Object.entries(KINDS)) {
      const ids = await c.send(w);
      expect([kind, ids.length > 0]).toEqual([kind, true]);
      queued.set(kind, ids);
    }
    // Every message the service wrote is one of them: no mail of another kind, none outside these cases.
    const everything = await w.as(t.adminToken).get('/api/outbox?pageSize=100');
    expect(everything.body.items.map((m: { id: string }) => m.id).sort()).toEqual([...queued.values()].flat().sort());

    const waiting = await until(
      'a failed attempt of every message',
      all,
      (ms) => ms.every((m) => m.attempts >= 1 && m.lastError !== null),
      120_000,
      250,
    );
    for (const m of waiting) {
      expect(['queued', 'sending']).toContain(m.status);
      expect(m.lastError).toMatch(/could not deliver the message: server unreachable/);
    }
    expect(smtp.received).toHaveLength(0);
    expect(smtp.sessions).toBe(0);
  }, 900_000);

  it('delivers each message exactly once when the server is up, with its attachments; the outbox says sent', async () => {
    await smtp.start();
    const sent = await until(
      'every message sent',
      all,
      (ms) => ms.every((m) => m.status === 'sent' || m.status === 'failed'),
      180_000,
      250,
    );
    await sleep(3000); // room for a duplicate send, if there were one
    expect(sent.filter((m) => m.status !== 'sent')).toEqual([]);
    expect(smtp.received).toHaveLength(sent.length);

    for (const [kind, ids] of queued) {
      for (const id of ids) {
        const m = sent.find((x) => x.id === id)!;
        expect(m).toMatchObject({ status: 'sent', lastError: null });
        expect(m.attempts).toBeGreaterThanOrEqual(2);
        // Counted at the server by Message-ID: once, to exactly the message's recipients.
        const received = smtp.received.filter((r) => r.messageId === m.messageId);
        expect([kind, received.length]).toEqual([kind, 1]);
        expect(received[0]!.rcptTo.sort()).toEqual([...m.to, ...m.cc].sort());
        const mail = await parseMail(received[0]!);
        expect([kind, mail.subject]).toEqual([kind, expect.stringMatching(KINDS[kind]!.subject)]);
        expect(mail.attachments.map((a) => a.filename)).toEqual(m.attachments);
        if (KINDS[kind]!.attachments === false) expect([kind, m.attachments]).toEqual([kind, []]);
        else expect(m.attachments.length).toBeGreaterThan(0);
        for (const a of mail.attachments) {
          if (a.filename.endsWith('.pdf')) expect(a.content.subarray(0, 5).toString()).toBe('%PDF-');
          else expect(a.content.length).toBeGreaterThan(0);
        }
      }
    }
  }, 600_000);
});
