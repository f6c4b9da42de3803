import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { parseMail, sleep, startSmtp, until, type ControlledSmtp } from '../support/faults.js';

/**
 * A contact sheet issued while the SMTP server is DOWN: its copies are issued and their mails wait in the outbox
 * (queued, retried with backoff, the error shown on the sheet); once the server is UP each department's mail
 * arrives exactly once, counted at a real SMTP server on loopback. Engineering has no address: its copy is issued
 * and shown as `no_address`, and nothing is sent for it.
 */
const MAIL = { finance: 'caiwu@outbox-test.example', production: 'diaodu@outbox-test.example' } as const;

interface Mailing {
  stage: string;
  department: string;
  status: string;
  to: string[];
  outboxMessageId: string | null;
  messageId: string | null;
  attempts: number;
  lastError: string | null;
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('contact sheet mail through the outbox: SMTP down, then up', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let contractId: string;
  let customerId: string;

  const api = {
    get: (path: string) => t.http().get(path).auth(t.adminToken, { type: 'bearer' }),
    post: (path: string) => t.http().post(path).auth(t.adminToken, { type: 'bearer' }),
  };
  const mailings = async (): Promise<Mailing[]> => {
    const res = await api.get(`/api/contracts/${contractId}/contact-sheet`);
    expect(res.status).toBe(200);
    return res.body.mailings as Mailing[];
  };

  beforeAll(async () => {
    smtp = await startSmtp({ listen: false }); // a port nobody listens on: connections are refused
    t = await startTestApp('csmailoutbox', {
      SMTP_URL: smtp.url,
      FINANCE_EMAIL: MAIL.finance,
      PRODUCTION_EMAIL: MAIL.production,
      MAIL_RETRY_LIMIT: '10',
      MAIL_RETRY_DELAY_SECONDS: '1',
    });
    const customer = await api.post('/api/customers').send({ name: '青澜钢铁集团有限公司' });
    expect(customer.status).toBe(201);
    customerId = customer.body.id as string;
    const c = await api.post('/api/contracts').send({
      customerId,
      projectName: '料位计改造',
      signingDate: today(),
      lines: [{ name: '核子料位开关', unit: '套', qty: '2', unitPrice: '67891.23', taxRate: '13' }],
      paymentTerms: [{ percent: '100', event: 'contract_signed' }],
    });
    expect(c.status).toBe(201);
    contractId = c.body.id as string;
    expect((await api.post(`/api/contracts/${contractId}/review`)).body.status).toBe('review_failed');
    expect((await api.post(`/api/contracts/${contractId}/approve`).send({ reason: '手工合同' })).body.status).toBe(
      'approved',
    );
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop(0);
  });

  it('issues and mails the sheet while the server is down; once it is up each mail arrives exactly once', async () => {
    const paid = await api
      .post('/api/payments')
      .send({ customerId, contractId, date: today(), amount: '1000.00', method: 'bank_transfer', nature: 'advance' });
    expect(paid.status).toBe(201);
    const jobId = paid.body.contactSheet.job.id as string;
    // Issuing does not wait for the mail: the job succeeds with the server down.
    const job = await until(
      'the sheet job',
      async () => (await api.get(`/api/jobs/${jobId}`)).body as { status: string; error: string | null },
      (j) => j.status === 'succeeded' || j.status === 'failed',
      120_000,
      200,
    );
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    const sheet = (await api.get(`/api/contracts/${contractId}/contact-sheet`)).body;
    expect(sheet.copies.map((c: { issuedVersion: number | null }) => c.issuedVersion)).toEqual([1, 1, 1]);

    // Down: each message has been tried (attempts, the error on the sheet) and waits for the next attempt.
    const waiting = await until(
      'every mail tried at least once',
      mailings,
      (ms) => ms.filter((m) => m.outboxMessageId).every((m) => m.attempts >= 1 && m.lastError !== null),
      30_000,
      200,
    );
    expect(waiting.map((m) => [m.department, m.stage, m.to])).toEqual([
      ['finance', 'issued', [MAIL.finance]],
      ['engineering', 'issued', []],
      ['production', 'issued', [MAIL.production]],
    ]);
    expect(waiting.find((m) => m.department === 'engineering')).toMatchObject({
      status: 'no_address',
      outboxMessageId: null,
    });
    for (const m of waiting.filter((x) => x.outboxMessageId)) {
      expect(['queued', 'sending']).toContain(m.status);
      expect(m.lastError).toMatch(/could not deliver the message: server unreachable/);
    }
    expect(smtp.received).toHaveLength(0);
    expect(smtp.sessions).toBe(0);

    // Up: every message goes out on its next attempt, once.
    await smtp.start();
    const sent = await until(
      'every mail sent',
      mailings,
      (ms) => ms.filter((m) => m.outboxMessageId).every((m) => m.status === 'sent'),
      60_000,
      200,
    );
    await sleep(3000); // a duplicate attempt would have arrived by now
    const byRecipient = smtp.received.map((r) => `${r.rcptTo.join(',')} ${r.messageId}`).sort();
    expect(byRecipient).toEqual(
      sent
        .filter((m) => m.outboxMessageId)
        .map((m) => `${m.to.join(',')} ${m.messageId}`)
        .sort(),
    );
    expect(smtp.received.map((r) => r.rcptTo[0]).sort()).toEqual([MAIL.finance, MAIL.production].sort());
    for (const m of sent.filter((x) => x.outboxMessageId)) {
      expect(m.attempts).toBeGreaterThanOrEqual(2);
      expect(m.lastError).toBeNull();
    }
    for (const r of smtp.received) {
      const mail = await parseMail(r);
      expect(mail.subject).toMatch(/^合同联系单 .+（(财务联|生产联)）第1版 — 已出具，请会签$/);
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0].content.subarray(0, 5).toString()).toBe('%PDF-');
    }
    // The outbox page lists the same messages about the sheet.
    const one = (await api.get(`/api/outbox/${sent[0].outboxMessageId}`)).body;
    expect(one).toMatchObject({ about: { type: 'contact-sheet' }, audience: 'finance', status: 'sent' });
    const listed = await api.get('/api/outbox').query({ subjectType: 'contact-sheet', subjectId: one.about.id });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((m: { id: string }) => m.id).sort()).toEqual(
      sent
        .filter((m) => m.outboxMessageId)
        .map((m) => m.outboxMessageId)
        .sort(),
    );
  }, 200_000);
});
