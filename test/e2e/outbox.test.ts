import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PDFDocument } from 'pdf-lib';
import { TransactionRunner } from '../../src/database/transaction.js';
import { DocumentsService } from '../../src/modules/documents/documents.service.js';
import { OutboxService, type OutboxMessageView } from '../../src/modules/outbox/outbox.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { parseMail, sleep, startSmtp, until, type ControlledSmtp } from '../support/faults.js';

/**
 * The mail outbox against a real SMTP server on loopback that is down, then up: messages written in a transaction
 * are sent after its commit (never after a rollback), retried with backoff while the server is down, sent once per
 * key, given up after MAIL_RETRY_LIMIT retries (failed) and sent again by hand.
 */
describe('mail outbox', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let outbox: OutboxService;
  let tx: TransactionRunner;
  let manager: string;
  let documentId: string;
  const system = { id: null, name: 'test' } as unknown as { id: string; name: string };

  beforeAll(async () => {
    smtp = await startSmtp({ listen: false });
    t = await startTestApp('outbox', { SMTP_URL: smtp.url, MAIL_RETRY_LIMIT: '2', MAIL_RETRY_DELAY_SECONDS: '1' });
    outbox = t.app.get(OutboxService);
    tx = t.app.get(TransactionRunner);
    manager = (await t.userWith(['manager'])).token;
    const pdf = await PDFDocument.create();
    pdf.addPage();
    const stored = await t.app.get(DocumentsService).store(system, {
      type: 'outbox-test',
      subject: { type: 'contract', id: 'outbox-test' },
      record: { type: 'outbox-test', number: 'T-1' },
      title: 'Outbox test',
      locale: 'zh-CN',
      signed: false,
      templateVersions: {},
      files: [
        { format: 'pdf', bytes: Buffer.from(await pdf.save()), contentType: 'application/pdf', extension: 'pdf' },
      ],
      bundle: false,
    });
    documentId = stored.id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const request = (key: string, to = 'billing@customer.example.cn') => ({
    key,
    about: { type: 'test', id: '00000000-0000-4000-8000-000000000001' },
    audience: 'billing',
    to: [to],
    subject: `对账单 ${key}`,
    text: `请核对 ${key}`,
    attachments: [{ documentId, version: 1, format: 'pdf' as const, fileName: `${key}.pdf` }],
  });
  const get = (id: string) => outbox.get(id);
  const settled = (id: string) =>
    until(
      `message ${id} settled`,
      () => get(id),
      (m) => m.status === 'sent' || m.status === 'failed',
      60_000,
    );

  it('sends nothing written by a transaction that rolled back', async () => {
    await expect(
      tx.run(async () => {
        await outbox.queue(null, request('rolled-back'));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const listed = await t.http().get('/api/outbox').query({ subjectType: 'test' }).auth(manager, { type: 'bearer' });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((m: OutboxMessageView) => m.key)).not.toContain('rolled-back');
  });

  it('refuses an invalid address before writing anything', async () => {
    await expect(outbox.queue(null, request('bad-address', 'not an address'))).rejects.toMatchObject({
      code: 'INVALID_EMAIL',
    });
    const listed = await t.http().get('/api/outbox').query({ subjectType: 'test' }).auth(manager, { type: 'bearer' });
    expect(listed.body.items.map((m: OutboxMessageView) => m.key)).not.toContain('bad-address');
  });

  let givenUp: OutboxMessageView;
  it('gives a message up after MAIL_RETRY_LIMIT retries while the server stays down', async () => {
    givenUp = await tx.run(() => outbox.queue(null, request('given-up')));
    expect(givenUp.status).toBe('queued');
    const final = await settled(givenUp.id);
    expect(final).toMatchObject({ status: 'failed', attempts: 3 });
    expect(final!.lastError).toMatch(/^out of attempts/);
    expect(smtp.received).toHaveLength(0);
  }, 90_000);

  it('retries with backoff while the server is down and sends each key exactly once when it is back', async () => {
    const [a, b] = await tx.run(async () => [
      await outbox.queue(null, request('a')),
      await outbox.queue(null, request('b', 'finance@customer.example.cn')),
    ]);
    // The same key again (a retried job writing its mail again) is the same message: nothing new is queued.
    const again = await tx.run(() => outbox.queue(null, request('a')));
    expect(again.id).toBe(a!.id);

    await until(
      'a failed attempt each',
      async () => [await get(a!.id), await get(b!.id)],
      (ms) => ms.every((m) => m.attempts >= 1 && m.status === 'queued'),
      30_000,
    );
    expect((await get(a!.id)).lastError).toBeTruthy();
    await smtp.start();
    for (const m of [a!, b!]) expect(await settled(m.id)).toMatchObject({ status: 'sent', lastError: null });

    await sleep(1500); // room for a duplicate send, if there were one
    const ids = smtp.received.map((r) => r.messageId);
    expect(ids.sort()).toEqual([(await get(a!.id)).messageId, (await get(b!.id)).messageId].sort());
    const aId = (await get(a!.id)).messageId;
    const mail = await parseMail(smtp.received.find((r) => r.messageId === aId)!);
    expect(mail.subject).toBe('对账单 a');
    expect(mail.attachments.map((x) => x.filename)).toEqual(['a.pdf']);
    expect(mail.attachments[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');
  }, 90_000);

  it('sends a failed message again on request, and refuses to retry one that is not failed', async () => {
    const notFailed = await t
      .http()
      .post(`/api/outbox/${givenUp.id}/retry`)
      .auth((await t.userWith(['production'])).token, { type: 'bearer' });
    expect(notFailed.status).toBe(403);
    const res = await t.http().post(`/api/outbox/${givenUp.id}/retry`).auth(manager, { type: 'bearer' });
    expect(res.status).toBe(202);
    expect(await settled(givenUp.id)).toMatchObject({ status: 'sent' });
    expect(smtp.received.filter((r) => r.messageId === givenUp.messageId)).toHaveLength(1);
    const twice = await t.http().post(`/api/outbox/${givenUp.id}/retry`).auth(manager, { type: 'bearer' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('OUTBOX_NOT_FAILED');
  }, 90_000);
});
