import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { parseMail, sleep, startSmtp, until, type ControlledSmtp, type ReceivedMail } from '../support/faults.js';

// Fault: the SMTP server stops while contact sheets are being mailed (each department's copy to its address, an
// outbox message written with the copy) and starts again on the same port. Every message must arrive exactly once:
// none lost, none twice.

const MAIL = {
  finance: 'caiwu@fault-test.example',
  engineering: 'jishu@fault-test.example',
  production: 'diaodu@fault-test.example',
} as const;
const SHEETS = 3;

/** A sheet's mailing: its outbox message (GET /api/contracts/{id}/contact-sheet, `mailings`). */
interface Mailing {
  stage: string;
  department: keyof typeof MAIL;
  to: string[];
  status: string;
  outboxMessageId: string | null;
  messageId: string | null;
  attempts: number;
  lastError: string | null;
}
interface JobBody {
  id: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  error: string | null;
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('fault: SMTP server stopped while contact sheets are mailed', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  const contracts: string[] = [];
  let customerId: string;

  const api = {
    get: (path: string) => t.http().get(path).auth(t.adminToken, { type: 'bearer' }),
    post: (path: string) => t.http().post(path).auth(t.adminToken, { type: 'bearer' }),
  };
  const mailings = async (contractId: string): Promise<Mailing[]> => {
    const res = await api.get(`/api/contracts/${contractId}/contact-sheet`);
    expect(res.status).toBe(200);
    return res.body.mailings as Mailing[];
  };
  const job = async (id: string): Promise<JobBody> => (await api.get(`/api/jobs/${id}`)).body as JobBody;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('fault_smtp', {
      SMTP_URL: smtp.url,
      FINANCE_EMAIL: MAIL.finance,
      ENGINEERING_EMAIL: MAIL.engineering,
      PRODUCTION_EMAIL: MAIL.production,
      // The outbox retries from 1 s on, doubling: an outage of a minute or two is covered.
      MAIL_RETRY_LIMIT: '10',
      MAIL_RETRY_DELAY_SECONDS: '1',
    });
    const customer = await api
      .post('/api/customers')
      .send({ name: '青澜钢铁集团有限公司', contacts: [{ name: '赵志强', phone: '139 1234 5601', billing: true }] });
    expect(customer.status).toBe(201);
    customerId = customer.body.id as string;
    const product = await api
      .post('/api/products')
      .send({ code: 'NDM-137', nameZh: '核子密度计', unit: '套', listPrice: '123457.89', floorPrice: '100000.00' });
    expect(product.status).toBe(201);
    // Approved contracts made by hand (their review fails on "no quotation"; a manager approves them).
    // SHEETS for the outage test, one more for the lost acknowledgement.
    for (let i = 1; i <= SHEETS + 1; i++) {
      const c = await api.post('/api/contracts').send({
        customerId,
        projectName: `料位计改造 第${i}期`,
        signingDate: today(),
        lines: [{ productId: product.body.id, qty: String(i) }],
        paymentTerms: [{ percent: '100', event: 'contract_signed' }],
      });
      expect(c.status).toBe(201);
      expect((await api.post(`/api/contracts/${c.body.id}/review`)).body.status).toBe('review_failed');
      const approved = await api.post(`/api/contracts/${c.body.id}/approve`).send({ reason: '手工合同，总经理批准' });
      expect(approved.body.status).toBe('approved');
      contracts.push(c.body.id as string);
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop(0);
  });

  it('delivers every copy exactly once after the server stops mid-run and comes back', async () => {
    // The server goes down right after taking the first message: the run is under way, the rest find no server.
    let stopped: Promise<void> | undefined;
    smtp.onMessage = () => {
      stopped ??= smtp.stop();
    };
    const jobs: string[] = [];
    for (const [i, contractId] of contracts.slice(0, SHEETS).entries()) {
      const paid = await api.post('/api/payments').send({
        customerId,
        contractId,
        date: today(),
        amount: `${1000 + i}.00`,
        method: 'bank_transfer',
        nature: 'advance',
      });
      expect(paid.status).toBe(201);
      expect(paid.body.contactSheet).toMatchObject({ version: 1, job: { id: expect.any(String) } });
      jobs.push(paid.body.contactSheet.job.id as string);
    }
    await until('the first message, then the server down', async () => stopped !== undefined, Boolean, 60_000, 50);
    await stopped;
    const beforeOutage = smtp.received.length; // the first, and any that finished within the close's grace
    expect(beforeOutage).toBeGreaterThanOrEqual(1);

    // Failures are visible: every copy is issued with its outbox message; those not sent wait for their next
    // attempt (queued, or sending while one runs) with the error and their attempts counted.
    const atRestart = await until(
      'every sheet issued, every message sent or tried',
      async () =>
        (await Promise.all(contracts.slice(0, SHEETS).map(mailings))).flatMap((ms, sheet) =>
          ms.map((m) => ({ ...m, sheet })),
        ),
      (all) =>
        all.length === SHEETS * 3 &&
        all.every((m) => m.status === 'sent' || (m.status === 'queued' && m.lastError !== null)),
      90_000,
      100,
    );
    const failed = atRestart.filter((m) => m.status !== 'sent');
    expect(failed.length).toBe(SHEETS * 3 - beforeOutage);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const m of failed) {
      expect(m.attempts).toBeGreaterThanOrEqual(1);
      // Refused connections (server down), or 421 for a session the stopping server closed.
      expect(m.lastError).toMatch(
        /SMTP 127\.0\.0\.1:\d+ could not deliver the message: server (unreachable|refused: .*421)/,
      );
      expect(m.lastError).not.toMatch(/^permanent:/);
    }
    // Issuing did not wait for the mail: the sheets' jobs are done.
    const states = await Promise.all(jobs.map(job));
    expect(states.map((j) => ({ status: j.status, error: j.error }))).toEqual(
      jobs.map(() => ({ status: 'succeeded', error: null })),
    );
    const sessionsWhileDown = smtp.sessions;

    await smtp.start();
    const after = await until(
      'every message sent',
      async () =>
        (await Promise.all(contracts.slice(0, SHEETS).map(mailings))).flatMap((ms, sheet) =>
          ms.map((m) => ({ ...m, sheet })),
        ),
      (all) => all.every((m) => m.status === 'sent' || m.status === 'failed'),
      90_000,
      200,
    );
    expect(smtp.sessions).toBeGreaterThan(sessionsWhileDown);
    await sleep(2000); // a duplicate attempt would have arrived by now

    // Exactly once: nine messages, one per (recipient, Message-ID), and each is the one the sheet names.
    expect(after).toHaveLength(SHEETS * 3);
    for (const m of after)
      expect(m).toMatchObject({
        status: 'sent',
        lastError: null,
        messageId: expect.stringMatching(/^<.+@tenderdesk>$/),
      });
    const keys = smtp.received.map((r) => `${r.rcptTo.join(',')} ${r.messageId}`);
    expect(keys).toHaveLength(SHEETS * 3);
    expect(new Set(keys).size).toBe(SHEETS * 3);
    expect([...keys].sort()).toEqual(after.map((m) => `${m.to.join(',')} ${m.messageId}`).sort());
    // Each retried message counts its attempts: the failed ones went out on a later attempt.
    for (const m of after) {
      const wasFailed = failed.some((f) => f.sheet === m.sheet && f.department === m.department && f.stage === m.stage);
      if (wasFailed) expect(m.attempts).toBeGreaterThanOrEqual(2);
    }
    // Whole messages: the department's subject and its signed PDF copy.
    for (const r of smtp.received) {
      const mail = await parseMail(r);
      expect(mail.subject).toMatch(/^合同联系单 .+（(财务联|技术联|生产联)）第1版 — 已出具，请会签$/);
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0].content.subarray(0, 5).toString()).toBe('%PDF-');
    }
  }, 240_000);

  // SMTP cannot be exactly-once when the server took a message and its 250 never reached us (RFC 5321 §6.1): the
  // message is sent again. What the service guarantees is that the copy sent again is recognisably the same.
  it('sends a copy whose acknowledgement was lost again, with the same Message-ID', async () => {
    const contractId = contracts[SHEETS];
    const before = smtp.received.length;
    let crashed: ReceivedMail | undefined;
    smtp.onMessage = (mail) => {
      if (crashed) return;
      crashed = mail;
      return 'crash';
    };
    const paid = await api
      .post('/api/payments')
      .send({ customerId, contractId, date: today(), amount: '2000.00', method: 'bank_transfer', nature: 'advance' });
    expect(paid.status).toBe(201);
    await until('a message taken, then the crash', async () => crashed, Boolean, 60_000, 50);
    const lost = await until(
      'its message waiting for another attempt',
      async () => (await mailings(contractId)).find((m) => m.to[0] === crashed!.rcptTo[0]),
      (m) => m?.status === 'queued' && m.lastError !== null,
      30_000,
      100,
    );
    expect(lost!.lastError).toMatch(/421/);
    await smtp.start();
    const sheet = await until(
      'every message sent',
      () => mailings(contractId),
      (ms) => ms.length === 3 && ms.every((m) => m.status === 'sent' || m.status === 'failed'),
      90_000,
      200,
    );
    await sleep(2000);

    const mine = smtp.received.slice(before);
    expect(sheet.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
    // The lost one arrived twice with one Message-ID (a mail client shows it once); the others once each.
    expect(mine.filter((m) => m.messageId === crashed!.messageId)).toHaveLength(2);
    expect(mine).toHaveLength(4);
    expect(new Set(mine.map((m) => `${m.rcptTo.join(',')} ${m.messageId}`)).size).toBe(3);
    expect(sheet.find((m) => m.to[0] === crashed!.rcptTo[0])).toMatchObject({
      messageId: crashed!.messageId,
      attempts: 2,
    });
  }, 180_000);
});
