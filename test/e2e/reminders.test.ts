import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtp, until, type ControlledSmtp } from '../support/faults.js';

/**
 * Issue #21, reminders: statements not answered before their reply-by date (billing contact, with the link and
 * code again) and after it (sales owner), qualifications about to expire (back office). The daily job runs twice:
 * each reminder arrives once (a real SMTP server, parsed MIME); a customer without a billing e-mail is listed as
 * skipped; an opted-out customer gets nothing.
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
    backoffice = (await t.userWith(['backoffice'])).token;
    manager = (await t.userWith(['manager'])).token;
    sales = await t.userWith(['sales']);
    office = await t.userWith(['backoffice']);
    await t.db.query('UPDATE users SET email = $1 WHERE id = $2', [OWNER, sales.id]);
    await t.db.query('UPDATE users SET email = $1 WHERE id = $2', [OFFICE, office.id]);

    expect((await t.http().put('/api/company').auth(backoffice, { type: 'bearer' }).send(PROFILE)).status).toBe(200);
    const a = await customer('青澜钢铁集团有限公司', BILLING_A);
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
});
