import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { DELIVERY_JOB } from '../../src/modules/deliveries/deliveries.service.js';
import { ObjectStorage } from '../../src/infrastructure/storage/object-storage.js';
import { JobsService, type JobHandler } from '../../src/modules/jobs/jobs.service.js';
import { RenderingService } from '../../src/rendering/rendering.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { parseMail, sleep, startSmtp, until, within, type ControlledSmtp } from '../support/faults.js';

const PRODUCTION_EMAIL = 'diaodu@huadong-instruments.example';
const CUSTOMER_EMAIL = 'shouhuo@qinglan-steel.example';

interface MailView {
  audience: string;
  to: string | null;
  status: string;
  messageId: string | null;
  outboxId: string | null;
  attempts: number;
  lastError: string | null;
}
interface DeliveryBody {
  id: string;
  number: string;
  renderJobId: string;
  document: { id: string; latestVersion: number; versions: unknown[] } | null;
  mail: MailView[];
}

/**
 * A delivery notice issued while the SMTP server (real, on loopback) is down: the notice is rendered and stored,
 * its two mails wait in the outbox and are retried; a second run of the same render job (a redelivered attempt)
 * stores no second version and queues no second mail; once the server is up, each mail arrives exactly once,
 * counted by Message-ID at the server, with the stored PDF attached and a text and an HTML part.
 */
describe('delivery notice mails through the outbox while the SMTP server is down, then up', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let manager: string;
  let contractId: string;
  let notice: DeliveryBody;

  const get = async (path: string) => {
    const res = await t.http().get(path).auth(manager, { type: 'bearer' });
    expect([path, res.status]).toEqual([path, 200]);
    return res.body as unknown;
  };
  const delivery = async () => (await get(`/api/deliveries/${notice.id}`)) as DeliveryBody;

  beforeAll(async () => {
    smtp = await startSmtp({ listen: false });
    t = await startTestApp('mail-delivery-outbox', {
      SMTP_URL: smtp.url,
      PRODUCTION_EMAIL,
      MAIL_RETRY_LIMIT: '20',
      MAIL_RETRY_DELAY_SECONDS: '1',
    });
    manager = (await t.userWith(['manager'], '王总')).token;
    const backoffice = (await t.userWith(['backoffice'], '内勤小张')).token;
    const customer = await t
      .http()
      .post('/api/customers')
      .auth(backoffice, { type: 'bearer' })
      .send({
        name: '青澜钢铁集团有限公司',
        contacts: [{ name: '赵志强', phone: '139 0000 0101', email: CUSTOMER_EMAIL }],
      });
    expect(customer.status).toBe(201);
    const contract = await t
      .http()
      .post('/api/contracts')
      .auth(backoffice, { type: 'bearer' })
      .send({
        customerId: customer.body.id,
        projectName: '炼铁厂烧结矿浆浓度测量改造',
        signingDate: new Date().toISOString().slice(0, 10),
        lines: [{ name: '核子密度计', specification: 'DN300', qty: '3', unit: '套', unitPrice: '123457.89' }],
        paymentTerms: [
          { percent: '30', event: 'contract_signed', days: 7, label: '预付款' },
          { percent: '70', event: 'before_delivery', label: '发货款' },
        ],
      });
    expect(contract.status).toBe(201);
    expect(
      (await t.http().post(`/api/contracts/${contract.body.id}/review`).auth(backoffice, { type: 'bearer' })).status,
    ).toBe(200);
    const approval = await t
      .http()
      .post(`/api/contracts/${contract.body.id}/approve`)
      .auth(manager, { type: 'bearer' })
      .send({ reason: '手工合同，总经理同意' });
    expect(approval.status).toBe(200);
    contractId = contract.body.id as string;
    // Nothing paid: the manager lets it through, which the production mail says.
    const issued = await t
      .http()
      .post('/api/deliveries')
      .auth(manager, { type: 'bearer' })
      .send({
        contractId: contract.body.id,
        items: [{ line: 1, qty: '2' }],
        shipDate: new Date().toISOString().slice(0, 10),
        consignee: '赵志强',
        address: '山东省日照市岚山区钢城大道1号',
        contactPhone: '139 0000 0101',
        carrier: '德邦物流',
        override: { reason: '客户急需，总经理同意先发货' },
      });
    expect(issued.status).toBe(201);
    notice = issued.body as DeliveryBody;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  let job: { status: string; result: { documentId: string; version: number; mail: Record<string, string> } };

  it('renders and stores the notice while the server is down; its two mails wait in the outbox, retried', async () => {
    job = await until(
      'the render job',
      async () => (await get(`/api/jobs/${notice.renderJobId}`)) as typeof job,
      (j) => j.status === 'succeeded' || j.status === 'failed',
      180_000,
      250,
    );
    expect(job.status).toBe('succeeded');
    const waiting = await until(
      'a failed attempt of each mail',
      delivery,
      (d) => d.mail.every((m) => m.attempts >= 1),
      60_000,
      250,
    );
    expect(waiting.document).toMatchObject({ latestVersion: 1 });
    expect(waiting.mail.map((m) => [m.audience, m.to, m.status])).toEqual([
      ['production', PRODUCTION_EMAIL, 'queued'],
      ['customer', CUSTOMER_EMAIL, 'queued'],
    ]);
    for (const m of waiting.mail) expect(m.lastError).toBeTruthy();
    expect(job.result).toMatchObject({
      documentId: waiting.document!.id,
      version: 1,
      mail: { production: waiting.mail[0].outboxId, customer: waiting.mail[1].outboxId },
    });
    expect(smtp.received).toHaveLength(0);
  }, 240_000);

  it('stores no second version and queues no second mail when the same job runs again', async () => {
    const jobs = t.app.get(JobsService) as unknown as { handlers: Map<string, { handler: JobHandler<object> }> };
    const payload = (
      await t.db.query<{ payload: object }>('SELECT payload FROM jobs WHERE id = $1', [notice.renderJobId])
    )[0].payload;
    const again = await jobs.handlers.get(DELIVERY_JOB)!.handler(payload, {
      jobId: notice.renderJobId,
      attempt: 2,
      progress: async () => undefined,
    });
    expect(again).toEqual(job.result);
    const after = await delivery();
    expect(after.document).toMatchObject({ latestVersion: 1, versions: [expect.anything()] });
    const messages = await t.db.query<{ key: string }>(
      "SELECT key FROM outbox_messages WHERE subject_type = 'delivery' AND subject_id = $1 ORDER BY key",
      [notice.id],
    );
    expect(messages.map((m) => m.key)).toEqual([`delivery:${notice.id}:customer`, `delivery:${notice.id}:production`]);
  }, 120_000);

  it('sends each mail exactly once when the server comes up, with the stored PDF, a text and an HTML part', async () => {
    await smtp.start();
    const sent = await until(
      'both mails sent',
      delivery,
      (d) => d.mail.every((m) => m.status === 'sent' || m.status === 'failed'),
      120_000,
      250,
    );
    expect(sent.mail.map((m) => [m.audience, m.status])).toEqual([
      ['production', 'sent'],
      ['customer', 'sent'],
    ]);
    await sleep(2000); // room for a duplicate send, if there were one

    // Counted at the server: no Message-ID twice, and the notice's mails are exactly its two outbox rows. (Other
    // workflows may mail about the contract: told apart by the subject.)
    const all = smtp.received.map((r) => r.messageId);
    expect(new Set(all).size).toBe(all.length);
    const subjects = await Promise.all(smtp.received.map(async (r) => (await parseMail(r)).subject));
    const about = smtp.received.filter((_, i) => subjects[i].startsWith(`发货通知 ${notice.number}`));
    expect(about.map((r) => r.messageId).sort()).toEqual(sent.mail.map((m) => m.messageId!).sort());
    const pdf = await t
      .http()
      .get(`/api/deliveries/${notice.id}/file?format=pdf`)
      .auth(manager, { type: 'bearer' })
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    for (const m of sent.mail) {
      const received = smtp.received.filter((r) => r.messageId === m.messageId);
      expect([m.audience, received.length]).toEqual([m.audience, 1]);
      expect(received[0].rcptTo).toEqual([m.to]);
      const mail = await parseMail(received[0]);
      expect(mail.subject.startsWith(`发货通知 ${notice.number}`)).toBe(true);
      expect(mail.attachments.map((a) => a.filename)).toEqual([`发货通知单-${notice.number}.pdf`]);
      expect(mail.attachments[0].content.equals(pdf.body as Buffer)).toBe(true);
      const parts = await simpleParser(received[0].raw);
      expect(parts.text).toContain(`发货通知单号：${notice.number}`);
      expect(parts.html || '').toContain(`发货通知单号：${notice.number}`);
      expect(`${mail.subject}\n${parts.text}`).not.toContain('123457.89');
    }
    const production = await simpleParser(about.find((r) => r.rcptTo.includes(PRODUCTION_EMAIL))!.raw);
    expect(production.text).toContain('【凭审批发货】审批人：王总');
    expect(production.text).not.toContain('客户急需');
  }, 180_000);

  it('stores and mails nothing for a notice cancelled between its render and its transaction', async () => {
    // The test's only hook, on this app's instance: the notice's render returns, then its job waits here until the
    // cancel has committed. The job's transaction that follows is the real one.
    const rendering = t.app.get(RenderingService);
    const render = rendering.render;
    let printed!: () => void;
    const rendered = new Promise<void>((resolve) => (printed = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    rendering.render = async (req) => {
      const result = await render.call(rendering, req);
      if (req.template === 'delivery-notice') {
        printed();
        await held;
      }
      return result;
    };
    const storage = t.app.get(ObjectStorage);
    const objects = (await storage.list('documents/')).length;
    try {
      const issued = await t
        .http()
        .post('/api/deliveries')
        .auth(manager, { type: 'bearer' })
        .send({
          contractId,
          items: [{ line: 1, qty: '1' }],
          shipDate: new Date().toISOString().slice(0, 10),
          consignee: '赵志强',
          address: '山东省日照市岚山区钢城大道1号',
          contactPhone: '139 0000 0101',
          override: { reason: '客户急需，总经理同意先发货' },
        });
      expect(issued.status).toBe(201);
      const second = issued.body as DeliveryBody;
      expect(await within(rendered, 120_000).then(() => 'rendered')).toBe('rendered');
      const cancelled = await t
        .http()
        .post(`/api/deliveries/${second.id}/cancel`)
        .auth(manager, { type: 'bearer' })
        .send({ reason: '客户取消本批' });
      expect([cancelled.status, cancelled.body.status]).toEqual([200, 'cancelled']);
      release();

      const job = await until(
        "the cancelled notice's job",
        async () => (await get(`/api/jobs/${second.renderJobId}`)) as { status: string; result: unknown },
        (j) => j.status === 'succeeded' || j.status === 'failed',
        60_000,
        250,
      );
      expect(job).toMatchObject({ status: 'succeeded', result: { deliveryId: second.id, cancelled: true } });
      expect(await get(`/api/deliveries/${second.id}`)).toMatchObject({ status: 'cancelled', document: null });
      const rows = async (table: string) =>
        (
          await t.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${table} WHERE subject_type = 'delivery' AND subject_id = $1`,
            [second.id],
          )
        )[0].n;
      expect({ documents: await rows('documents'), mails: await rows('outbox_messages') }).toEqual({
        documents: 0,
        mails: 0,
      });
      expect((await storage.list('documents/')).length).toBe(objects);
    } finally {
      release();
      rendering.render = render;
    }
  }, 180_000);
});
