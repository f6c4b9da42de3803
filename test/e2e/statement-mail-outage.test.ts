import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { StatementsService } from '../../src/modules/statements/statements.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { sleep, startSmtp, until, type ControlledSmtp } from '../support/faults.js';

/**
 * Issue #18: a statement is issued through the one document path while the SMTP server is DOWN. The statement and
 * its mail are written together (the outbox), the mail waits and is retried, and once the server is UP (a real
 * SMTP server on loopback) each statement's mail arrives exactly once, also when the job issuing it was retried.
 */

const PUBLIC_URL = 'https://tenderdesk.example.cn';
const BILLING = 'caiwu@qinglan-steel.example';
const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
};

interface MailView {
  id: string;
  to: string[];
  status: string;
  attempts: number;
  lastError: string | null;
}

describe('statement mail while the SMTP server is down', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let finance: string;
  let customerId: string;

  const statement = async (id: string) =>
    (await t.http().get(`/api/statements/${id}`).auth(finance, { type: 'bearer' })).body as {
      number: string;
      mail: MailView[];
    };

  beforeAll(async () => {
    smtp = await startSmtp({ listen: false }); // down from the start: nothing listens on its port
    t = await startTestApp('statement_mail_outage', {
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      MAIL_RETRY_DELAY_SECONDS: '1',
      MAIL_RETRY_LIMIT: '12',
    });
    finance = (await t.userWith(['finance'])).token;
    const backoffice = (await t.userWith(['backoffice'])).token;
    expect((await t.http().put('/api/company').auth(backoffice, { type: 'bearer' }).send(PROFILE)).status).toBe(200);
    const customer = await t
      .http()
      .post('/api/customers')
      .auth(backoffice, { type: 'bearer' })
      .send({
        name: '青澜钢铁集团有限公司',
        address: '江苏省苏州市',
        contacts: [{ name: '钱会计', title: '财务部', email: BILLING, billing: true }],
      });
    expect(customer.status).toBe(201);
    customerId = customer.body.id as string;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('issues the statement with its mail while the server is down, and delivers each mail once when it is up', async () => {
    // By hand, through the API: issued (201) although no mail can leave now.
    const res = await t
      .http()
      .post(`/api/customers/${customerId}/statements`)
      .auth(finance, { type: 'bearer' })
      .send({ sendToBilling: true });
    expect(res.status).toBe(201);
    const byHand = res.body.statement as { id: string; number: string; mail: MailView[] };
    expect(byHand.mail).toEqual([expect.objectContaining({ to: [BILLING] })]);

    // By a job that is retried (a statement run's item job whose first attempt died after committing): one
    // statement and one mail, whatever the retries.
    const [job] = await t.db.query<{ id: string }>(
      "INSERT INTO jobs (name, status, max_attempts, payload) VALUES ('statement-run.test', 'running', 3, '{}') RETURNING id",
    );
    const service = t.app.get(StatementsService);
    const actor = { id: (await t.userWith(['backoffice'])).id, name: '月度对账' };
    const request = { from: null, to: res.body.statement.period.to as string, jobId: job!.id, mailTo: BILLING };
    const first = await service.issue(actor, customerId, request);
    const retried = await service.issue(actor, customerId, request);
    expect(retried.statement.id).toBe(first.statement.id);
    expect(retried.outboxMessageId).toBe(first.outboxMessageId);
    expect(first.outboxMessageId).toEqual(expect.any(String));

    // While the server is down: the mails wait in the outbox, tried and failed, visible on the statements.
    const waiting = await until(
      'a failed attempt for each mail',
      async () => [(await statement(byHand.id)).mail, (await statement(first.statement.id)).mail],
      (ms) => ms.every((m) => m.length === 1 && m[0]!.attempts >= 1 && m[0]!.status === 'queued'),
      60_000,
    );
    for (const [m] of waiting) expect(m!.lastError).toMatch(/could not deliver the message: server unreachable/);
    expect(smtp.received).toHaveLength(0);
    expect(smtp.sessions).toBe(0);

    await smtp.start();
    const sent = await until(
      'both mails sent',
      async () => [(await statement(byHand.id)).mail[0]!, (await statement(first.statement.id)).mail[0]!],
      (ms) => ms.every((m) => m.status === 'sent'),
      60_000,
    );
    expect(sent.every((m) => m.lastError === null)).toBe(true);
    await sleep(2500); // room for a duplicate send, if there were one

    // Counted at the SMTP server: exactly one message per statement, to the billing address.
    expect(smtp.received).toHaveLength(2);
    const [outbox] = await t.db.query<{ ids: string[] }>(
      "SELECT array_agg(message_id ORDER BY created_at) AS ids FROM outbox_messages WHERE subject_type = 'statement'",
    );
    expect(smtp.received.map((r) => r.messageId).sort()).toEqual([...outbox!.ids].sort());
    for (const r of smtp.received) expect(r.rcptTo).toEqual([BILLING]);

    // The mail is the template's (templates/mail/statement, zh-CN): the number, the link, the code, the PDF.
    for (const s of [byHand, first.statement]) {
      const [row] = await t.db.query<{ message_id: string }>(
        "SELECT message_id FROM outbox_messages WHERE subject_type = 'statement' AND subject_id = $1",
        [s.id],
      );
      const mail = await simpleParser(smtp.received.find((r) => r.messageId === row!.message_id)!.raw);
      expect(mail.subject).toContain(`对账单 ${s.number}（截至`);
      expect(mail.text ?? '').toContain(`${PUBLIC_URL}/statements/confirm/`);
      expect(mail.text ?? '').toMatch(/确认码：\d{4} \d{4}\n/);
      expect(mail.html || '').toContain(`${PUBLIC_URL}/statements/confirm/`);
      expect(mail.attachments.map((a) => a.filename)).toEqual([`对账单-${s.number}.pdf`]);
      expect(mail.attachments[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');
    }
  }, 180_000);
});
