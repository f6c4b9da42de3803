import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { simpleParser, type ParsedMail } from 'mailparser';
import { toChineseCapital } from '../../src/common/chinese-numerals.js';
import { projectNumberRegExp } from '../../src/modules/payments/project-number.js';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtp, type ControlledSmtp } from '../support/faults.js';
import { pdfText, squash } from '../support/tools.js';

// As prices-hidden.test.ts judges a key: a commercial figure.
const PRICE_KEY = /price|amount|discount|total|subtotal|^net$|^tax$|taxAmount|balance|paid|outstanding/i;
const TERMS_361 = [
  { percent: '30', event: 'contract_signed', days: 7 },
  { percent: '60', event: 'before_delivery' },
  { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
];
const MAIL = {
  finance: 'caiwu@huadong-instruments.example',
  engineering: 'jishu@huadong-instruments.example',
  production: 'diaodu@huadong-instruments.example',
};
const DEPTS = ['finance', 'engineering', 'production'] as const;

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
function addDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function keys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keys(v, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...keys(v, `${path}.${k}`)]);
  return [];
}

/**
 * Every way an amount can be printed: 500829.89, 500829.9 (trailing zero dropped), 500829 (the yuan alone),
 * 500,829.89 and 500,829 (thousands separators; a currency sign in front changes nothing for a substring search),
 * and the capital numerals. Written here on its own, not taken from the code under test.
 */
function forms(amount: string): string[] {
  const [int, frac] = amount.replace(/^-/, '').split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const out = new Set([
    `${int}.${frac}`,
    `${int}.${frac}`.replace(/0+$/, '').replace(/\.$/, ''),
    int,
    `${grouped}.${frac}`,
    grouped,
    toChineseCapital(amount),
  ]);
  return [...out];
}

/**
 * The forms of these amounts found in a text: searched without whitespace (a number wrapped across two PDF lines or
 * split into DOCX runs is still found) and without word boundaries (the amounts are chosen so that no other figure on
 * the documents contains them).
 */
function found(text: string, amounts: string[]): string[] {
  const flat = squash(text);
  return amounts.flatMap((a) =>
    forms(a)
      .filter((f) => flat.includes(f))
      .map((f) => `${a}:${f}`),
  );
}

interface Received {
  rcptTo: string[];
  mail: ParsedMail;
}

describe('contact sheets: advance payment → project number → three copies → sign-offs', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  /** What the SMTP server took so far, parsed. */
  const received = async (): Promise<Received[]> =>
    Promise.all(smtp.received.map(async (r) => ({ rcptTo: r.rcptTo, mail: await simpleParser(r.raw) })));
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const products: Record<string, string> = {};
  let customerId: string;
  let otherCustomerId: string;
  let contract: { id: string; number: string; [k: string]: unknown };
  /** Every amount of the contract (and of the quotation it came from): none may reach production. */
  let amounts: string[];
  let projectNumber: string;

  const as = (role: string) => {
    const token = role === 'admin' ? t.adminToken : tokens[role];
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      file: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
    };
  };
  const waitJob = async (role: string, id: string) => {
    const deadline = Date.now() + 180_000;
    let job = (await as(role).get(`/api/jobs/${id}`)).body;
    while (job.status !== 'succeeded' && job.status !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      job = (await as(role).get(`/api/jobs/${id}`)).body;
    }
    return job as { status: string; error: string | null; result: Record<string, unknown> };
  };
  const sheet = async (role = 'backoffice') => {
    const res = await as(role).get(`/api/contracts/${contract.id}/contact-sheet`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** The sheet once this many of its current version's mails are sent: the outbox sends them after the job. */
  const mailed = async (count: number) => {
    const deadline = Date.now() + 60_000;
    let s = await sheet();
    const sent = () => s.mailings.filter((m: { status: string }) => m.status === 'sent').length;
    while (sent() < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      s = await sheet();
    }
    return s;
  };
  const copy = async (role: string, dept: string, format: 'pdf' | 'docx', version?: number) => {
    const res = await as(role).file(
      `/api/contracts/${contract.id}/contact-sheet/${dept}/file?format=${format}${version ? `&version=${version}` : ''}`,
    );
    expect(res.status).toBe(200);
    return res.body as Buffer;
  };
  const docxText = async (docx: Buffer) => pyDocxText(await readDocxWithPython(docx));
  const xlsxText = async (xlsx: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    return wb.worksheets
      .map((ws) =>
        ws
          .getSheetValues()
          .map((r) => JSON.stringify(r))
          .join('\n'),
      )
      .join('\n');
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('contactsheets', {
      SMTP_URL: smtp.url,
      FINANCE_EMAIL: MAIL.finance,
      ENGINEERING_EMAIL: MAIL.engineering,
      PRODUCTION_EMAIL: MAIL.production,
    });
    const people: [string, string[], string][] = [
      ['backoffice', ['backoffice'], '内勤小张'],
      ['sales', ['sales'], '业务员小王'],
      ['finance', ['finance'], '李会计'],
      ['engineering', ['engineering'], '周工程师'],
      ['production', ['production'], '陈调度'],
      ['manager', ['manager'], '王总'],
      ['financeEngineering', ['finance', 'engineering'], '兼职刘工'],
    ];
    for (const [key, roles, name] of people) {
      const u = await t.userWith(roles, name);
      tokens[key] = u.token;
      ids[key] = u.id;
    }
    const customer = async (name: string) => {
      const res = await as('backoffice')
        .post('/api/customers')
        // The sales user owns them: a sales user reaches only their own customers' records (auth/ownership.ts).
        .send({ name, salesOwnerId: ids.sales, contacts: [{ name: '赵志强', phone: '139 1234 5601', billing: true }] });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    customerId = await customer('青澜钢铁集团有限公司');
    otherCustomerId = await customer('华东海晟石化有限公司');
    // Distinctive prices: no date, quantity, number or phone on the documents can contain one of these figures.
    for (const p of [
      {
        code: 'NDM-137',
        nameZh: '核子密度计',
        specification: 'Cs-137 密封源，DN100–DN600',
        unit: '套',
        listPrice: '123457.89',
        floorPrice: '100000.00',
      },
      {
        code: 'NLS-60',
        nameZh: '核子料位开关',
        specification: '继电器输出',
        unit: '套',
        listPrice: '67891.23',
        floorPrice: '50000.00',
      },
    ]) {
      const res = await as('manager').post('/api/products').send(p);
      expect(res.status).toBe(201);
      products[p.code] = res.body.id;
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('makes a contract from an accepted quotation with one unit price changed; the review reports both values', async () => {
    const q = await as('backoffice')
      .post('/api/quotations')
      .send({
        customerId,
        projectName: '炼铁厂烧结矿浆浓度及料位测量改造',
        validUntil: addDays(30),
        lines: [
          { productId: products['NDM-137'], qty: '2' },
          { productId: products['NLS-60'], qty: '3' },
        ],
        paymentTerms: TERMS_361,
        deliveryTerms: { daysAfterAdvance: 45, place: '需方现场' },
      });
    expect(q.status).toBe(201);
    for (const [role, step] of [
      ['sales', 'submit'],
      ['backoffice', 'approve'],
      ['sales', 'send'],
      ['sales', 'accept'],
    ] as const) {
      const res = await as(role).post(`/api/quotations/${q.body.id}/${step}`).send({});
      expect({ step, status: res.status }).toEqual({ step, status: 200 });
    }
    const created = await as('backoffice')
      .post('/api/contracts')
      .send({
        quotationId: q.body.id,
        signingDate: today(),
        deliveryDate: addDays(60),
        lines: [
          { productId: products['NDM-137'], qty: '2' },
          { productId: products['NLS-60'], qty: '3', unitPrice: '65432.17' },
        ],
        configuration: [
          { item: '源容器', options: '铅屏蔽，带快门锁' },
          { item: '安装支架', options: 'DN300 管道抱箍式' },
        ],
        specialRequirements: '放射源运输由供方办理准运手续；现场安装前需方提供辐射安全许可证复印件。',
      });
    expect(created.status).toBe(201);
    contract = created.body;
    expect(contract).toMatchObject({
      status: 'draft',
      total: '500829.89',
      subtotal: '443212.29',
      taxTotal: '57617.60',
    });

    const review = await as('sales').post(`/api/contracts/${contract.id}/review`);
    expect(review.status).toBe(200);
    expect(review.body).toMatchObject({ passed: false, status: 'review_failed' });
    const failed = (
      review.body.checks as { check: string; passed: boolean; quotation: unknown; contract: unknown; message: string }[]
    ).filter((c) => !c.passed);
    expect(failed.find((c) => c.check === 'line.2.unitPrice')).toMatchObject({
      quotation: '67891.23',
      contract: '65432.17',
    });
    expect(failed.find((c) => c.check === 'line.2.unitPrice')!.message).toEqual(
      expect.stringMatching(/65432\.17.*67891\.23/),
    );
    expect(failed.some((c) => c.check.startsWith('line.1.'))).toBe(false);
  });

  it('refuses an advance payment on a contract that is not approved: 409, no payment, no number', async () => {
    const res = await as('finance').post('/api/payments').send({
      customerId,
      contractId: contract.id,
      date: today(),
      amount: '150248.97',
      method: 'bank_transfer',
      nature: 'advance',
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONTRACT_NOT_APPROVED', details: { status: 'review_failed' } });
    expect(await t.db.query('SELECT id FROM payments')).toEqual([]);
    expect(await t.db.query('SELECT * FROM contact_sheets')).toEqual([]);
    expect(await t.db.query('SELECT * FROM project_number_counters')).toEqual([]);
  });

  it('refuses a payment for another customer than the contract’s, and payments to production users', async () => {
    const res = await as('finance').post('/api/payments').send({
      customerId: otherCustomerId,
      contractId: contract.id,
      date: today(),
      amount: '100.00',
      method: 'bank_transfer',
      nature: 'progress',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('PAYMENT_CUSTOMER_MISMATCH');
    expect((await as('production').get('/api/payments')).status).toBe(403);
    expect((await as('production').post('/api/payments').send({})).status).toBe(403);
    expect(
      (
        await as('finance')
          .post('/api/payments')
          .send({ customerId, date: today(), amount: '-5.00', method: 'cash', nature: 'other' })
      ).status,
    ).toBe(400);
  });

  it('lets a manager approve the failed review; the advance payment then gives the project number and queues the copies', async () => {
    const approved = await as('manager')
      .post(`/api/contracts/${contract.id}/approve`)
      .send({ reason: '战略客户，料位开关按 65432.17 元供货' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    const full = (await as('finance').get(`/api/contracts/${contract.id}`)).body;
    const shares = ['150248.97', '300497.93', '50082.99'];
    amounts = [
      ...full.lines.flatMap((l: Record<string, string>) => [l.unitPrice, l.net, l.tax, l.total]),
      full.subtotal,
      full.taxTotal,
      full.total,
      ...shares,
      '67891.23', // the quotation's price of line 2
    ];
    expect(amounts).toEqual(expect.arrayContaining(['123457.89', '65432.17', '246915.78', '196296.51', '500829.89']));

    const res = await as('finance').post('/api/payments').send({
      customerId,
      contractId: contract.id,
      date: today(),
      amount: '150248.97',
      method: 'bank_transfer',
      nature: 'advance',
      reference: 'BOC-20260612-001',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      amount: '150248.97',
      currency: 'CNY',
      nature: 'advance',
      customer: { id: customerId, name: '青澜钢铁集团有限公司' },
      projectNumberAssigned: true,
      contactSheet: { version: 1, status: 'open', job: { id: expect.any(String) } },
    });
    projectNumber = res.body.projectNumber;
    const m = projectNumberRegExp('{YYYY}-{SEQ:3}').exec(projectNumber);
    expect(m?.groups).toEqual({ year: today().slice(0, 4), seq: '001' });
    expect(res.body.contract).toEqual({ id: contract.id, number: contract.number, projectNumber });
    expect((await as('sales').get(`/api/contracts/${contract.id}`)).body).toMatchObject({
      status: 'active',
      projectNumber,
    });

    const job = await waitJob('finance', res.body.contactSheet.job.id);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
  }, 240_000);

  it('records a second advance payment without a new number', async () => {
    const res = await as('backoffice').post('/api/payments').send({
      customerId,
      contractId: contract.id,
      date: today(),
      amount: '1000.00',
      method: 'bank_acceptance',
      nature: 'advance',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ projectNumber, projectNumberAssigned: false, contactSheet: null });
    expect(await t.db.query('SELECT year, last FROM project_number_counters')).toEqual([
      { year: Number(today().slice(0, 4)), last: 1 },
    ]);
    const list = await as('sales').get(`/api/payments?contractId=${contract.id}`);
    expect(list.body).toMatchObject({
      total: 2,
      items: [expect.objectContaining({ nature: 'advance' }), expect.objectContaining({ nature: 'advance' })],
    });
    // Corrected by a reversal, never edited; the reversal of a reversal is refused.
    const reversal = await as('finance').post(`/api/payments/${res.body.id}/reverse`).send({ reason: '重复登记' });
    expect(reversal.status).toBe(201);
    expect(reversal.body).toMatchObject({ amount: '-1000.00', reverses: res.body.id, contract: { projectNumber } });
    expect(
      (await as('finance').post(`/api/payments/${res.body.id}/reverse`).send({ reason: '再次' })).body.error.code,
    ).toBe('PAYMENT_ALREADY_REVERSED');
    expect(
      (await as('finance').post(`/api/payments/${reversal.body.id}/reverse`).send({ reason: '再次' })).body.error.code,
    ).toBe('PAYMENT_IS_REVERSAL');
  });

  it('issues three copies: each department its own, mailed to its address with the PDF', async () => {
    const s = await mailed(3);
    expect(s).toMatchObject({
      contractId: contract.id,
      contractNumber: contract.number,
      projectNumber,
      version: 1,
      contractRevision: 1,
      status: 'open',
      completedAt: null,
    });
    expect(s.signoffs.map((x: { department: string; signed: boolean }) => [x.department, x.signed])).toEqual(
      DEPTS.map((d) => [d, false]),
    );
    expect(
      s.copies.map((c: { department: string; issuedVersion: number; latestVersion: number }) => [
        c.department,
        c.issuedVersion,
        c.latestVersion,
      ]),
    ).toEqual(DEPTS.map((d) => [d, 1, 1]));
    for (const c of s.copies) expect(c.files.map((f: { format: string }) => f.format)).toEqual(['docx', 'pdf']);
    // Each mail is an outbox message about the sheet: the same one the outbox lists.
    expect(
      s.mailings.map((m: { department: string; stage: string; status: string; to: string[] }) => [
        m.department,
        m.stage,
        m.status,
        m.to,
      ]),
    ).toEqual(DEPTS.map((d) => [d, 'issued', 'sent', [MAIL[d]]]));
    const outbox = await as('manager').get(`/api/outbox/${s.mailings[0].outboxMessageId}`);
    expect(outbox.status).toBe(200);
    expect(outbox.body).toMatchObject({
      status: 'sent',
      audience: 'finance',
      to: [MAIL.finance],
      messageId: s.mailings[0].messageId,
    });
    const fin = squash(await pdfText(await copy('finance', 'finance', 'pdf')));
    expect(fin).toContain('合同联系单');
    expect(fin).toContain('（财务联）');
    expect(fin).toContain(projectNumber);
    expect(fin).toContain('¥123,457.89');
    expect(fin).toContain('放射源运输由供方办理准运手续');
    expect(fin).toContain('待各部门会签');
    const eng = squash(await pdfText(await copy('engineering', 'engineering', 'pdf')));
    expect(eng).toContain('（技术联）');
    expect(eng).toContain('铅屏蔽，带快门锁');
    const prod = squash(await pdfText(await copy('production', 'production', 'pdf')));
    expect(prod).toContain('（生产联）');
    expect(prod).toContain('核子料位开关');

    const issued = (await received()).filter((r) => r.mail.subject?.includes('已出具'));
    expect(issued.map((r) => r.rcptTo[0]).sort()).toEqual(Object.values(MAIL).sort());
    for (const r of issued) {
      expect(r.mail.attachments).toHaveLength(1);
      expect(r.mail.attachments[0].contentType).toBe('application/pdf');
      expect(r.mail.attachments[0].content.subarray(0, 5).toString()).toBe('%PDF-');
    }
  });

  it('shows each user only the copies their roles may read, and serves the files the same way', async () => {
    const prod = await sheet('production');
    expect(prod.copies.map((c: { department: string }) => c.department)).toEqual(['production']);
    expect(keys(prod).filter((k) => PRICE_KEY.test(k.split('.').pop()!))).toEqual([]);
    expect((await sheet('engineering')).copies.map((c: { department: string }) => c.department)).toEqual([
      'engineering',
      'production',
    ]);
    expect((await sheet('sales')).copies.map((c: { department: string }) => c.department)).toEqual([
      'finance',
      'engineering',
      'production',
    ]);
    expect((await as('production').file(`/api/contracts/${contract.id}/contact-sheet/finance/file`)).status).toBe(403);
    expect(
      (await as('production').file(`/api/contracts/${contract.id}/contact-sheet/engineering/file?format=docx`)).status,
    ).toBe(403);
    expect((await as('engineering').file(`/api/contracts/${contract.id}/contact-sheet/finance/file`)).status).toBe(403);
    expect((await as('finance').file(`/api/contracts/${contract.id}/contact-sheet/engineering/file`)).status).toBe(403);
    expect((await as('sales').file(`/api/contracts/${contract.id}/contact-sheet/finance/file`)).status).toBe(200);
    expect((await as('finance').file(`/api/contracts/${contract.id}/contact-sheet/buyer/file`)).status).toBe(400);
    // The generic document routes stay closed to production.
    expect((await as('production').get(`/api/documents/${prod.copies[0].documentId}`)).status).toBe(403);
  });

  it('takes one sign-off per department from a user of that role', async () => {
    const sign = (role: string, body: Record<string, unknown> = {}) =>
      as(role).post(`/api/contracts/${contract.id}/contact-sheet/sign`).send(body);
    expect((await sign('sales')).status).toBe(403);
    const admin = await sign('admin');
    expect(admin.status).toBe(403);
    expect(admin.body.error.code).toBe('NOT_IN_DEPARTMENT');
    const twoHats = await sign('financeEngineering');
    expect(twoHats.status).toBe(422);
    expect(twoHats.body.error).toMatchObject({
      code: 'DEPARTMENT_REQUIRED',
      details: { departments: ['finance', 'engineering'] },
    });
    expect((await sign('finance', { department: 'production' })).body.error.code).toBe('NOT_IN_DEPARTMENT');

    const first = await sign('finance', { comment: '预付款已到账' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      department: 'finance',
      complete: false,
      job: null,
      contactSheet: { status: 'open' },
    });
    const again = await sign('finance');
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'ALREADY_SIGNED',
      details: { department: 'finance', name: '李会计' },
    });
    expect((await sign('financeEngineering', { department: 'finance' })).body.error.code).toBe('ALREADY_SIGNED');
    expect((await sign('engineering', { comment: '配置已确认' })).body).toMatchObject({
      department: 'engineering',
      complete: false,
    });

    const last = await sign('production', { comment: '已排产' });
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({
      department: 'production',
      complete: true,
      job: { id: expect.any(String) },
      contactSheet: { status: 'complete' },
    });
    expect(last.body.contactSheet.signoffs).toEqual([
      expect.objectContaining({
        department: 'finance',
        signed: true,
        userId: ids.finance,
        name: '李会计',
        comment: '预付款已到账',
      }),
      expect.objectContaining({ department: 'engineering', signed: true, name: '周工程师', comment: '配置已确认' }),
      expect.objectContaining({ department: 'production', signed: true, name: '陈调度', comment: '已排产' }),
    ]);
    const after = await sign('financeEngineering', { department: 'engineering' });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('CONTACT_SHEET_COMPLETE');
    expect(await t.db.query(`SELECT action FROM audit_log WHERE action LIKE 'contact-sheet.%' ORDER BY id`)).toEqual(
      [
        'contact-sheet.issue',
        'contact-sheet.sign',
        'contact-sheet.sign',
        'contact-sheet.sign',
        'contact-sheet.complete',
      ].map((action) => ({ action })),
    );

    expect(await waitJob('production', last.body.job.id)).toMatchObject({ status: 'succeeded' });
  }, 240_000);

  it('re-renders the completed sheet as version 2 of each copy, with the signers, and mails it again', async () => {
    const s = await mailed(6);
    expect(s).toMatchObject({ status: 'complete', completedAt: expect.any(String) });
    expect(
      s.copies.map(
        (c: { department: string; issuedVersion: number; completedVersion: number; latestVersion: number }) => [
          c.department,
          c.issuedVersion,
          c.completedVersion,
          c.latestVersion,
        ],
      ),
    ).toEqual(DEPTS.map((d) => [d, 1, 2, 2]));
    for (const d of DEPTS) {
      const v2 = squash(await pdfText(await copy('manager', d, 'pdf', 2)));
      for (const name of ['李会计', '周工程师', '陈调度', '预付款已到账', '已排产', '各部门已会签完毕', '【会签完成】'])
        expect({ d, name, has: v2.includes(name) }).toEqual({ d, name, has: true });
      const v1 = squash(await pdfText(await copy('manager', d, 'pdf', 1)));
      expect(v1).not.toContain('陈调度');
      expect(squash(await docxText(await copy('manager', d, 'docx', 2)))).toContain('周工程师');
    }
    const completed = (await received()).filter((r) => r.mail.subject?.includes('各部门已会签完毕'));
    expect(completed.map((r) => r.rcptTo[0]).sort()).toEqual(Object.values(MAIL).sort());
    for (const r of completed) {
      expect(r.mail.attachments[0].contentType).toBe('application/pdf');
      expect(squash(await pdfText(r.mail.attachments[0].content))).toContain('陈调度');
    }
    expect(await received()).toHaveLength(6);
    expect(s.mailings.filter((m: { status: string }) => m.status === 'sent')).toHaveLength(6);
  }, 120_000);

  it('puts no amount of the contract in any form on the production copy, its mail or the production contact list', async () => {
    // Positive control: the same search finds every amount on the finance copy (so it can fail).
    const finance = await pdfText(await copy('finance', 'finance', 'pdf', 2));
    const shown = new Set(found(finance, amounts).map((h) => h.split(':')[0]));
    expect(amounts.filter((a) => a !== '67891.23' && !shown.has(a))).toEqual([]);
    expect(squash(finance)).toContain(toChineseCapital('500829.89'));
    expect(found(await docxText(await copy('finance', 'finance', 'docx', 2)), ['500829.89', '123457.89'])).not.toEqual(
      [],
    );

    for (const version of [1, 2]) {
      expect({
        version,
        pdf: found(await pdfText(await copy('production', 'production', 'pdf', version)), amounts),
      }).toEqual({ version, pdf: [] });
      expect({
        version,
        docx: found(await docxText(await copy('production', 'production', 'docx', version)), amounts),
      }).toEqual({ version, docx: [] });
    }
    for (const r of (await received()).filter((x) => x.rcptTo[0] === MAIL.production)) {
      expect(
        found(`${r.mail.subject}\n${r.mail.text}\n${await pdfText(r.mail.attachments[0].content)}`, amounts),
      ).toEqual([]);
    }

    const list = (role: string, query: string) => as(role).file(`/api/contracts/contact-list?${query}`);
    const period = `from=${today()}&to=${today()}`;
    const pdf = await list('production', `${period}&audience=production&format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    const pdfList = await pdfText(pdf.body as Buffer);
    expect(squash(pdfList)).toContain(contract.number);
    expect(squash(pdfList)).toContain('核子密度计×2套');
    expect(found(pdfList, amounts)).toEqual([]);
    const docx = await list('production', `${period}&audience=production&format=docx`);
    expect(docx.status).toBe(200);
    const docxList = await docxText(docx.body as Buffer);
    expect(squash(docxList)).toContain(projectNumber);
    expect(found(docxList, amounts)).toEqual([]);
    const xlsx = await list('production', `${period}&audience=production&format=xlsx`);
    expect(xlsx.status).toBe(200);
    const cells = await xlsxText(xlsx.body as Buffer);
    expect(cells).toContain(contract.number);
    expect(found(cells, amounts)).toEqual([]);
    // A production user's default is the production list; the finance list is refused.
    expect(found(await pdfText((await list('production', period)).body as Buffer), amounts)).toEqual([]);
    const refused = await list('production', `${period}&audience=finance&format=xlsx`);
    expect(refused.status).toBe(403);
    expect((await list('sales', 'audience=finance')).status).toBe(403);

    // Positive control on the lists: the finance version has amount, received (the advance, less the reversed one) and outstanding.
    const fin = await xlsxText((await list('finance', `${period}&audience=finance&format=xlsx`)).body as Buffer);
    expect(fin).toContain('500829.89');
    expect(fin).toContain('150248.97');
    expect(fin).toContain('350580.92');
    const finPdf = squash(await pdfText((await list('backoffice', `${period}&format=pdf`)).body as Buffer));
    expect(finPdf).toContain('¥500,829.89');
    expect(finPdf).toContain('（财务版）');
  }, 180_000);

  it('answers GET /api/contracts/contact-list itself, not the contracts module’s /:id route', async () => {
    const res = await as('manager').get('/api/contracts/contact-list?format=xlsx&status=active,approved');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect((await as('manager').get('/api/contracts/contact-list?status=bogus')).status).toBe(400);
    expect((await as('manager').get(`/api/contracts/${contract.id}`)).body.number).toBe(contract.number);
  });

  it('issues a new sheet version for an approved contract change, sign-offs empty, history kept', async () => {
    const change = await as('backoffice')
      .post(`/api/contracts/${contract.id}/changes`)
      .send({
        operations: [{ op: 'replace', line: 1, with: { productId: products['NDM-137'], qty: '3' } }],
        reason: '客户增加一台核子密度计',
      });
    expect(change.status).toBe(201);
    const ok = await as('manager').post(`/api/contracts/${contract.id}/changes/${change.body.id}/approve`).send({});
    expect(ok.status).toBe(200);
    const deadline = Date.now() + 180_000;
    let s = await sheet();
    while (s.copies.some((c: { issuedVersion: number | null }) => c.issuedVersion === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      s = await sheet();
    }
    expect(s).toMatchObject({ version: 2, contractRevision: 2, status: 'open', projectNumber, superseded: false });
    expect(s.signoffs.every((x: { signed: boolean }) => !x.signed)).toBe(true);
    expect(s.copies.map((c: { issuedVersion: number }) => c.issuedVersion)).toEqual([3, 3, 3]);
    expect(
      s.versions.map((v: { version: number; status: string; superseded: boolean }) => [
        v.version,
        v.status,
        v.superseded,
      ]),
    ).toEqual([
      [1, 'complete', true],
      [2, 'open', false],
    ]);
    expect(s.versions[0].signoffs.map((x: { name: string }) => x.name)).toEqual(['李会计', '周工程师', '陈调度']);
    const v3 = squash(await pdfText(await copy('production', 'production', 'pdf', 3)));
    expect(v3).toContain('核子密度计');
    expect(v3).not.toContain('陈调度');
    const revised = (await as('finance').get(`/api/contracts/${contract.id}`)).body;
    const more = [
      ...revised.lines.flatMap((l: Record<string, string>) => [l.unitPrice, l.net, l.tax, l.total]),
      revised.subtotal,
      revised.taxTotal,
      revised.total,
    ];
    expect(found(await pdfText(await copy('production', 'production', 'pdf', 3)), [...amounts, ...more])).toEqual([]);
    expect(found(await pdfText(await copy('finance', 'finance', 'pdf', 3)), [revised.total])).not.toEqual([]);
    const versions = await as('production').get(`/api/contracts/${contract.id}/contact-sheet/versions`);
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  }, 240_000);
});

describe('project numbers under concurrent advance payments', () => {
  let t: TestApp;
  let finance: string;
  let backoffice: string;
  let manager: string;
  let customerId: string;

  beforeAll(async () => {
    // The render jobs are queued but not run here: this is about the numbers.
    t = await startTestApp('projectnumbers', { API_RUNS_JOBS: 'false' });
    finance = (await t.userWith(['finance'])).token;
    backoffice = (await t.userWith(['backoffice'])).token;
    manager = (await t.userWith(['manager'])).token;
    const c = await t
      .http()
      .post('/api/customers')
      .auth(backoffice, { type: 'bearer' })
      .send({ name: '苏州工业园区热电有限公司' });
    customerId = c.body.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const approvedContract = async (i: number) => {
    const c = await t
      .http()
      .post('/api/contracts')
      .auth(backoffice, { type: 'bearer' })
      .send({
        customerId,
        projectName: `锅炉给水流量计 ${i}`,
        signingDate: today(),
        lines: [{ name: '电磁流量计', unit: '台', qty: '1', unitPrice: '25800.00', taxRate: '13' }],
        paymentTerms: [{ percent: '100', event: 'before_delivery' }],
      });
    expect(c.status).toBe(201);
    await t.http().post(`/api/contracts/${c.body.id}/review`).auth(backoffice, { type: 'bearer' });
    const ok = await t
      .http()
      .post(`/api/contracts/${c.body.id}/approve`)
      .auth(manager, { type: 'bearer' })
      .send({ reason: '手工合同，总经理批准' });
    expect(ok.body.status).toBe('approved');
    return c.body.id as string;
  };
  const advance = (contractId: string) =>
    t
      .http()
      .post('/api/payments')
      .auth(finance, { type: 'bearer' })
      .send({ customerId, contractId, date: today(), amount: '7740.00', method: 'bank_transfer', nature: 'advance' });

  it('gives 20 concurrent advance payments on 20 contracts 20 distinct, consecutive project numbers', async () => {
    const contracts: string[] = [];
    for (let i = 0; i < 20; i++) contracts.push(await approvedContract(i));
    const results = await Promise.all(contracts.map(advance));
    expect(results.map((r) => r.status)).toEqual(contracts.map(() => 201));
    const numbers = results.map((r) => r.body.projectNumber as string);
    expect(new Set(numbers).size).toBe(20);
    const re = projectNumberRegExp('{YYYY}-{SEQ:3}');
    const seqs = numbers.map((n) => Number(re.exec(n)!.groups!.seq)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const rows = await t.db.query<{ id: string; project_number: string }>(
      'SELECT id, project_number FROM contracts WHERE id = ANY($1)',
      [contracts],
    );
    expect(rows.map((r) => r.project_number).sort()).toEqual([...numbers].sort());
    expect(await t.db.query('SELECT count(*)::int AS n FROM contact_sheets')).toEqual([{ n: 20 }]);
    expect(results.every((r) => typeof r.body.contactSheet.job.id === 'string')).toBe(true);
  }, 180_000);

  it('numbers a contract once when two advance payments on it arrive together', async () => {
    const id = await approvedContract(99);
    const [a, b] = await Promise.all([advance(id), advance(id)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.projectNumberAssigned, b.body.projectNumberAssigned].sort()).toEqual([false, true]);
    expect(a.body.projectNumber).toBe(b.body.projectNumber);
    expect(a.body.projectNumber).toMatch(/-021$/);
    expect(await t.db.query('SELECT count(*)::int AS n FROM contact_sheets WHERE contract_id = $1', [id])).toEqual([
      { n: 1 },
    ]);
  }, 60_000);
});
