import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser, type ParsedMail } from 'mailparser';
import { PDFDocument } from 'pdf-lib';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtp, type ControlledSmtp } from '../support/faults.js';
import { pdfText, squash, tool, withFiles } from '../support/tools.js';

/**
 * Issue #21, "Quotations accepted online": a quotation sent with { sendTo } reaches a real SMTP server with its link;
 * the customer sees the sent revision there, accepts it (name, position) or declines it (reason); the acceptance is
 * appended to the PDF as a signed record page (pdfsig, pdftotext), the quotation moves on and the sales owner's mail
 * arrives (parsed as MIME). Used, unknown, expired and superseded links get their own page without a figure.
 */

const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
};
const CUSTOMER_MAIL = 'shebei@qinglan-steel.example';
const SALES_MAIL = 'liming@huadong-instruments.example';
const AGENT = 'Mozilla/5.0 (X11; Linux x86_64) QuotationAcceptanceTest/1.0';
// One line of 86,420.00 at 13 % VAT: 97,654.60 in all. Every form of these figures is looked for on the closed pages.
const FIGURES = ['97,654.60', '97654.6', '86,420', '86420', '11,234.60', '11234.6'];

function addDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('quotations accepted online', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  const tokens: Record<string, string> = {};
  let customerId: string;

  const as = (role: string) => ({
    get: (path: string) => t.http().get(path).auth(tokens[role]!, { type: 'bearer' }),
    post: (path: string) => t.http().post(path).auth(tokens[role]!, { type: 'bearer' }),
    patch: (path: string) => t.http().patch(path).auth(tokens[role]!, { type: 'bearer' }),
    put: (path: string) => t.http().put(path).auth(tokens[role]!, { type: 'bearer' }),
    file: (path: string) => t.http().get(path).auth(tokens[role]!, { type: 'bearer' }).buffer(true).parse(binary),
  });

  /** The mails the SMTP server took so far to `to`, parsed. */
  const mailsTo = async (to: string): Promise<ParsedMail[]> => {
    const mine = smtp.received.filter((r) => r.rcptTo.includes(to));
    return Promise.all(mine.map((r) => simpleParser(r.raw)));
  };
  /** Waits (bounded) until `to` has received `count` mails. */
  const waitMails = async (to: string, count: number): Promise<ParsedMail[]> => {
    const deadline = Date.now() + 60_000;
    while (smtp.received.filter((r) => r.rcptTo.includes(to)).length < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const got = await mailsTo(to);
    expect(got).toHaveLength(count);
    return got;
  };

  /** A quotation created, submitted, approved and sent with its link; returns it and the link's path from the mail. */
  const sendOne = async (projectName: string) => {
    const created = await as('sales')
      .post('/api/quotations')
      .send({
        customerId,
        projectName,
        validUntil: addDays(30),
        lines: [{ name: '电磁流量计成套', unit: '套', qty: '1', unitPrice: '86420', taxRate: '13' }],
        paymentTerms: [{ percent: '100', event: 'contract_signed', days: 7 }],
      });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await as('sales').post(`/api/quotations/${id}/submit`)).status).toBe(200);
    expect((await as('backoffice').post(`/api/quotations/${id}/approve`).send({})).status).toBe(200);
    const before = (await mailsTo(CUSTOMER_MAIL)).length;
    const sent = await as('sales').post(`/api/quotations/${id}/send`).send({ sendTo: CUSTOMER_MAIL });
    expect([sent.status, sent.body.status]).toEqual([200, 'sent']);
    // The token is in no API answer: only the mail carries it.
    expect(JSON.stringify(sent.body)).not.toMatch(/quotations\/accept/);
    const mail = (await waitMails(CUSTOMER_MAIL, before + 1)).find((m) => m.text?.includes(projectName))!;
    const path = /\/quotations\/accept\/[A-Za-z0-9_-]{43}/.exec(mail.text ?? '')?.[0];
    expect(path).toBeDefined();
    return { id, number: created.body.number as string, path: path!, mail };
  };
  const linkRow = async (quotationId: string) =>
    (
      await t.db.query<Record<string, unknown>>(
        'SELECT * FROM quotation_links WHERE quotation_id = $1 ORDER BY created_at',
        [quotationId],
      )
    )[0]!;
  const noFigures = (html: string) => FIGURES.filter((f) => squash(html).includes(f));

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('qaccept', { SMTP_URL: smtp.url, TRUST_PROXY: 'loopback' });
    for (const role of ['backoffice', 'production']) tokens[role] = (await t.userWith([role])).token;
    const sales = await t.userWith(['sales'], '李明');
    tokens.sales = sales.token;
    // The sales owner's address (a fixture: how users get one is not what this test is about).
    await t.db.query('UPDATE users SET email = $1 WHERE id = $2', [SALES_MAIL, sales.id]);
    expect((await as('backoffice').put('/api/company').send(PROFILE)).status).toBe(200);
    const customer = await as('backoffice')
      .post('/api/customers')
      .send({
        name: '青澜钢铁集团有限公司',
        salesOwnerId: sales.id,
        contacts: [{ name: '赵志强', email: CUSTOMER_MAIL }],
      });
    expect(customer.status).toBe(201);
    customerId = customer.body.id as string;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('mails the signed PDF with a link; the customer accepts; the record page is signed onto a new version', async () => {
    const q = await sendOne('炼铁厂高炉煤气流量计改造');
    expect(q.mail.subject).toContain(q.number);
    const attached = q.mail.attachments.find((a) => a.contentType === 'application/pdf');
    expect(attached).toBeDefined();

    // The page shows the sent revision's figures, as its PDF does.
    const page = await t.http().get(q.path).set('User-Agent', AGENT);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(squash(page.text)).toContain(q.number);
    expect(squash(page.text)).toContain('97,654.60');
    const pdf = await t.http().get(`${q.path}/pdf`).buffer(true).parse(binary);
    expect(pdf.status).toBe(200);
    const sentSha = createHash('sha256')
      .update(pdf.body as Buffer)
      .digest('hex');
    expect(sentSha).toBe(createHash('sha256').update(attached!.content).digest('hex'));

    // A refused form (accepting without a position) shows the page again and records nothing.
    const refused = await t
      .http()
      .post(q.path)
      .type('form')
      .set('User-Agent', AGENT)
      .send({ action: 'accept', name: '赵志强', position: '' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('id="errors"');
    expect((await linkRow(q.id)).answer).toBeNull();

    const accepted = await t
      .http()
      .post(q.path)
      .type('form')
      .set('User-Agent', AGENT)
      .send({ action: 'accept', name: '赵志强', position: '设备部部长' });
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('赵志强');

    const view = await as('sales').get(`/api/quotations/${q.id}`);
    expect(view.body.status).toBe('accepted');
    expect(view.body.customerAnswers).toEqual([
      {
        revision: 1,
        answer: 'accepted',
        at: expect.any(String),
        name: '赵志强',
        position: '设备部部长',
        reason: null,
        ip: expect.stringMatching(/127\.0\.0\.1/),
        userAgent: AGENT,
        sentTo: CUSTOMER_MAIL,
        document: { id: expect.any(String), sentVersion: 1, sha256: sentSha, recordVersion: 2 },
      },
    ]);
    const link = await linkRow(q.id);
    expect(link).toMatchObject({
      answer: 'accepted',
      name: '赵志强',
      position: '设备部部长',
      user_agent: AGENT,
      document_sha256: sentSha,
      document_version: 1,
      audit_version: 2,
    });
    expect(link.ip).toMatch(/127\.0\.0\.1/);
    const answeredAt = (link.answered_at as Date).toISOString();

    // Version 2: the sent PDF's pages, then the record page; one valid signature over the whole file.
    const docId = link.document_id as string;
    const v2 = await as('sales').file(`/api/documents/${docId}/file?format=pdf&version=2`);
    expect(v2.status).toBe(200);
    const v1Pages = (await PDFDocument.load(pdf.body as Buffer)).getPageCount();
    expect((await PDFDocument.load(v2.body as Buffer)).getPageCount()).toBe(v1Pages + 1);
    const sig = await withFiles({ 'a.pdf': v2.body as Buffer }, (dir) => tool('pdfsig', [join(dir, 'a.pdf')]));
    expect(sig.out).toContain('Signature is Valid');
    expect(sig.out).toContain('Total document signed');
    expect(sig.out.match(/Signature #\d/g)).toHaveLength(1);
    const record = squash(await pdfText(v2.body as Buffer, v1Pages + 1));
    for (const expected of ['报价接受记录', '赵志强', '设备部部长', sentSha, answeredAt, q.number]) {
      expect(record).toContain(squash(expected));
    }

    // The sales owner is told, through the outbox.
    const [notice] = await waitMails(SALES_MAIL, 1);
    expect(notice!.subject).toContain('客户已接受报价单');
    expect(notice!.subject).toContain(q.number);
    expect(notice!.text).toContain('赵志强');
    expect(notice!.text).toContain(sentSha);

    // A second accept on the used link changes nothing, and its page shows no figure.
    const docsBefore = await t.db.query('SELECT * FROM document_versions WHERE document_id = $1', [docId]);
    const again = await t
      .http()
      .post(q.path)
      .type('form')
      .send({ action: 'accept', name: '另一人', position: '总经理' });
    expect(again.status).toBe(409);
    expect(noFigures(again.text)).toEqual([]);
    expect(await linkRow(q.id)).toEqual(link);
    expect(await t.db.query('SELECT * FROM document_versions WHERE document_id = $1', [docId])).toEqual(docsBefore);
    const json = await t.http().post(q.path).send({ action: 'accept', name: '另一人', position: '总经理' });
    expect([json.status, json.body.error.code]).toEqual([409, 'QUOTATION_LINK_ANSWERED']);
    const used = await t.http().get(q.path);
    expect(used.status).toBe(409);
    expect(noFigures(used.text)).toEqual([]);
    expect((await t.http().get(`${q.path}/pdf`)).headers['content-type']).toMatch(/^text\/html/);

    // An accepted quotation cannot change (409 QUOTATION_LOCKED, as before this issue).
    const edit = await as('sales').patch(`/api/quotations/${q.id}`).send({ notes: '改一下' });
    expect([edit.status, edit.body.error.code]).toEqual([409, 'QUOTATION_LOCKED']);
  }, 240_000);

  it('records a decline with its reason and tells the sales owner', async () => {
    const q = await sendOne('烧结机料位计更换');
    const declined = await t
      .http()
      .post(q.path)
      .set('User-Agent', AGENT)
      .send({ action: 'decline', name: '钱经理', reason: '预算明年才批' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ number: q.number, answer: 'declined', document: null });
    expect((await as('sales').get(`/api/quotations/${q.id}`)).body.status).toBe('rejected');
    expect(await linkRow(q.id)).toMatchObject({ answer: 'declined', reason: '预算明年才批', audit_version: null });
    const notices = await waitMails(SALES_MAIL, 2);
    const notice = notices.find((m) => m.subject?.includes(q.number))!;
    expect(notice.subject).toContain('客户已谢绝报价单');
    expect(notice.text).toContain('预算明年才批');
  }, 240_000);

  it('takes one of two acceptances sent at once: the other changes nothing', async () => {
    const q = await sendOne('焦化厂氨水流量计');
    const [a, b] = await Promise.all(
      ['赵志强', '孙副总'].map((name) =>
        t.http().post(q.path).send({ action: 'accept', name, position: '设备部部长' }),
      ),
    );
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
    const link = await linkRow(q.id);
    expect(link.name).toBe(a!.status === 200 ? '赵志强' : '孙副总');
    const versions = await t.db.query<{ version: number }>(
      'SELECT version FROM document_versions WHERE document_id = $1 ORDER BY version',
      [link.document_id],
    );
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    const audits = await t.db.query(
      "SELECT id FROM audit_log WHERE entity_type = 'quotation' AND entity_id = $1 AND action = 'quotation.accept'",
      [q.id],
    );
    expect(audits).toHaveLength(1);
  }, 240_000);

  it('gives unknown, expired and superseded links their own page, without a figure', async () => {
    for (const path of [`/quotations/accept/${randomBytes(32).toString('base64url')}`, '/quotations/accept/abc']) {
      const res = await t.http().get(path);
      expect(res.status).toBe(404);
      expect(res.text).toContain('链接无效');
      expect(noFigures(res.text)).toEqual([]);
    }

    const expired = await sendOne('高炉煤气分析仪');
    await t.db.query("UPDATE quotation_links SET expires_at = now() - interval '1 minute' WHERE quotation_id = $1", [
      expired.id,
    ]);
    const page = await t.http().get(expired.path);
    expect(page.status).toBe(410);
    expect(noFigures(page.text)).toEqual([]);
    const post = await t.http().post(expired.path).send({ action: 'accept', name: '赵志强', position: '部长' });
    expect([post.status, post.body.error.code]).toEqual([410, 'QUOTATION_LINK_EXPIRED']);
    expect((await linkRow(expired.id)).answer).toBeNull();

    // A new revision needs a new acceptance: the link of the revision sent before it is closed.
    const revised = await sendOne('转炉氧枪流量计');
    const edit = await as('sales').patch(`/api/quotations/${revised.id}`).send({ notes: '交货期改为60天' });
    expect([edit.status, edit.body.revision, edit.body.status]).toEqual([200, 2, 'draft']);
    const closed = await t.http().get(revised.path);
    expect(closed.status).toBe(409);
    expect(noFigures(closed.text)).toEqual([]);
    const tried = await t.http().post(revised.path).send({ action: 'accept', name: '赵志强', position: '部长' });
    expect([tried.status, tried.body.error.code]).toEqual([409, 'QUOTATION_LINK_CLOSED']);
    expect((await as('sales').get(`/api/quotations/${revised.id}`)).body.status).toBe('draft');
  }, 240_000);
});
