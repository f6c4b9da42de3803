import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { loadConfig } from '../../src/config/app-config.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../src/config/config.module.js';
import { createMailer, MailModule } from '../../src/infrastructure/mail/mail.module.js';
import { MailDeliveryError, Mailer, type MailMessage } from '../../src/infrastructure/mail/mailer.js';
import { OutboxMailer } from '../../src/infrastructure/mail/outbox.driver.js';
import { SmtpMailer } from '../../src/infrastructure/mail/smtp.driver.js';
import { startSmtp, type ControlledSmtp } from '../support/faults.js';

// Every driver must pass the same contract: what the services hand over is what a mail client reads.

const FROM = '天衡对账 <billing@tenderdesk.example>';
const REFUSED = 'refused@huadong-instruments.example';

/** Bytes that look like a PDF and would break under any text re-encoding (NUL, 0xFF, bare CR). */
const pdf = Buffer.concat([
  Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
  Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)),
  Buffer.from('\r\n%%EOF\n'),
]);

const statement: MailMessage = {
  to: ['华东仪表 财务部 <finance@huadong-instruments.example>'],
  cc: ['sales@tenderdesk.example'],
  bcc: ['archive@tenderdesk.example'],
  replyTo: 'ar@tenderdesk.example',
  subject: '对账单 2026年10月 — 华东仪表',
  text: '尊敬的华东仪表财务部：\n\n附件为贵司2026年10月对账单，合计应收 ¥12,345.67（壹万贰仟叁佰肆拾伍元陆角柒分）。\n请于十个工作日内核对。\n',
  html: '<p>尊敬的华东仪表财务部：</p><p>附件为贵司<b>2026年10月</b>对账单。</p>',
  attachments: [{ filename: '对账单-华东仪表-2026年10月.pdf', content: pdf, contentType: 'application/pdf' }],
  headers: { 'X-Tenderdesk-Document': 'statement/2026-10/C-0042' },
};

interface Harness {
  mailer: Mailer;
  /** Raw messages the driver has delivered so far, oldest first. */
  delivered(): Promise<Buffer[]>;
  /** SMTP envelope recipients per delivered message (the outbox has no envelope). */
  envelopes(): string[][] | undefined;
  stop(): Promise<void>;
}

async function smtpHarness(): Promise<Harness> {
  const server = await startSmtp({ refuse: [REFUSED] });
  const storage = await mkdtemp(join(tmpdir(), 'tenderdesk-mail-'));
  const config = loadConfig({ STORAGE_DIR: storage, SMTP_URL: server.url, MAIL_FROM: FROM });
  const mailer = createMailer(config);
  return {
    mailer,
    delivered: async () => server.received.map((m) => m.raw),
    envelopes: () => server.received.map((m) => m.rcptTo),
    stop: async () => {
      (mailer as SmtpMailer).onModuleDestroy();
      await server.stop();
      await rm(storage, { recursive: true, force: true });
    },
  };
}

async function outboxHarness(): Promise<Harness> {
  const storage = await mkdtemp(join(tmpdir(), 'tenderdesk-mail-'));
  const config = loadConfig({ STORAGE_DIR: storage, MAIL_FROM: FROM });
  const mailer = createMailer(config) as OutboxMailer;
  return {
    mailer,
    delivered: async () => Promise.all((await mailer.list()).map((f) => readFile(f))),
    envelopes: () => undefined,
    stop: () => rm(storage, { recursive: true, force: true }),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value).map((v) => ({ name: v.name, address: v.address ?? '' }));
}

async function expectInvalidEmail(promise: Promise<unknown>, field: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppException);
  expect(err).toMatchObject({ code: 'INVALID_EMAIL', status: 400, details: { field } });
}

describe.each([
  ['smtp', smtpHarness],
  ['outbox', outboxHarness],
] as const)('Mailer contract: %s driver', (kind, start) => {
  let h: Harness;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('reports its kind', () => {
    expect(h.mailer.kind).toBe(kind);
  });

  it('delivers a Chinese statement with HTML and a PDF attachment exactly as sent', async () => {
    const before = (await h.delivered()).length;
    const sent = await h.mailer.send(statement);

    const raw = await h.delivered();
    expect(raw).toHaveLength(before + 1);
    const mail: ParsedMail = await simpleParser(raw[raw.length - 1]!);

    expect(mail.subject).toBe(statement.subject);
    expect(addresses(mail.from)).toEqual([{ name: '天衡对账', address: 'billing@tenderdesk.example' }]);
    expect(addresses(mail.to)).toEqual([{ name: '华东仪表 财务部', address: 'finance@huadong-instruments.example' }]);
    expect(addresses(mail.cc)).toEqual([{ name: '', address: 'sales@tenderdesk.example' }]);
    expect(addresses(mail.replyTo)).toEqual([{ name: '', address: 'ar@tenderdesk.example' }]);
    expect(mail.text).toBe(statement.text);
    expect(mail.html).toBe(statement.html);
    expect(mail.headers.get('x-tenderdesk-document')).toBe('statement/2026-10/C-0042');
    expect(mail.messageId).toBe(sent.messageId);

    expect(mail.attachments).toHaveLength(1);
    const [attachment] = mail.attachments;
    expect(attachment!.filename).toBe('对账单-华东仪表-2026年10月.pdf');
    expect(attachment!.contentType).toBe('application/pdf');
    expect(attachment!.content.equals(pdf)).toBe(true);

    const recipients = [
      'archive@tenderdesk.example',
      'finance@huadong-instruments.example',
      'sales@tenderdesk.example',
    ];
    expect([...sent.accepted].sort()).toEqual(recipients);
    expect(sent.rejected).toEqual([]);
    const envelopes = h.envelopes();
    if (envelopes) {
      // On the wire the Bcc recipient is in the envelope only, never in a header the others read.
      expect([...envelopes[envelopes.length - 1]!].sort()).toEqual(recipients);
      expect(mail.bcc).toBeUndefined();
      expect(raw[raw.length - 1]!.toString('latin1')).not.toContain('archive@tenderdesk.example');
    } else {
      // The outbox file has no envelope, so it keeps the Bcc header as the record of the blind copy.
      expect(addresses(mail.bcc)).toEqual([{ name: '', address: 'archive@tenderdesk.example' }]);
    }
  });

  it('keeps a Message-ID fixed by the caller, so a re-send is recognisable', async () => {
    const sent = await h.mailer.send({ ...statement, messageId: 'statement-2026-10-42@tenderdesk.example' });
    const raw = await h.delivered();
    const mail = await simpleParser(raw[raw.length - 1]!);
    expect(sent.messageId).toBe('<statement-2026-10-42@tenderdesk.example>');
    expect(mail.messageId).toBe('<statement-2026-10-42@tenderdesk.example>');
  });

  it.each<[string, Partial<MailMessage>]>([
    ['to', { to: ['finance at huadong-instruments.example'] }],
    ['to', { to: ['finance@huadong-instruments.example, sneaky@else.example'] }],
    ['cc', { cc: ['华东仪表 <finance@@huadong.example>'] }],
    ['bcc', { bcc: ['archive@tenderdesk..example'] }],
    ['replyTo', { replyTo: 'ar@' }],
    ['from', { from: 'billing' }],
    ['to', { to: [], cc: [], bcc: [] }],
  ])('rejects an invalid %s with INVALID_EMAIL and delivers nothing (%j)', async (field, change) => {
    const before = (await h.delivered()).length;
    await expectInvalidEmail(h.mailer.send({ ...statement, ...change }), field);
    expect(await h.delivered()).toHaveLength(before);
  });

  it('answers a ping', async () => {
    await expect(h.mailer.ping()).resolves.toBeUndefined();
  });
});

describe('SMTP driver failures', () => {
  let server: ControlledSmtp;
  let mailer: SmtpMailer;
  let storage: string;
  beforeAll(async () => {
    server = await startSmtp({ refuse: [REFUSED] });
    storage = await mkdtemp(join(tmpdir(), 'tenderdesk-mail-'));
    mailer = createMailer(loadConfig({ STORAGE_DIR: storage, SMTP_URL: server.url })) as SmtpMailer;
  });
  afterAll(async () => {
    mailer.onModuleDestroy();
    await server.stop(); // stopping twice is harmless: the last test already stopped it
    await rm(storage, { recursive: true, force: true });
  });

  it('reports a recipient the server refuses as a permanent delivery error', async () => {
    const err = await mailer.send({ ...statement, to: [REFUSED], cc: [], bcc: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailDeliveryError);
    expect((err as MailDeliveryError).message).toMatch(/server refused/);
    expect((err as MailDeliveryError).message).toContain('550');
    expect((err as MailDeliveryError).permanent).toBe(true);
    expect(server.received).toHaveLength(0);
  });

  it('lists a refused recipient as rejected while delivering to the others', async () => {
    const sent = await mailer.send({
      ...statement,
      to: ['finance@huadong-instruments.example', REFUSED],
      cc: [],
      bcc: [],
    });
    expect(sent.accepted).toEqual(['finance@huadong-instruments.example']);
    expect(sent.rejected).toEqual([REFUSED]);
    expect(server.received).toHaveLength(1);
  });

  it('fails send and ping quickly, and retryably, once the server is gone', async () => {
    await expect(mailer.ping()).resolves.toBeUndefined();
    await server.stop();

    const started = Date.now();
    const err = await mailer.send(statement).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailDeliveryError);
    expect((err as MailDeliveryError).message).toMatch(
      new RegExp(`SMTP 127\\.0\\.0\\.1:${server.port} .*server unreachable`),
    );
    expect((err as MailDeliveryError).permanent).toBe(false);
    await expect(mailer.ping()).rejects.toThrow(/server unreachable/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('Outbox driver files', () => {
  let storage: string;
  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), 'tenderdesk-mail-'));
  });
  afterAll(async () => {
    await rm(storage, { recursive: true, force: true });
  });

  it('writes <ISO timestamp>-<message id>.eml under STORAGE_DIR/outbox and leaves no temp file', async () => {
    const mailer = createMailer(loadConfig({ STORAGE_DIR: storage })) as OutboxMailer;
    expect(mailer.dir).toBe(join(storage, 'outbox'));
    expect(await mailer.list()).toEqual([]);

    await mailer.send({ ...statement, messageId: '<a/b c@tenderdesk.example>' });
    const files = await mailer.list();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\/outbox\/\d{8}T\d{6}\.\d{3}Z-a_b_c@tenderdesk\.example\.eml$/);
    expect(await readdir(mailer.dir)).toEqual([files[0]!.split('/').pop()]);
    // Written as on the wire: CRLF line ends throughout.
    const raw = (await readFile(files[0]!)).toString('latin1');
    expect(raw.split('\n').length).toBeGreaterThan(10);
    expect(raw.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('fails ping when the outbox cannot be written', async () => {
    const notADir = join(storage, 'a-file');
    await writeFile(notADir, 'x');
    const mailer = new OutboxMailer(join(notADir, 'outbox'), FROM);
    await expect(mailer.ping()).rejects.toThrow(/ENOTDIR|EEXIST/);
    await expect(mailer.send(statement)).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});

describe('MailModule', () => {
  async function mailerFor(env: Record<string, string>): Promise<{ mailer: Mailer; close: () => Promise<void> }> {
    @Module({ imports: [ConfigModule.forRoot(loadConfig(env)), MailModule] })
    class RootModule {}
    const app = await NestFactory.createApplicationContext(RootModule, { logger: false });
    return { mailer: app.get(Mailer), close: () => app.close() };
  }

  it('provides the outbox driver when SMTP_URL is unset and the SMTP driver when it is set', async () => {
    const storage = await mkdtemp(join(tmpdir(), 'tenderdesk-mail-'));
    try {
      const outbox = await mailerFor({ STORAGE_DIR: storage });
      expect(outbox.mailer).toBeInstanceOf(OutboxMailer);
      expect((outbox.mailer as OutboxMailer).dir).toBe(join(storage, 'outbox'));
      await outbox.close();

      const smtp = await mailerFor({ STORAGE_DIR: storage, SMTP_URL: 'smtp://127.0.0.1:2525' });
      expect(smtp.mailer).toBeInstanceOf(SmtpMailer);
      await smtp.close();
    } finally {
      await rm(storage, { recursive: true, force: true });
    }
  });
});
