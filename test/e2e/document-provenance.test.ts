import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TemplateEngine } from '../../src/rendering/templates/template-engine.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { until } from '../support/faults.js';
import { pdfText, squash, tool, withFiles } from '../support/tools.js';

// Issue #14, part A: workflow documents can only be versioned by their workflow; ad-hoc documents say so;
// documents, copies and seals go only to the roles that may read them.

const PUBLIC_URL = 'https://tenderdesk.example.cn';
const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
  bankAccounts: [
    {
      bankName: '中国工商银行',
      branch: '苏州吴中支行',
      accountName: '华东智能仪表有限公司',
      accountNumber: '1102 0206 0900 0088 123',
    },
  ],
};
const TERMS = [
  { percent: '30', event: 'contract_signed', days: 7, label: '预付款' },
  { percent: '60', event: 'before_delivery', label: '发货款' },
  { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
];
/** The hand contract: 100,000.00 net + 13% = 113,000.00; the advance (30%) 33,900.00. */
const TOTAL_GROUPED = '113,000';
/** Every form of the contract's amounts a free-text field below writes (amountForms is not used to build them). */
const AMOUNT_TEXTS = ['113,000', '113000', '100000', '100,000.00', '33,900.00', '33900.00', '壹拾壹万叁仟元整'];
/** Written here, not taken from the code under test. */
const AD_HOC_ZH = '临时文件';
const AD_HOC_EN = 'Ad-hoc document';
/** The roles that may call POST /api/documents (admin passes every role check). */
const RENDERERS = ['backoffice', 'sales', 'finance', 'manager', 'admin'] as const;
/** Each workflow subject type with the template its workflow renders. */
const WORKFLOW_SUBJECTS = [
  ['statement', 'customer-statement'],
  ['quotation', 'quotation'],
  ['delivery', 'delivery-notice'],
  ['contract', 'contact-sheet'],
  ['tender', 'tender-package'],
  ['contact-list', 'contact-list'],
] as const;

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

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An 8×8 RGBA PNG (a seal must be transparent). */
function png(): Buffer {
  const size = 8;
  const raw = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) raw[y * (1 + size * 4) + 1 + x * 4] = 0xd4;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('document provenance and files by audience', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  let customerId: string;
  let contract: { id: string; number: string; total: string };
  let projectNumber: string;
  let copies: Record<'finance' | 'engineering' | 'production', string>;
  let statement: { id: string; number: string };
  let publicPdfPath: string;

  const as = (role: string) => {
    const token = tokens[role]!;
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      put: (path: string) => t.http().put(path).auth(token, { type: 'bearer' }),
      file: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
    };
  };
  const verify = async (bytes: Buffer) => {
    const res = await t.http().post('/api/documents/verify').attach('file', bytes, 'file.pdf');
    expect(res.status).toBe(200);
    return res.body as {
      valid: boolean;
      documentId: string;
      version: number;
      origin: string | null;
      record: unknown;
      reason: string;
    };
  };

  /** Everything a document render could write: rows, jobs, audit entries, and every stored object with its hash. */
  const written = async () => {
    const objects: Record<string, string> = {};
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else objects[relative(t.storageDir, p)] = sha256(await readFile(p));
      }
    };
    await walk(t.storageDir);
    return {
      documents: await t.db.query(
        'SELECT id, type, subject_type, subject_id, latest_version, title FROM documents ORDER BY id',
      ),
      versions: await t.db.query('SELECT id, document_id, version FROM document_versions ORDER BY id'),
      files: await t.db.query('SELECT id, version_id, format, sha256 FROM document_files ORDER BY id'),
      jobs: await t.db.query('SELECT id, name, status FROM jobs ORDER BY id'),
      audit: await t.db.query("SELECT id FROM audit_log WHERE action LIKE 'document.%' ORDER BY id"),
      objects,
    };
  };

  beforeAll(async () => {
    t = await startTestApp('provenance', { PUBLIC_URL });
    tokens.admin = t.adminToken;
    const users: Record<string, string> = {};
    for (const role of ['backoffice', 'sales', 'finance', 'engineering', 'production', 'manager']) {
      const user = await t.userWith([role]);
      tokens[role] = user.token;
      users[role] = user.id;
    }
    expect((await as('backoffice').put('/api/company').send(PROFILE)).status).toBe(200);
    expect(
      (await as('backoffice').put('/api/company/seals/company').attach('file', png(), 'gongzhang.png')).status,
    ).toBe(200);
    const customer = await as('backoffice')
      .post('/api/customers')
      .send({
        name: '青澜钢铁集团有限公司',
        address: '江苏省苏州市',
        // The sales user's own customer: what they are refused below is refused for its audience, not its owner.
        salesOwnerId: users.sales,
        contacts: [{ name: '钱会计', email: 'caiwu@qinglan-steel.example', billing: true }],
      });
    expect(customer.status).toBe(201);
    customerId = customer.body.id;

    // A contract by hand (its review fails, a manager approves it); the advance payment issues the contact sheet.
    const created = await as('backoffice')
      .post('/api/contracts')
      .send({
        customerId,
        projectName: `青澜钢铁料位测量改造（含税 ${TOTAL_GROUPED} 元）`,
        signingDate: today(),
        lines: [
          {
            name: '成套测量系统（单价 100000 元）',
            specification: '按 100,000.00 元/套',
            unit: '套',
            qty: '1',
            unitPrice: '100000.00',
            taxRate: '13',
          },
        ],
        paymentTerms: TERMS,
        configuration: [{ item: '源容器', options: '加价 113000 元含铅屏蔽' }],
        specialRequirements: '合同总价壹拾壹万叁仟元整，预付款 33,900.00 元到账后排产。',
      });
    expect(created.status).toBe(201);
    contract = { id: created.body.id, number: created.body.number, total: created.body.total };
    expect((await as('backoffice').post(`/api/contracts/${contract.id}/review`)).body.status).toBe('review_failed');
    expect(
      (await as('manager').post(`/api/contracts/${contract.id}/approve`).send({ reason: '客户框架协议' })).body.status,
    ).toBe('approved');
    const paid = await as('finance').post('/api/payments').send({
      customerId,
      contractId: contract.id,
      date: today(),
      amount: '33900.00',
      method: 'bank_transfer',
      nature: 'advance',
    });
    expect(paid.status).toBe(201);
    projectNumber = paid.body.projectNumber;
    const job = await until(
      'the contact sheet job',
      async () =>
        (await as('finance').get(`/api/jobs/${paid.body.contactSheet.job.id}`)).body as {
          status: string;
          result: { copies: Record<string, { documentId: string }> };
        },
      (j) => j.status === 'succeeded' || j.status === 'failed',
      180_000,
      250,
    );
    expect(job.status).toBe('succeeded');
    // The job's result names each copy's document id: what an engineer could read off a job.
    copies = {
      finance: job.result.copies.finance!.documentId,
      engineering: job.result.copies.engineering!.documentId,
      production: job.result.copies.production!.documentId,
    };

    const issued = await as('finance').post(`/api/customers/${customerId}/statements`).send({});
    expect({ status: issued.status, body: issued.status === 201 ? null : issued.body }).toEqual({
      status: 201,
      body: null,
    });
    statement = { id: issued.body.statement.id, number: issued.body.statement.number };
    publicPdfPath = `${new URL(issued.body.confirmationUrl as string).pathname}/pdf`;
  }, 300_000);

  afterAll(async () => {
    await t?.close();
  });

  it("refuses sales a forged statement on a real statement's id: 422 SUBJECT_RESERVED, and its file, public link and verify stay as issued", async () => {
    const before = await written();
    const file = (await as('finance').file(`/api/statements/${statement.id}/file?format=pdf`)).body as Buffer;
    const publicPdf = (await t.http().get(publicPdfPath).buffer(true).parse(binary)).body as Buffer;
    expect(publicPdf.equals(file)).toBe(true);

    const sample = new TemplateEngine().sample('customer-statement') as { customer: { name: string } };
    const forged = { ...sample, customer: { ...sample.customer, name: '伪造客户有限公司' } };
    const res = await as('sales')
      .post('/api/documents?wait=true')
      .send({
        template: 'customer-statement',
        data: forged,
        formats: ['pdf'],
        sign: true,
        subject: { type: 'statement', id: statement.id },
      });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('SUBJECT_RESERVED');

    expect(await written()).toEqual(before);
    const after = (await as('finance').file(`/api/statements/${statement.id}/file?format=pdf`)).body as Buffer;
    expect(after.equals(file)).toBe(true);
    const publicAfter = (await t.http().get(publicPdfPath).buffer(true).parse(binary)).body as Buffer;
    expect(publicAfter.equals(file)).toBe(true);
    expect(squash(await pdfText(after))).not.toContain('伪造客户有限公司');
    const v = await verify(after);
    expect(v).toMatchObject({
      valid: true,
      version: 1,
      origin: 'workflow',
      record: { type: 'statement', number: statement.number },
    });
    expect(v.reason).toContain('statement');
  }, 60_000);

  it('refuses every workflow subject type from every role that may render, at once and as a job, writing nothing', async () => {
    const before = await written();
    const engine = new TemplateEngine();
    const ids: Record<string, string> = { statement: statement.id, contract: contract.id };
    const outcomes: string[] = [];
    for (const [subjectType, template] of WORKFLOW_SUBJECTS) {
      const subject = { type: subjectType, id: ids[subjectType] ?? randomUUID() };
      for (const role of RENDERERS) {
        for (const wait of [true, false]) {
          const res = await as(role)
            .post(`/api/documents${wait ? '?wait=true' : ''}`)
            .send({ template, data: engine.sample(template), formats: ['pdf', 'docx', 'bundle'], sign: true, subject });
          outcomes.push(`${subjectType} ${role} ${wait ? 'wait' : 'job'}: ${res.status} ${res.body?.error?.code}`);
        }
      }
    }
    expect(outcomes).toEqual(outcomes.map((o) => o.replace(/: .*$/, ': 422 SUBJECT_RESERVED')));
    expect(outcomes).toHaveLength(WORKFLOW_SUBJECTS.length * RENDERERS.length * 2);
    expect(await written()).toEqual(before);
  }, 60_000);

  it('marks an ad-hoc render in the footer of its PDF pages and its DOCX, and verify calls it ad-hoc', async () => {
    const res = await as('sales')
      .post('/api/documents?wait=true')
      .send({
        template: 'customer-statement',
        data: new TemplateEngine().sample('customer-statement'),
        formats: ['pdf', 'docx'],
        sign: true,
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ origin: 'ad-hoc', record: null });
    const pdf = (await as('sales').file(`/api/documents/${res.body.id}/file?format=pdf`)).body as Buffer;
    const pages = Number(
      /Pages:\s+(\d+)/.exec((await withFiles({ 'd.pdf': pdf }, (dir) => tool('pdfinfo', [`${dir}/d.pdf`]))).out)![1],
    );
    expect(pages).toBeGreaterThan(0);
    for (let p = 1; p <= pages; p++) {
      const text = squash(await pdfText(pdf, p));
      expect({ page: p, zh: text.includes(AD_HOC_ZH), en: text.includes(squash(AD_HOC_EN)) }).toEqual({
        page: p,
        zh: true,
        en: true,
      });
    }
    const docx = (await as('sales').file(`/api/documents/${res.body.id}/file?format=docx`)).body as Buffer;
    const footers = await withFiles({ 'd.docx': docx }, (dir) =>
      tool('unzip', ['-p', `${dir}/d.docx`, 'word/footer*.xml']),
    );
    expect(footers.out).toContain(AD_HOC_ZH);
    expect(footers.out).toContain(AD_HOC_EN);

    const v = await verify(pdf);
    expect(v).toMatchObject({ valid: true, documentId: res.body.id, version: 1, origin: 'ad-hoc', record: null });
    expect(v.reason).toContain('ad-hoc');
  }, 60_000);

  it("names a contact sheet copy's workflow and project number in verify, and prints no ad-hoc notice on it", async () => {
    const pdf = (await as('finance').file(`/api/contracts/${contract.id}/contact-sheet/finance/file`)).body as Buffer;
    const text = squash(await pdfText(pdf));
    expect(text).toContain(squash(projectNumber));
    expect(text).not.toContain(AD_HOC_ZH);
    expect(await verify(pdf)).toMatchObject({
      valid: true,
      documentId: copies.finance,
      origin: 'workflow',
      record: { type: 'contact-sheet', number: projectNumber },
    });
    const doc = await as('finance').get(`/api/documents/${copies.finance}`);
    expect(doc.body).toMatchObject({ origin: 'workflow', record: { type: 'contact-sheet', number: projectNumber } });
  }, 60_000);

  it('serves a contact sheet copy by its document id only to the roles its copy route serves it to', async () => {
    const status = async (role: string, id: string) => {
      const meta = (await as(role).get(`/api/documents/${id}`)).status;
      const file = await as(role).file(`/api/documents/${id}/file`);
      return `${meta} ${file.status}${file.status === 403 ? ` ${JSON.parse(file.body.toString('utf8')).error.code}` : ''}`;
    };
    const seen: Record<string, string> = {};
    for (const role of ['finance', 'engineering', 'sales', 'backoffice', 'manager', 'admin']) {
      for (const department of ['finance', 'engineering'] as const)
        seen[`${role} ${department}`] = await status(role, copies[department]);
    }
    expect(seen).toEqual({
      'finance finance': '200 200',
      'finance engineering': '403 403 DOCUMENT_NOT_ALLOWED',
      'engineering finance': '403 403 DOCUMENT_NOT_ALLOWED',
      'engineering engineering': '200 200',
      'sales finance': '200 200',
      'sales engineering': '200 200',
      'backoffice finance': '200 200',
      'backoffice engineering': '200 200',
      'manager finance': '200 200',
      'manager engineering': '200 200',
      'admin finance': '200 200',
      'admin engineering': '200 200',
    });
    // The same answers as the copy route itself.
    expect((await as('engineering').file(`/api/contracts/${contract.id}/contact-sheet/finance/file`)).status).toBe(403);
    expect((await as('finance').file(`/api/contracts/${contract.id}/contact-sheet/engineering/file`)).status).toBe(403);
  });

  it('serves a statement by its document id to the roles that read statements, not to engineering', async () => {
    const documentId = (await as('finance').get(`/api/documents/${copies.finance}`)).body.id as string;
    expect(documentId).toBe(copies.finance);
    const statementDoc = (await t.db.query('SELECT document_id FROM statements WHERE id = $1', [statement.id]))[0] as {
      document_id: string;
    };
    expect((await as('engineering').file(`/api/documents/${statementDoc.document_id}/file`)).status).toBe(403);
    expect((await as('engineering').get(`/api/documents/${statementDoc.document_id}`)).status).toBe(403);
    expect((await as('engineering').file(`/api/statements/${statement.id}/file`)).status).toBe(403);
    expect((await as('finance').file(`/api/documents/${statementDoc.document_id}/file`)).status).toBe(200);
  });

  it('reads seal images only to the roles that issue documents', async () => {
    const seen: Record<string, number> = {};
    for (const role of ['backoffice', 'sales', 'finance', 'manager', 'admin', 'engineering', 'production']) {
      seen[role] = (await as(role).file('/api/company/seals/company')).status;
    }
    expect(seen).toEqual({
      backoffice: 200,
      sales: 200,
      finance: 200,
      manager: 200,
      admin: 200,
      engineering: 403,
      production: 403,
    });
  });

  it('gives production the contract, its contact sheet and its copy with no amount written in their free text', async () => {
    const finance = await as('finance')
      .post(`/api/contracts/${contract.id}/contact-sheet/sign`)
      .send({ comment: '预付款 33900.00 已到账' });
    expect(finance.status).toBe(200);
    const leaks = (value: unknown) => AMOUNT_TEXTS.filter((a) => JSON.stringify(value).includes(a));

    // Finance reads the text as typed: the amounts are there to leak.
    const full = (await as('finance').get(`/api/contracts/${contract.id}`)).body;
    expect(leaks(full)).toEqual(
      expect.arrayContaining(['113,000', '113000', '100000', '100,000.00', '33,900.00', '壹拾壹万叁仟元整']),
    );
    expect(leaks((await as('finance').get(`/api/contracts/${contract.id}/contact-sheet`)).body)).toContain('33900.00');

    const prod = (await as('production').get(`/api/contracts/${contract.id}`)).body;
    expect(prod.projectName).toBe('青澜钢铁料位测量改造（含税 *** 元）');
    expect(prod.specialRequirements).toBe('合同总价***，预付款 *** 元到账后排产。');
    expect(prod.lines[0]).toMatchObject({ name: '成套测量系统（单价 *** 元）', specification: '按 *** 元/套' });
    expect(prod.configuration).toEqual([{ item: '源容器', options: '加价 *** 元含铅屏蔽' }]);
    expect(leaks(prod)).toEqual([]);
    const list = (await as('production').get('/api/contracts')).body;
    expect(list.items.find((c: { id: string }) => c.id === contract.id).projectName).toBe(
      '青澜钢铁料位测量改造（含税 *** 元）',
    );
    expect(leaks(list)).toEqual([]);
    const sheet = (await as('production').get(`/api/contracts/${contract.id}/contact-sheet`)).body;
    expect(sheet.signoffs.find((x: { department: string }) => x.department === 'finance').comment).toBe(
      '预付款 *** 已到账',
    );
    expect(leaks(sheet)).toEqual([]);

    // Completed, the copies are printed again with the sign-offs: the production copy prints the comment redacted.
    expect((await as('engineering').post(`/api/contracts/${contract.id}/contact-sheet/sign`).send({})).status).toBe(
      200,
    );
    const last = await as('production').post(`/api/contracts/${contract.id}/contact-sheet/sign`).send({});
    expect(last.status).toBe(200);
    const job = await until(
      'the completed copies',
      async () => (await as('production').get(`/api/jobs/${last.body.job.id}`)).body as { status: string },
      (j) => j.status === 'succeeded' || j.status === 'failed',
      180_000,
      250,
    );
    expect(job.status).toBe('succeeded');
    const copy = squash(
      await pdfText(
        (await as('production').file(`/api/contracts/${contract.id}/contact-sheet/production/file`)).body as Buffer,
      ),
    );
    expect(copy).toContain(squash('预付款 *** 已到账'));
    expect(AMOUNT_TEXTS.filter((a) => copy.includes(squash(a)))).toEqual([]);
  }, 240_000);
});
