import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { toChineseCapital } from '../../src/common/chinese-numerals.js';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { pdfText, squash, tool, withFiles } from '../support/tools.js';

/**
 * Issue #18: contact lists issued through the DocumentIssuer. A finance and a production list are issued over a
 * real PostgreSQL, Chromium and an SMTP server on loopback; the stored files are read with pdftotext, pdfsig and
 * python-docx, the mail is caught by the SMTP server.
 */

// As prices-hidden.test.ts judges a key: a commercial figure.
const PRICE_KEY = /price|amount|discount|total|subtotal|^net$|^tax$|taxAmount|balance|paid|outstanding|received/i;
const MAIL = { finance: 'caiwu@huadong-instruments.example', production: 'diaodu@huadong-instruments.example' };

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function keys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keys(v, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...keys(v, `${path}.${k}`)]);
  return [];
}

/** Every way an amount can be printed (written here on its own, not taken from the code under test). */
function forms(amount: string): string[] {
  const [int, frac] = amount.replace(/^-/, '').split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return [
    ...new Set([
      `${int}.${frac}`,
      `${int}.${frac}`.replace(/0+$/, '').replace(/\.$/, ''),
      int,
      `${grouped}.${frac}`,
      grouped,
      toChineseCapital(amount),
    ]),
  ];
}
const found = (text: string, amounts: string[]) =>
  amounts.flatMap((a) => forms(a).filter((f) => squash(text).includes(f)));

interface Received {
  rcptTo: string[];
  mail: ParsedMail;
}

interface IssuedList {
  id: string;
  number: string;
  audience: string;
  contractCount: number;
  document: { id: string; version: number; formats: string[]; signed: boolean };
  mail: { id: string; key: string; status: string; to: string[] }[];
  [k: string]: unknown;
}

describe('contact lists issued as signed documents (issue #18)', () => {
  let t: TestApp;
  let smtp: SMTPServer;
  const received: Received[] = [];
  const tokens: Record<string, string> = {};
  let contract: { id: string; number: string; total: string; subtotal: string };
  /** The contract's figures: none may reach a production list, its mail or its JSON. */
  let amounts: string[];
  let finance: IssuedList;
  let production: IssuedList;

  const as = (role: string) => {
    const token = role === 'admin' ? t.adminToken : tokens[role];
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      file: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
    };
  };
  const file = async (role: string, id: string, format: 'pdf' | 'docx') => {
    const res = await as(role).file(`/api/contracts/contact-lists/${id}/file?format=${format}`);
    expect(res.status).toBe(200);
    return res.body as Buffer;
  };
  /** The messages the SMTP server got for this address, once `count` have arrived (or a minute went by). */
  const mailsTo = async (address: string, count: number) => {
    const deadline = Date.now() + 60_000;
    const of = () => received.filter((r) => r.rcptTo.includes(address));
    while (of().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    return of();
  };
  const written = async () => ({
    lists: await t.db.query('SELECT id FROM issued_contact_lists ORDER BY id'),
    counters: await t.db.query('SELECT year, last FROM contact_list_counters'),
    documents: await t.db.query('SELECT id FROM documents ORDER BY id'),
    outbox: await t.db.query('SELECT id FROM outbox_messages ORDER BY id'),
    audit: await t.db.query('SELECT count(*)::int AS n FROM audit_log'),
  });

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          void simpleParser(Buffer.concat(chunks)).then((mail) => {
            received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), mail });
            callback();
          });
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const port = (smtp.server.address() as AddressInfo).port;
    t = await startTestApp('contactlists', { SMTP_URL: `smtp://127.0.0.1:${port}` });
    for (const [key, roles, name] of [
      ['backoffice', ['backoffice'], '内勤小张'],
      ['sales', ['sales'], '业务员小王'],
      ['salesEngineering', ['sales', 'engineering'], '兼职小赵'],
      ['finance', ['finance'], '李会计'],
      ['engineering', ['engineering'], '周工程师'],
      ['production', ['production'], '陈调度'],
      ['manager', ['manager'], '王总'],
    ] as const) {
      tokens[key] = (await t.userWith([...roles], name)).token;
    }
    const customer = await as('admin')
      .post('/api/customers')
      .send({ name: '青澜钢铁集团有限公司', contacts: [{ name: '赵志强', phone: '139 1234 5601', billing: true }] });
    expect(customer.status).toBe(201);
    // A distinctive price: no date, number or count on the lists can contain it or the totals made of it.
    const created = await as('admin')
      .post('/api/contracts')
      .send({
        customerId: customer.body.id,
        projectName: '炼铁厂烧结矿浆浓度测量改造',
        currency: 'CNY',
        signingDate: today(),
        lines: [{ name: '核子密度计', qty: '1', unit: '套', unitPrice: '123457.89', discount: '0', taxRate: '13' }],
        paymentTerms: [{ percent: '100', event: 'other', days: 30, label: '验收后' }],
      });
    expect(created.status).toBe(201);
    contract = created.body;
    amounts = [contract.total, contract.subtotal, '123457.89'];
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it('issues the finance list: 201, signed PDF with the amounts and DOCX stored, audited, mailed once with the PDF', async () => {
    const res = await as('finance')
      .post('/api/contracts/contact-lists')
      .send({ audience: 'finance', from: today(), to: today(), mailTo: [MAIL.finance] });
    expect(res.status).toBe(201);
    finance = res.body;
    expect(finance).toMatchObject({
      number: expect.stringMatching(/^CL\d{4}-0001$/),
      audience: 'finance',
      period: { from: today(), to: today() },
      statuses: [],
      contractCount: 1,
      mailTo: [MAIL.finance],
      issuedBy: { name: '李会计' },
      document: { version: 1, signed: true },
    });
    expect([...finance.document.formats].sort()).toEqual(['docx', 'pdf']);
    expect(finance.mail).toEqual([expect.objectContaining({ key: `contact-list:${finance.id}`, to: [MAIL.finance] })]);

    const pdf = await file('finance', finance.id, 'pdf');
    const text = squash(await pdfText(pdf));
    expect(text).toContain(finance.number);
    expect(text).toContain(contract.number);
    expect(text).toContain('财务版');
    expect(found(text, [contract.total]).length).toBeGreaterThan(0);
    const sig = await withFiles({ 'l.pdf': pdf }, (dir) => tool('pdfsig', [join(dir, 'l.pdf')]));
    expect(sig.out).toContain('Signature is Valid.');
    const docx = squash(pyDocxText(await readDocxWithPython(await file('finance', finance.id, 'docx'))));
    expect(docx).toContain(finance.number);
    expect(docx).toContain(contract.number);

    const audit = await t.db.query(
      "SELECT action, actor_name, details FROM audit_log WHERE entity_type = 'contact-list' AND entity_id = $1",
      [finance.id],
    );
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'contact-list.issue',
        actor_name: '李会计',
        details: expect.objectContaining({
          number: finance.number,
          audience: 'finance',
          documentId: finance.document.id,
        }),
      }),
    ]);
    const docRow = await t.db.query('SELECT type, subject_type, subject_id, origin FROM documents WHERE id = $1', [
      finance.document.id,
    ]);
    expect(docRow).toEqual([
      { type: 'contact-list-finance', subject_type: 'contact-list', subject_id: finance.id, origin: 'workflow' },
    ]);

    const mails = await mailsTo(MAIL.finance, 1);
    await new Promise((r) => setTimeout(r, 1_500)); // a second message would have come by now
    expect(received.filter((r) => r.rcptTo.includes(MAIL.finance))).toHaveLength(1);
    const { mail } = mails[0];
    expect(mail.subject).toContain(finance.number);
    expect(mail.text).toContain('李会计');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0].contentType).toBe('application/pdf');
    expect(mail.attachments[0].filename).toBe(`合同联系清单-${finance.number}.pdf`);
    // The attachment is the stored, signed file: what was sent can be shown later.
    expect(sha256(mail.attachments[0].content)).toBe(sha256(pdf));
    const view = await as('finance').get(`/api/contracts/contact-lists/${finance.id}`);
    expect(view.status).toBe(200);
    expect(view.body.mail).toEqual([expect.objectContaining({ status: 'sent' })]);
  }, 180_000);

  it('issues the production list with no amount anywhere: PDF, DOCX, mail and JSON', async () => {
    const res = await as('backoffice')
      .post('/api/contracts/contact-lists')
      .send({
        audience: 'production',
        from: today(),
        statuses: ['draft'],
        formats: ['pdf', 'docx'],
        mailTo: [MAIL.production],
      });
    expect(res.status).toBe(201);
    production = res.body;
    expect(production).toMatchObject({
      number: expect.stringMatching(/^CL\d{4}-0002$/),
      audience: 'production',
      period: { from: today(), to: null },
      statuses: ['draft'],
      contractCount: 1,
      document: { signed: true },
    });
    const pdf = await file('production', production.id, 'pdf');
    const text = await pdfText(pdf);
    expect(squash(text)).toContain(production.number);
    expect(squash(text)).toContain(contract.number);
    expect(squash(text)).toContain('生产版');
    expect(found(text, amounts)).toEqual([]);
    expect(text).not.toMatch(/合同金额|已收款|未收款|¥/);
    const sig = await withFiles({ 'p.pdf': pdf }, (dir) => tool('pdfsig', [join(dir, 'p.pdf')]));
    expect(sig.out).toContain('Signature is Valid.');
    const docx = pyDocxText(await readDocxWithPython(await file('production', production.id, 'docx')));
    expect(squash(docx)).toContain(contract.number);
    expect(found(docx, amounts)).toEqual([]);

    const mails = await mailsTo(MAIL.production, 1);
    expect(mails).toHaveLength(1);
    const { mail } = mails[0];
    expect(found(`${mail.subject} ${mail.text} ${String(mail.html)}`, amounts)).toEqual([]);
    expect(sha256(mail.attachments[0].content)).toBe(sha256(pdf));

    for (const path of ['/api/contracts/contact-lists', `/api/contracts/contact-lists/${production.id}`]) {
      const view = await as('production').get(path);
      expect(view.status).toBe(200);
      // A page's `total` counts the lists; it is no figure.
      const priced = keys(view.body).filter((k) => k !== '.total' && PRICE_KEY.test(k.split('.').pop()!));
      expect(priced).toEqual([]);
      expect(found(JSON.stringify(view.body), amounts)).toEqual([]);
    }
  }, 180_000);

  it('shows production only the production lists; the finance list and its document stay closed to it', async () => {
    const mine = await as('production').get('/api/contracts/contact-lists');
    expect(mine.body.items.map((l: IssuedList) => l.number)).toEqual([production.number]);
    expect(mine.body.total).toBe(1);
    for (const path of [
      `/api/contracts/contact-lists/${finance.id}`,
      `/api/contracts/contact-lists/${finance.id}/file?format=pdf`,
    ]) {
      const res = await as('production').get(path);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 403,
        code: 'FINANCE_LIST_NOT_ALLOWED',
      });
    }
    // Nor through /api/documents: production reads no document there, and a role that does (engineering) reads
    // the finance list's only if it may read the finance list.
    for (const role of ['production', 'engineering']) {
      const doc = await as(role).file(`/api/documents/${finance.document.id}/file`);
      expect({ role, status: doc.status }).toEqual({ role, status: 403 });
    }
    expect((await as('engineering').get(`/api/contracts/contact-lists/${production.id}`)).status).toBe(200);
    expect((await as('finance').get(`/api/documents/${finance.document.id}`)).status).toBe(200);
  });

  it('lists the issued lists newest first, paginated, for the roles that may read the finance list', async () => {
    const all = await as('manager').get('/api/contracts/contact-lists');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, pageSize: 50 });
    expect(all.body.items.map((l: IssuedList) => l.number)).toEqual([production.number, finance.number]);
    const second = await as('finance').get('/api/contracts/contact-lists?page=2&pageSize=1');
    expect(second.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(second.body.items.map((l: IssuedList) => l.number)).toEqual([finance.number]);
    expect((await as('finance').get('/api/contracts/contact-lists?pageSize=0')).status).toBe(400);
  });

  it('names the list in /verify: origin workflow, contact-list and its number; POST /api/documents may not use the subject', async () => {
    const pdf = await file('finance', finance.id, 'pdf');
    const v = await t.http().post('/api/documents/verify').attach('file', pdf, 'list.pdf');
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({
      valid: true,
      documentId: finance.document.id,
      origin: 'workflow',
      record: { type: 'contact-list', number: finance.number },
    });
    const forged = await as('backoffice')
      .post('/api/documents?wait=true')
      .send({
        template: 'contact-list',
        data: { audience: 'production', generatedAt: new Date().toISOString(), rows: [] },
        subject: { type: 'contact-list', id: finance.id },
      });
    expect(forged.status).toBe(422);
    expect(forged.body.error.code).toBe('SUBJECT_RESERVED');
  });

  it('refuses the roles that may not issue or read, and bad input, changing nothing', async () => {
    const before = await written();
    const mailsBefore = received.length;
    const outcomes: string[] = [];
    const post = async (role: string, body: object) => {
      const res = await as(role).post('/api/contracts/contact-lists').send(body);
      outcomes.push(`${role} ${JSON.stringify(body)}: ${res.status} ${res.body.error?.code}`);
    };
    const valid = { audience: 'production', mailTo: [MAIL.production] };
    for (const role of ['production', 'engineering', 'sales', 'salesEngineering']) await post(role, valid);
    await post('backoffice', { ...valid, audience: 'everyone' });
    await post('backoffice', { ...valid, from: today(), to: '2000-01-01' });
    await post('backoffice', { ...valid, from: '2026-02-30' });
    await post('backoffice', { ...valid, statuses: ['bogus'] });
    await post('backoffice', { ...valid, formats: ['xlsx'] });
    await post('backoffice', { ...valid, formats: [] });
    await post('backoffice', { ...valid, mailTo: ['not an address'] });
    await post('backoffice', { ...valid, mailTo: [] });
    await post('backoffice', {});
    expect(outcomes).toEqual([
      ...['production', 'engineering', 'sales', 'salesEngineering'].map(
        (r) => `${r} ${JSON.stringify(valid)}: 403 FORBIDDEN`,
      ),
      ...outcomes.slice(4).map((o) => o.replace(/: .*$/, ': 400 VALIDATION_FAILED')),
    ]);
    const reads: string[] = [];
    for (const [role, path] of [
      ['sales', '/api/contracts/contact-lists'],
      ['salesEngineering', '/api/contracts/contact-lists'],
      ['salesEngineering', `/api/contracts/contact-lists/${production.id}`],
      ['salesEngineering', `/api/contracts/contact-lists/${production.id}/file`],
      ['backoffice', '/api/contracts/contact-lists/00000000-0000-4000-8000-000000000000'],
      ['backoffice', '/api/contracts/contact-lists/not-a-uuid'],
      ['backoffice', `/api/contracts/contact-lists/${production.id}/file?format=xlsx`],
    ] as const) {
      const res = await as(role).get(path);
      reads.push(`${role} ${path}: ${res.status} ${res.body?.error?.code}`);
    }
    expect(reads.map((r) => r.replace(/^.*: /, ''))).toEqual([
      '403 FORBIDDEN',
      '403 NOT_YOUR_RECORD',
      '403 NOT_YOUR_RECORD',
      '403 NOT_YOUR_RECORD',
      '404 CONTACT_LIST_NOT_FOUND',
      '400 INVALID_ID',
      '400 VALIDATION_FAILED',
    ]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await written()).toEqual(before);
    expect(received.length).toBe(mailsBefore);
  });
});

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
