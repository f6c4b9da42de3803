import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtp, until, type ControlledSmtp } from '../support/faults.js';

/**
 * Issue #21, reminders: statements not answered before their reply-by date (billing contact, with the link and
 * code again) and after it (sales owner), qualifications about to expire (back office). The daily job runs twice:
 * each reminder arrives once (a real SMTP server, parsed MIME); a customer without a billing e-mail is listed as
 * skipped; an opted-out customer gets nothing. Then the tenders whose deadline nears while a required qualification
 * expires (back office and owner), the contracts whose before-delivery share is due (sales owner), and the backlog
 * rule (periods that ended before the first run or more than REMINDER_BACKLOG_DAYS ago are skipped, not mailed).
 */

const PUBLIC_URL = 'https://tenderdesk.example.cn';
const BILLING_A = 'caiwu@qinglan-steel.example';
const BILLING_B = 'finance@optout.example';
const ADDRESS_C = 'someone@no-billing.example';
const OWNER = 'sales.owner@tenderdesk.example';
const OFFICE = 'office@tenderdesk.example';
const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
};

describe('reminders', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let backoffice: string;
  let manager: string;
  let sales: { id: string; token: string };
  let office: { id: string; token: string };
  let quotationId = '';
  let customerA = '';
  const statements: Record<string, { id: string; url: string }> = {};

  const customer = async (name: string, email: string | null) => {
    const res = await t
      .http()
      .post('/api/customers')
      .auth(backoffice, { type: 'bearer' })
      .send({
        name,
        salesOwnerId: sales.id,
        contacts: email ? [{ name: '会计', email, billing: true }] : [{ name: '采购', phone: '0512-1' }],
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  const issue = async (customerId: string, body: object) => {
    const res = await t
      .http()
      .post(`/api/customers/${customerId}/statements`)
      .auth(manager, { type: 'bearer' })
      .send(body);
    expect([res.status, res.body.code]).toEqual([201, undefined]);
    return { id: res.body.statement.id as string, url: res.body.confirmationUrl as string };
  };

  const run = async () => {
    const res = await t.http().post('/api/reminders/run').auth(backoffice, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as { sent: number; skipped: number };
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('reminders', {
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      MAIL_RETRY_DELAY_SECONDS: '1',
      STATEMENT_REPLY_DAYS: '2', // reply-by in 2 days: within REMINDER_STATEMENT_DAYS
      REMINDER_STATEMENT_DAYS: '3',
      REMINDER_QUALIFICATION_DAYS: '60,30,7',
    });
    // The daily job the scheduler queued at start ran on an empty database: the runs below are the ones that find the
    // records (waited for, so that it cannot pick them up first).
    await until(
      "today's reminders job",
      async () => t.db.query<{ status: string }>('SELECT j.status FROM reminder_runs r JOIN jobs j ON j.id = r.job_id'),
      (rows) => rows[0]?.status === 'succeeded',
      30_000,
    );
    // The reminders have run for a month (their first run): yesterday's reply-by date below is news, not backlog.
    await t.db.query('INSERT INTO reminder_runs (day) VALUES (current_date - 30)');
    backoffice = (await t.userWith(['backoffice'])).token;
    manager = (await t.userWith(['manager'])).token;
    sales = await t.userWith(['sales']);
    office = await t.userWith(['backoffice']);
    await t.db.query('UPDATE users SET email = $1 WHERE id = $2', [OWNER, sales.id]);
    await t.db.query('UPDATE users SET email = $1 WHERE id = $2', [OFFICE, office.id]);

    expect((await t.http().put('/api/company').auth(backoffice, { type: 'bearer' }).send(PROFILE)).status).toBe(200);
    const a = await customer('青澜钢铁集团有限公司', BILLING_A);
    customerA = a;
    const b = await customer('退订客户有限公司', BILLING_B);
    const c = await customer('无账务联系人有限公司', null);
    statements.a = await issue(a, { sendToBilling: true });
    statements.b = await issue(b, { sendToBilling: true });
    statements.c = await issue(c, { sendTo: ADDRESS_C });
    // A fourth statement of A whose reply-by date has passed: its sales owner is told.
    statements.late = await issue(a, { sendToBilling: true });
    await t.db.query('UPDATE statements SET reply_by = current_date - 1 WHERE id = $1', [statements.late.id]);

    const optOut = await t
      .http()
      .put(`/api/reminders/opt-outs/customers/${b}`)
      .auth(backoffice, { type: 'bearer' })
      .send({ optedOut: true });
    expect(optOut.status).toBe(200);

    const q = await t
      .http()
      .post('/api/qualifications')
      .auth(backoffice, { type: 'bearer' })
      .send({
        type: 'iso9001',
        name: 'ISO 9001',
        number: 'Q-REM-1',
        validFrom: '2024-01-01',
        validTo: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
      });
    expect(q.status).toBe(201);
    // A sent quotation of A valid for 5 more days (REMINDER_QUOTATION_DAYS 7): its sales owner is reminded.
    const quotation = await t
      .http()
      .post('/api/quotations')
      .auth(backoffice, { type: 'bearer' })
      .send({
        customerId: a,
        projectName: '提醒报价项目',
        currency: 'CNY',
        issueDate: new Date().toISOString().slice(0, 10),
        validUntil: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
        lines: [{ name: '现场安装调试', qty: '1', unit: '项', unitPrice: '5000.00', discount: '0', taxRate: '6' }],
        paymentTerms: [{ percent: '100', event: 'other', days: 30, label: '验收后' }],
      });
    expect(quotation.status).toBe(201);
    quotationId = quotation.body.id as string;
    for (const action of ['submit', 'approve', 'send']) {
      const moved = await t
        .http()
        .post(`/api/quotations/${quotationId}/${action}`)
        .auth(backoffice, { type: 'bearer' })
        .send({});
      expect([action, moved.status]).toEqual([action, 200]);
    }
    // The statement mails themselves are delivered first, so the counts below are of reminders only.
    await until(
      'the statement mails',
      async () => smtp.received.length,
      (n) => n >= 4,
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('sends each reminder once however often the job runs, and lists the skipped ones with the reason', async () => {
    const first = await run();
    const second = await run();
    expect(second).toMatchObject({ sent: 0, skipped: 0 });
    // A's billing contact, the late statement's and the quotation's sales owner, the back office
    expect(first.sent).toBe(4);
    expect(first.skipped).toBe(2); // B opted out, C has no billing e-mail

    const reminders = (m: { subject?: string }) =>
      (m.subject ?? '').includes('提醒') ||
      (m.subject ?? '').includes('逾期') ||
      (m.subject ?? '').includes('资质') ||
      (m.subject ?? '').includes('失效');
    const mails = await until(
      'the reminder mails',
      async () => {
        const parsed = await Promise.all(
          smtp.received.map(async (m) => ({ rcpt: m.rcptTo, mail: await simpleParser(m.raw) })),
        );
        return parsed.filter((p) => reminders(p.mail));
      },
      (list) => list.length >= 4,
      60_000,
    );
    // Exactly once each (the second run wrote nothing).
    expect(mails).toHaveLength(4);
    const toBilling = mails.filter((m) => m.rcpt.includes(BILLING_A));
    expect(toBilling).toHaveLength(1);
    expect(toBilling[0]!.mail.text).toContain(statements.a!.url); // the link again
    expect(toBilling[0]!.mail.text).toMatch(/确认码：\d{4} \d{4}/); // and the code
    const toOwner = mails.filter((m) => m.rcpt.includes(OWNER));
    expect(toOwner).toHaveLength(2);
    expect(toOwner.map((m) => m.mail.subject).join('\n')).toContain('失效');
    expect(mails.filter((m) => m.rcpt.includes(OFFICE))).toHaveLength(1);
    // The opted-out customer and the customer without billing e-mail got nothing.
    expect(mails.filter((m) => m.rcpt.includes(BILLING_B) || m.rcpt.includes(ADDRESS_C))).toHaveLength(0);

    const list = await t.http().get('/api/reminders').auth(backoffice, { type: 'bearer' });
    expect(list.status).toBe(200);
    const items = list.body.items as { key: string; status: string; skipReason: string | null }[];
    const byKey = (prefix: string) => items.find((i) => i.key.startsWith(prefix));
    expect(byKey(`statement-reply:${statements.a!.id}:`)).toMatchObject({ status: 'sent' });
    expect(byKey(`statement-reply:${statements.b!.id}:`)).toMatchObject({
      status: 'skipped',
      skipReason: 'CUSTOMER_OPTED_OUT',
    });
    expect(byKey(`statement-reply:${statements.c!.id}:`)).toMatchObject({
      status: 'skipped',
      skipReason: 'NO_BILLING_EMAIL',
    });
    expect(byKey(`statement-overdue:${statements.late!.id}`)).toMatchObject({ status: 'sent' });
    expect(byKey('qualification-expiry:')).toMatchObject({ status: 'sent' });
    expect(byKey(`quotation-expiry:${quotationId}:`)).toMatchObject({ status: 'sent', to: [OWNER] });

    // A sales user sees their own customers' reminders (all three customers are theirs here), production none.
    const own = await t.http().get('/api/reminders').auth(sales.token, { type: 'bearer' });
    expect(own.status).toBe(200);
    expect((own.body.items as { customerId: string | null }[]).every((i) => i.customerId !== null)).toBe(true);
    const production = (await t.userWith(['production'])).token;
    expect((await t.http().get('/api/reminders').auth(production, { type: 'bearer' })).status).toBe(403);
    expect((await t.http().post('/api/reminders/run').auth(sales.token, { type: 'bearer' })).status).toBe(403);
  }, 120_000);

  it('sends nothing to a user who opted out: with no one left, the reminder is listed as skipped', async () => {
    const optOut = await t
      .http()
      .put('/api/reminders/opt-outs/me')
      .auth(office.token, { type: 'bearer' })
      .send({ optedOut: true });
    expect(optOut.status).toBe(200);
    const q = await t
      .http()
      .post('/api/qualifications')
      .auth(backoffice, { type: 'bearer' })
      .send({
        type: 'iso9001',
        name: 'ISO 9001 (2)',
        number: 'Q-REM-2',
        validFrom: '2024-01-01',
        validTo: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
      });
    expect(q.status).toBe(201);
    const before = smtp.received.filter((m) => m.rcptTo.includes(OFFICE)).length;
    expect(await run()).toMatchObject({ sent: 0, skipped: 1 });
    const list = await t.http().get('/api/reminders').auth(manager, { type: 'bearer' });
    const items = list.body.items as { key: string; status: string; skipReason: string | null }[];
    expect(items.find((i) => i.key === `qualification-expiry:${q.body.id}:7`)).toMatchObject({
      status: 'skipped',
      skipReason: 'NO_RECIPIENT',
    });
    // Nothing was queued for the office (the outbox would have delivered it by the time the first mail arrived).
    expect(smtp.received.filter((m) => m.rcptTo.includes(OFFICE))).toHaveLength(before);
    const messages = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox_messages WHERE key LIKE 'reminder:qualification-expiry:' || $1 || ':%'",
      [q.body.id],
    );
    expect(messages[0]!.n).toBe(0);
  }, 60_000);
  /** A contract of customer A signed `signedDaysAgo` days ago whose advance (30 %) is due `dueIn` days after signing. */
  const contract = async (customerId: string, signedDaysAgo: number, advanceDays: number) => {
    const created = await t
      .http()
      .post('/api/contracts')
      .auth(backoffice, { type: 'bearer' })
      .send({
        customerId,
        projectName: '提醒合同项目',
        signingDate: new Date(Date.now() - signedDaysAgo * 86_400_000).toISOString().slice(0, 10),
        lines: [{ name: '核子密度计', qty: '1', unit: '套', unitPrice: '100000.00' }],
        paymentTerms: [
          { percent: '30', event: 'contract_signed', days: advanceDays, label: '预付款' },
          { percent: '70', event: 'after_acceptance', days: 30, label: '验收款' },
        ],
      });
    expect(created.status).toBe(201);
    expect(
      (await t.http().post(`/api/contracts/${created.body.id}/review`).auth(backoffice, { type: 'bearer' })).status,
    ).toBe(200);
    const approved = await t
      .http()
      .post(`/api/contracts/${created.body.id}/approve`)
      .auth(manager, { type: 'bearer' })
      .send({ reason: '手工合同' });
    expect(approved.status).toBe(200);
    return created.body as { id: string; number: string };
  };

  const list = async (query = '') => {
    const res = await t.http().get(`/api/reminders?pageSize=200${query}`).auth(backoffice, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.items as { key: string; reason: string; status: string; skipReason: string | null; to: string[] }[];
  };

  it('tells the back office and the owner of a tender closing while its qualification expires, and the sales owner of a due advance, once', async () => {
    // The office user opted out in the test above: back in.
    const back = await t
      .http()
      .put('/api/reminders/opt-outs/me')
      .auth(office.token, { type: 'bearer' })
      .send({ optedOut: false });
    expect(back.status).toBe(200);
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    // Expired yesterday: no qualification-expiry reminder of its own; on the tender's deadline it blocks the package.
    const iso14001 = await t
      .http()
      .post('/api/qualifications')
      .auth(backoffice, { type: 'bearer' })
      .send({ type: 'iso14001', name: 'ISO 14001', number: 'E-REM-1', validFrom: '2023-01-01', validTo: day(-1) });
    expect(iso14001.status).toBe(201);
    const tender = async (tenderNo: string, deadlineIn: number, salesOwnerId: string | null) => {
      const res = await t
        .http()
        .post('/api/tenders')
        .auth(backoffice, { type: 'bearer' })
        .send({
          tenderNo,
          projectName: '提醒投标项目',
          buyer: '澄江水务',
          deadline: `${day(deadlineIn)}T10:00:00`,
          ...(salesOwnerId ? { salesOwnerId } : {}),
          requirements: { qualificationTypes: ['iso14001'] },
        });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const near = await tender('ZB-REM-1', 10, sales.id); // within 14 days: reminded
    const far = await tender('ZB-REM-2', 40, sales.id); // not yet
    // A's advance due in 3 days (within 7): its sales owner; one without a sales owner: skipped, listed.
    const due = await contract(customerA, 0, 3);
    const orphanCustomer = await t
      .http()
      .post('/api/customers')
      .auth(backoffice, { type: 'bearer' })
      .send({ name: '无销售负责人有限公司', contacts: [{ name: '会计', email: 'x@orphan.example', billing: true }] });
    expect(orphanCustomer.status).toBe(201);
    const orphan = await contract(orphanCustomer.body.id as string, 0, 2);
    // Due yesterday and unpaid: its sales owner is told (overdue, news).
    const overdue = await contract(customerA, 1, 0);

    const before = smtp.received.length;
    const first = await run();
    expect(await run()).toMatchObject({ sent: 0, skipped: 0 });
    expect(first).toMatchObject({ sent: 3, skipped: 1 });

    const items = await list();
    const tenderReminder = items.find((i) => i.key.startsWith(`tender-qualification:${near}:${iso14001.body.id}:`));
    expect(tenderReminder).toMatchObject({ reason: 'tender-qualification', status: 'sent', to: [OFFICE, OWNER] });
    expect(items.some((i) => i.key.startsWith(`tender-qualification:${far}:`))).toBe(false);
    expect(items.find((i) => i.key.startsWith(`contract-share-due:${due.id}:1:`))).toMatchObject({
      status: 'sent',
      to: [OWNER],
    });
    expect(items.find((i) => i.key.startsWith(`contract-share-due:${orphan.id}:1:`))).toMatchObject({
      status: 'skipped',
      skipReason: 'NO_SALES_OWNER_EMAIL',
    });
    expect(items.find((i) => i.key.startsWith(`contract-share-due:${overdue.id}:1:`))).toMatchObject({
      status: 'sent',
      key: expect.stringMatching(/:due$/),
    });
    // The filters: by reason and status.
    expect((await list('&reason=contract-share-due&status=skipped')).map((i) => i.key)).toEqual([
      expect.stringContaining(orphan.id),
    ]);
    const bad = await t.http().get('/api/reminders?reason=nonsense').auth(backoffice, { type: 'bearer' });
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'REMINDER_REASON_UNKNOWN']);

    // The mails, parsed: the tender's to the office and the owner, the advances' to the owner, each once.
    const mails = await until(
      'the tender and contract reminders',
      async () =>
        Promise.all(
          smtp.received.slice(before).map(async (m) => ({ rcpt: m.rcptTo, mail: await simpleParser(m.raw) })),
        ),
      (l) => l.length >= 3,
      60_000,
    );
    expect(mails).toHaveLength(3);
    const tenderMail = mails.find((m) => (m.mail.subject ?? '').includes('ZB-REM-1'))!;
    expect(tenderMail.rcpt.sort()).toEqual([OFFICE, OWNER].sort());
    expect(tenderMail.mail.text).toContain('ISO 14001（E-REM-1）');
    const shareMails = mails.filter((m) => (m.mail.subject ?? '').includes('发货前款项'));
    expect(shareMails.map((m) => m.rcpt)).toEqual([[OWNER], [OWNER]]);
    expect(shareMails.map((m) => m.mail.subject).sort()).toEqual(
      [
        `发货前款项即将到期：合同 ${due.number}（青澜钢铁集团有限公司）`,
        `发货前款项已到期未付：合同 ${overdue.number}（青澜钢铁集团有限公司）`,
      ].sort(),
    );
    expect(shareMails.find((m) => m.mail.subject!.includes(due.number))!.mail.text).toContain('未付金额 ¥33,900.00'); // 30 % of 113,000.00 (13 % VAT)
  }, 120_000);

  it('records the backlog as skipped, not mailed: periods that ended long ago or before the first run', async () => {
    // Due 20 days ago (more than REMINDER_BACKLOG_DAYS = 7): backlog, although the reminders ran then.
    const old = await contract(customerA, 20, 0);
    expect(await run()).toMatchObject({ sent: 0, skipped: 1 });
    expect((await list()).find((i) => i.key.startsWith(`contract-share-due:${old.id}:`))).toMatchObject({
      status: 'skipped',
      skipReason: 'BACKLOG',
      to: [],
    });
    // A first deploy today: a statement whose reply-by date passed 2 days ago is the past, not news.
    await t.db.query('DELETE FROM reminder_runs WHERE day < current_date');
    const late = await issue(customerA, { sendToBilling: true });
    await t.db.query('UPDATE statements SET reply_by = current_date - 2 WHERE id = $1', [late.id]);
    expect(await run()).toMatchObject({ sent: 0, skipped: 1 });
    expect((await list()).find((i) => i.key === `statement-overdue:${late.id}`)).toMatchObject({
      status: 'skipped',
      skipReason: 'BACKLOG',
    });
    const messages = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox_messages WHERE key IN ($1, $2) OR key LIKE $3',
      [`reminder:statement-overdue:${late.id}`, 'none', `reminder:contract-share-due:${old.id}:%`],
    );
    expect(messages[0]!.n).toBe(0);
  }, 60_000);
  it('lists the new reasons as skipped when everyone they go to opted out', async () => {
    for (const token of [sales.token, office.token]) {
      const res = await t
        .http()
        .put('/api/reminders/opt-outs/me')
        .auth(token, { type: 'bearer' })
        .send({ optedOut: true });
      expect(res.status).toBe(200);
    }
    const share = await contract(customerA, 0, 2);
    const tender = await t
      .http()
      .post('/api/tenders')
      .auth(backoffice, { type: 'bearer' })
      .send({
        tenderNo: 'ZB-REM-3',
        projectName: '退订投标项目',
        buyer: '澄江水务',
        deadline: `${new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10)}T10:00:00`,
        salesOwnerId: sales.id,
        requirements: { qualificationTypes: ['iso14001'] },
      });
    expect(tender.status).toBe(201);
    expect(await run()).toMatchObject({ sent: 0, skipped: 2 });
    const items = await list('&status=skipped');
    expect(items.find((i) => i.key.startsWith(`contract-share-due:${share.id}:`))).toMatchObject({
      skipReason: 'USER_OPTED_OUT',
      to: [],
    });
    expect(items.find((i) => i.key.startsWith(`tender-qualification:${tender.body.id}:`))).toMatchObject({
      skipReason: 'NO_RECIPIENT',
      to: [],
    });
    const messages = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox_messages WHERE key LIKE $1 OR key LIKE $2',
      [`reminder:contract-share-due:${share.id}:%`, `reminder:tender-qualification:${tender.body.id}:%`],
    );
    expect(messages[0]!.n).toBe(0);
  }, 60_000);
});
