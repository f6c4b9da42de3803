import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { toChineseCapital } from '../../src/common/chinese-numerals.js';
import { Dec } from '../../src/common/money.js';
import { todayIso } from '../../src/common/tabular/date-only.js';
import { StatementsService } from '../../src/modules/statements/statements.service.js';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtp, until, type ControlledSmtp } from '../support/faults.js';
import { pdfText, squash, tool, withFiles } from '../support/tools.js';

/**
 * Issue #7, "Done when: statement figures": a ledger built through the API (contracts made by hand and approved by a
 * manager, partial payments, an overpayment, a payment without a contract, invoices before, in and after the
 * period, shares due after the statement date), a statement for 2026-04-01..2026-06-30 whose every figure is
 * computed by hand below, then checked in the record, the signed PDF (pdftotext, pdfsig) and the DOCX.
 */

const PUBLIC_URL = 'https://tenderdesk.example.cn';
const BILLING_A = 'caiwu@qinglan-steel.example';
const MAIL_B = 'ap@haisheng-petro.example';
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

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** ¥1,234.50 / -¥700.00, written here on its own (not the template helper). */
function yuan(amount: string): string {
  const negative = amount.startsWith('-');
  const [int, frac] = amount.replace('-', '').split('.');
  return `${negative ? '-' : ''}¥${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

interface Line {
  date: string;
  kind: string;
  reference: string | null;
  contractNumber: string | null;
  description: string;
  debit: string | null;
  credit: string | null;
  memo: string | null;
  balance: string;
}

describe('customer statements', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  const tokens: Record<string, string> = {};
  const customers: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };
  const contracts: Record<string, { id: string; number: string; total: string }> = {};
  const payments: Record<string, string> = {};

  const as = (role: string) => {
    const token = tokens[role]!;
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      put: (path: string) => t.http().put(path).auth(token, { type: 'bearer' }),
      file: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
    };
  };

  /** A contract made by hand (no quotation), so its review fails, and a manager approves it. */
  const handContract = async (
    key: string,
    customerId: string,
    projectName: string,
    signingDate: string,
    unitPrice: string,
    paymentTerms: Record<string, unknown>[],
  ) => {
    const created = await as('backoffice')
      .post('/api/contracts')
      .send({
        customerId,
        projectName,
        signingDate,
        lines: [{ name: '成套测量系统', unit: '套', qty: '1', unitPrice, taxRate: '13' }],
        paymentTerms,
      });
    expect(created.status).toBe(201);
    expect((await as('backoffice').post(`/api/contracts/${created.body.id}/review`)).body.status).toBe('review_failed');
    const approved = await as('manager')
      .post(`/api/contracts/${created.body.id}/approve`)
      .send({ reason: '客户框架协议，无报价单' });
    expect(approved.body.status).toBe('approved');
    contracts[key] = { id: created.body.id, number: created.body.number, total: created.body.total };
    return contracts[key]!;
  };
  const pay = async (key: string, body: Record<string, unknown>) => {
    const res = await as('finance').post('/api/payments').send(body);
    expect({ key, status: res.status, body: res.status === 201 ? null : res.body }).toEqual({
      key,
      status: 201,
      body: null,
    });
    payments[key] = (res.body.payment?.id ?? res.body.id) as string;
  };
  const invoice = async (body: Record<string, unknown>) => {
    const res = await as('finance').post('/api/invoices').send(body);
    expect({ number: body.number, status: res.status, body: res.status === 201 ? null : res.body }).toEqual({
      number: body.number,
      status: 201,
      body: null,
    });
  };
  /** Everything an issued statement writes (and nothing the contact sheets' background jobs write meanwhile). */
  const written = async () => ({
    statements: await t.db.query('SELECT id, number FROM statements ORDER BY number'),
    counters: await t.db.query('SELECT * FROM statement_counters ORDER BY year'),
    documents: await t.db.query("SELECT id FROM documents WHERE type = 'customer-statement' ORDER BY id"),
    mail: await t.db.query("SELECT id FROM outbox_messages WHERE subject_type = 'statement' ORDER BY id"),
    audit: await t.db.query(
      "SELECT id FROM audit_log WHERE action LIKE 'statement.%' OR (action = 'document.generate' AND details->>'type' = 'customer-statement') ORDER BY id",
    ),
  });

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('statements', { SMTP_URL: smtp.url, PUBLIC_URL, MAIL_RETRY_DELAY_SECONDS: '1' });
    tokens.admin = t.adminToken;
    let salesId = '';
    for (const role of ['backoffice', 'finance', 'sales', 'manager', 'production']) {
      const u = await t.userWith([role]);
      tokens[role] = u.token;
      if (role === 'sales') salesId = u.id;
    }
    expect((await as('backoffice').put('/api/company').send(PROFILE)).status).toBe(200);
    const customer = async (name: string, contacts: Record<string, unknown>[]) => {
      // The sales user owns them: a sales user reaches only their own customers' records (auth/ownership.ts).
      const res = await as('backoffice')
        .post('/api/customers')
        .send({ name, address: '江苏省苏州市', contacts, salesOwnerId: salesId });
      expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({ status: 201, body: null });
      return res.body.id as string;
    };
    customers.A = await customer('青澜钢铁集团有限公司', [
      { name: '赵志强', title: '采购部', phone: '139 1234 5601' },
      { name: '钱会计', title: '财务部', email: BILLING_A, billing: true },
    ]);
    customers.B = await customer('华东海晟石化有限公司', [
      { name: 'Li Na', email: 'lina@haisheng-petro.example', billing: true },
    ]);
    customers.C = await customer('无邮箱客户有限公司', [{ name: '孙经理', phone: '138 0000 0000', billing: true }]);

    // Customer A. C1: 100,000 + 13 % VAT = 113,000.00 in four shares hanging on the signing date (2026-01-10):
    // 33,900.00 due 01-20, 33,900.00 due 03-31 (+80), 33,900.00 due 06-09 (+150), 11,300.00 due 2027-01-10 (+365).
    await handContract('C1', customers.A, '炼铁厂高炉煤气流量计改造', '2026-01-10', '100000', [
      { percent: '30', event: 'contract_signed', days: 10 },
      { percent: '30', event: 'contract_signed', days: 80 },
      { percent: '30', event: 'contract_signed', days: 150 },
      { percent: '10', event: 'contract_signed', days: 365, label: '质保金' },
    ]);
    // C2: 50,000 + 13 % = 56,500.00 signed 2026-05-15: 22,600.00 due 05-15, 22,600.00 due 06-14, 11,300.00 due 07-14.
    await handContract('C2', customers.A, '二号烧结机料位测量', '2026-05-15', '50000', [
      { percent: '40', event: 'contract_signed', days: 0 },
      { percent: '40', event: 'contract_signed', days: 30 },
      { percent: '20', event: 'contract_signed', days: 60 },
    ]);
    expect([contracts.C1!.total, contracts.C2!.total]).toEqual(['113000.00', '56500.00']);
    const A = customers.A;
    await pay('P1', {
      customerId: A,
      contractId: contracts.C1!.id,
      date: '2026-01-25',
      amount: '33900.00',
      method: 'bank_transfer',
      nature: 'advance',
      reference: 'BK-0125',
    });
    await pay('P2', {
      customerId: A,
      contractId: contracts.C1!.id,
      date: '2026-04-10',
      amount: '20000.00',
      method: 'bank_acceptance',
      nature: 'progress',
      reference: 'CD-0410',
    });
    await pay('P3', {
      customerId: A,
      contractId: contracts.C2!.id,
      date: '2026-05-20',
      amount: '22600.00',
      method: 'bank_transfer',
      nature: 'progress',
      reference: 'BK-0520',
    });
    await pay('P4', {
      customerId: A,
      contractId: contracts.C2!.id,
      date: '2026-06-05',
      amount: '40000.00',
      method: 'bank_transfer',
      nature: 'progress',
      reference: 'BK-0605',
    });
    await pay('P5', {
      customerId: A,
      date: '2026-06-18',
      amount: '5000.00',
      method: 'cash',
      nature: 'other',
      reference: 'XJ-0618',
    });
    await pay('P6', {
      customerId: A,
      contractId: contracts.C1!.id,
      date: '2026-07-08',
      amount: '10000.00',
      method: 'bank_transfer',
      nature: 'progress',
      reference: 'BK-0708',
    });
    await invoice({
      number: 'FP-0201',
      customerId: A,
      contractId: contracts.C1!.id,
      date: '2026-02-01',
      amount: '33900.00',
      tax: '3900.00',
    });
    await invoice({
      number: 'FP-0516',
      customerId: A,
      contractId: contracts.C2!.id,
      date: '2026-05-16',
      amount: '56500.00',
      tax: '6500.00',
    });
    await invoice({
      number: 'FP-0625',
      kind: 'ordinary',
      customerId: A,
      contractId: contracts.C1!.id,
      date: '2026-06-25',
      amount: '20000.00',
      tax: '2300.88',
    });
    await invoice({
      number: 'FP-0710',
      customerId: A,
      contractId: contracts.C1!.id,
      date: '2026-07-10',
      amount: '10000.00',
      tax: '1150.44',
    });

    // Customer B: 10,000 + 13 % = 11,300.00 due at signing (2026-03-01), paid 12,000.00: 700.00 in credit.
    await handContract('C3', customers.B, 'Density gauge retrofit', '2026-03-01', '10000', [
      { percent: '100', event: 'contract_signed', days: 0 },
    ]);
    await pay('P7', {
      customerId: customers.B,
      contractId: contracts.C3!.id,
      date: '2026-03-05',
      amount: '12000.00',
      method: 'bank_transfer',
      nature: 'other',
      reference: 'TT-0305',
    });
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Customer A, period 2026-04-01 .. 2026-06-30, by hand:
  //
  // Opening balance (everything before 04-01): contract C1 113,000.00 − payment P1 33,900.00 = 79,100.00.
  // (Invoice FP-0201 of 02-01 is before the period and moves no balance anyway.)
  //
  //   date   line                       debit      credit     memo       running balance
  //   04-10  P2 progress C1             -          20,000.00  -          59,100.00
  //   05-15  contract C2                56,500.00  -          -          115,600.00
  //   05-16  invoice FP-0516 (C2)       -          -          56,500.00  115,600.00
  //   05-20  P3 progress C2             -          22,600.00  -          93,000.00
  //   06-05  P4 progress C2             -          40,000.00  -          53,000.00
  //   06-18  P5 without contract        -          5,000.00   -          48,000.00
  //   06-25  invoice FP-0625 (C1)       -          -          20,000.00  48,000.00
  //
  // Closing balance 48,000.00 (= 79,100.00 + 56,500.00 − 87,600.00); payment P6 (07-08) and FP-0710 are after it.
  // Totals: debit 56,500.00, credit 87,600.00, invoiced 76,500.00.
  //
  // Aging on 06-30. C1 has 53,900.00 paid (P1 + P2): share 1 paid, share 2 has 13,900.00 open (due 03-31),
  // share 3 33,900.00 (due 06-09), share 4 11,300.00 (due 2027-01-10). C2 has 62,600.00 paid on 56,500.00: every
  // share paid and 6,100.00 overpaid. Credit = 6,100.00 + P5 5,000.00 = 11,100.00, applied most overdue first:
  // share 2 of C1 13,900.00 − 11,100.00 = 2,800.00, 91 days late (04: 30, 05: 31, 06: 30) -> over 90;
  // share 3 33,900.00, 21 days late -> 1-30; share 4 11,300.00 not yet due (the share due in the future).
  // 2,800.00 + 33,900.00 + 11,300.00 = 48,000.00 = the closing balance; unapplied credit 0.00.
  // ---------------------------------------------------------------------------------------------------------------

  let statementA: { id: string; number: string; figures: { lines: Line[] } & Record<string, unknown> };
  let urlA: string;
  /** The confirmation code of statement A, as its mail carries it (digits only). */
  let codeA: string;

  it('issues a period statement whose figures are the ones computed by hand, and mails it to the billing contact', async () => {
    const c1 = contracts.C1!;
    const c2 = contracts.C2!;
    const res = await as('finance')
      .post(`/api/customers/${customers.A}/statements`)
      .send({ from: '2026-04-01', to: '2026-06-30', sendToBilling: true, replyDays: 14 });
    expect(res.status).toBe(201);
    const year = todayIso().slice(0, 4);
    expect(res.body.statement).toMatchObject({
      number: `DZ${year}-00001`,
      customer: { id: customers.A, name: '青澜钢铁集团有限公司' },
      period: { from: '2026-04-01', to: '2026-06-30' },
      issuedOn: todayIso(),
      currency: 'CNY',
      locale: 'zh-CN',
      closingBalance: '48000.00',
      response: { status: 'pending', detail: null },
    });
    expect(res.body.confirmationUrl).toMatch(new RegExp(`^${PUBLIC_URL}/statements/confirm/[A-Za-z0-9_-]{43}$`));
    statementA = res.body.statement;
    urlA = res.body.confirmationUrl;

    const line = (
      date: string,
      kind: string,
      reference: string,
      contractNumber: string | null,
      description: string,
      amounts: Partial<Line>,
    ) => ({
      date,
      kind,
      reference,
      contractNumber,
      description,
      debit: null,
      credit: null,
      memo: null,
      ...amounts,
    });
    expect(res.body.statement.figures).toEqual({
      openingBalance: '79100.00',
      closingBalance: '48000.00',
      totals: { debit: '56500.00', credit: '87600.00', invoiced: '76500.00' },
      aging: {
        notDue: '11300.00',
        days1to30: '33900.00',
        days31to60: '0.00',
        days61to90: '0.00',
        over90: '2800.00',
        unappliedCredit: '0.00',
      },
      lineCount: 7,
      lines: [
        line('2026-04-10', 'payment', 'CD-0410', c1.number, `进度款 ${c1.number} 银行承兑汇票`, {
          credit: '20000.00',
          balance: '59100.00',
        }),
        line('2026-05-15', 'contract', c2.number, c2.number, '二号烧结机料位测量', {
          debit: '56500.00',
          balance: '115600.00',
        }),
        line('2026-05-16', 'invoice', 'FP-0516', c2.number, `增值税专用发票 ${c2.number}`, {
          memo: '56500.00',
          balance: '115600.00',
        }),
        line('2026-05-20', 'payment', 'BK-0520', c2.number, `进度款 ${c2.number} 银行转账`, {
          credit: '22600.00',
          balance: '93000.00',
        }),
        line('2026-06-05', 'payment', 'BK-0605', c2.number, `进度款 ${c2.number} 银行转账`, {
          credit: '40000.00',
          balance: '53000.00',
        }),
        line('2026-06-18', 'payment', 'XJ-0618', null, '其他款项 未指定合同 现金', {
          credit: '5000.00',
          balance: '48000.00',
        }),
        line('2026-06-25', 'invoice', 'FP-0625', c1.number, `增值税普通发票 ${c1.number}`, {
          memo: '20000.00',
          balance: '48000.00',
        }),
      ],
    });
    // The aging adds up to the closing balance.
    const aging = res.body.statement.figures.aging as Record<string, string>;
    expect(
      Object.values(aging)
        .reduce((a, v) => a.plus(v), new Dec(0))
        .equals('48000.00'),
    ).toBe(true);

    // The customer's copy in the mail: the PDF attached, the link and the reply-by date in the text.
    const mail = await until(
      'the statement mail',
      async () => smtp.received.filter((m) => m.rcptTo.includes(BILLING_A)),
      (m) => m.length > 0,
      60_000,
    );
    expect(mail).toHaveLength(1);
    const parsed = await simpleParser(mail[0]!.raw);
    expect(parsed.subject).toContain(statementA.number);
    expect(parsed.text).toContain(urlA);
    expect(parsed.text).toContain('¥48,000.00');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    // The token is in the mail and the PDF only: the record keeps its hash.
    const token = urlA.split('/').pop()!;
    const [row] = await t.db.query<{ token_hash: string; json: string; reply_by: string }>(
      "SELECT token_hash, row_to_json(s)::text AS json, to_char(reply_by, 'YYYY-MM-DD') AS reply_by FROM statements s WHERE id = $1",
      [statementA.id],
    );
    expect(row!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row!.json).not.toContain(token);
    // The confirmation code is in the mail only: the record keeps a hash keyed by the token.
    const code = /确认码：(\d{4} \d{4})/.exec(parsed.text ?? '')?.[1];
    expect(code).toBeDefined();
    codeA = code!.replace(' ', '');
    expect(row!.json).not.toContain(codeA);
    expect(row!.json).toContain(createHash('sha256').update(`${token}\n${codeA}`).digest('hex'));
    expect(JSON.stringify(res.body)).not.toContain(codeA);
    expect(parsed.text).toContain(row!.reply_by.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日'));
    const view = await until(
      'the mail status',
      async () => (await as('sales').get(`/api/statements/${statementA.id}`)).body,
      (v) => v.mail?.[0]?.status === 'sent',
      60_000,
    );
    expect(view.mail).toEqual([expect.objectContaining({ to: [BILLING_A], status: 'sent' })]);
    expect(
      Buffer.compare(
        parsed.attachments[0]!.content,
        await (
          await as('finance').file(`/api/statements/${statementA.id}/file?format=pdf`)
        ).body,
      ),
    ).toBe(0);
    const audit = await t.db.query(
      "SELECT action, actor_name FROM audit_log WHERE entity_type = 'statement' AND entity_id = $1",
      [statementA.id],
    );
    expect(audit).toEqual([expect.objectContaining({ action: 'statement.issue' })]);
  }, 180_000);

  it('prints the figures, the running balances and the capital numerals in the signed PDF and the lines in the DOCX', async () => {
    const pdf = (await as('sales').file(`/api/statements/${statementA.id}/file?format=pdf`)).body as Buffer;
    const text = squash(await pdfText(pdf));
    for (const amount of [
      '79100.00',
      '59100.00',
      '115600.00',
      '93000.00',
      '53000.00',
      '48000.00',
      '56500.00',
      '87600.00',
      '20000.00',
      '22600.00',
      '40000.00',
      '5000.00',
      '2800.00',
      '33900.00',
      '11300.00',
      '76500.00',
    ]) {
      expect({ amount, found: text.includes(squash(yuan(amount))) }).toEqual({ amount, found: true });
    }
    expect(text).toContain(toChineseCapital('48000.00'));
    expect(toChineseCapital('48000.00')).toBe('肆万捌仟元整');
    expect(text).toContain(statementA.number);
    expect(text).toContain(squash(urlA));
    expect(text).not.toContain(codeA); // what answers for the customer is not printed
    expect(text).toContain('预收款/未核销');
    expect(text).toContain('二号烧结机料位测量');
    const sig = await withFiles({ 's.pdf': pdf }, (dir) => tool('pdfsig', [join(dir, 's.pdf')]));
    expect(sig.out).toContain('Signature is Valid.');

    const docx = (await as('finance').file(`/api/statements/${statementA.id}/file?format=docx`)).body as Buffer;
    const docText = squash(pyDocxText(await readDocxWithPython(docx)));
    expect(docText).not.toContain(codeA);
    for (const l of statementA.figures.lines) {
      expect(docText).toContain(squash(l.description));
      expect(docText).toContain(squash(yuan(l.balance)));
    }
    expect(docText).toContain('肆万捌仟元整');
    const bundle = await as('manager').file(`/api/statements/${statementA.id}/file?format=bundle`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toBe('application/zip');
  }, 120_000);

  it('refuses an invalid period, an unknown customer and a missing billing e-mail, writing nothing', async () => {
    const before = await written();
    const tomorrow = new Date(Date.now() + 86_400_000);
    const future = todayIso(tomorrow);
    const cases: [string, Record<string, unknown>, number, string][] = [
      [customers.A, { from: '2026-06-30', to: '2026-04-01' }, 422, 'STATEMENT_PERIOD_INVALID'],
      [customers.A, { from: '2026-06-01', to: future }, 422, 'STATEMENT_PERIOD_INVALID'],
      [customers.A, { asOf: future }, 422, 'STATEMENT_PERIOD_INVALID'],
      ['00000000-0000-4000-8000-000000000000', { asOf: '2026-06-30' }, 404, 'CUSTOMER_NOT_FOUND'],
      [customers.C, { asOf: '2026-06-30', sendToBilling: true }, 422, 'NO_BILLING_EMAIL'],
      [customers.A, { from: '2026-04-01' }, 400, 'VALIDATION_FAILED'],
      [customers.A, { asOf: '2026-06-30', from: '2026-04-01', to: '2026-06-30' }, 400, 'VALIDATION_FAILED'],
      [customers.A, { sendTo: 'not-an-address' }, 400, 'VALIDATION_FAILED'],
      [customers.A, { sendTo: BILLING_A, sendToBilling: true }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [id, body, status, code] of cases) {
      const res = await as('backoffice').post(`/api/customers/${id}/statements`).send(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
    }
    expect((await as('production').post(`/api/customers/${customers.A}/statements`).send({})).status).toBe(403);
    expect(await written()).toEqual(before);
  }, 60_000);

  it('issues an as-of statement in English with the credit shown as unapplied, and mails it to the address given', async () => {
    // Customer B as of 2026-06-30: contract C3 11,300.00 then payment P7 12,000.00: opening 0.00 (an as-of statement
    // starts from nothing), running 11,300.00, then -700.00; all of it unapplied credit.
    const res = await as('backoffice')
      .post(`/api/customers/${customers.B}/statements`)
      .send({ asOf: '2026-06-30', locale: 'en', sendTo: MAIL_B });
    expect(res.status).toBe(201);
    const s = res.body.statement;
    // No number was taken by the refusals above.
    expect(s.number).toBe(`DZ${todayIso().slice(0, 4)}-00002`);
    expect(s).toMatchObject({ period: { from: null, to: '2026-06-30' }, locale: 'en', closingBalance: '-700.00' });
    expect(s.figures).toMatchObject({
      openingBalance: '0.00',
      closingBalance: '-700.00',
      totals: { debit: '11300.00', credit: '12000.00', invoiced: '0.00' },
      aging: {
        notDue: '0.00',
        days1to30: '0.00',
        days31to60: '0.00',
        days61to90: '0.00',
        over90: '0.00',
        unappliedCredit: '-700.00',
      },
      lines: [
        expect.objectContaining({
          kind: 'contract',
          description: 'Density gauge retrofit',
          debit: '11300.00',
          balance: '11300.00',
        }),
        expect.objectContaining({
          kind: 'payment',
          description: `Other payment, ${contracts.C3!.number}, bank transfer`,
          credit: '12000.00',
          balance: '-700.00',
        }),
      ],
    });
    const mail = await until(
      'the mail to B',
      async () => smtp.received.filter((m) => m.rcptTo.includes(MAIL_B)),
      (m) => m.length > 0,
      60_000,
    );
    const parsed = await simpleParser(mail[0]!.raw);
    expect(parsed.subject).toContain(`Statement of account ${s.number} as of 30 Jun 2026`);
    expect(parsed.text).toContain(res.body.confirmationUrl);
    expect(parsed.attachments).toHaveLength(1);
    const text = squash(await pdfText(parsed.attachments[0]!.content));
    expect(text).toContain('-¥700.00');
    expect(text).toContain('负柒佰元整');
    expect(text).toContain('Unappliedcredit');
    expect(text).toContain('Asof30Jun2026');
  }, 120_000);

  it('lists statements for the readers only, with their filters', async () => {
    const all = await as('sales').get('/api/statements');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 2, page: 1 });
    const a = await as('finance').get(`/api/statements?customerId=${customers.A}&responseStatus=pending`);
    expect(a.body.items.map((s: { number: string }) => s.number)).toEqual([statementA.number]);
    expect((await as('finance').get('/api/statements?responseStatus=confirmed')).body.total).toBe(0);
    expect((await as('production').get('/api/statements')).status).toBe(403);
    expect((await as('production').get(`/api/statements/${statementA.id}`)).status).toBe(403);
    expect((await as('production').get(`/api/statements/${statementA.id}/file`)).status).toBe(403);
    expect((await as('finance').get('/api/statements/00000000-0000-4000-8000-000000000000')).body.error.code).toBe(
      'STATEMENT_NOT_FOUND',
    );
  });

  it('issues once per job: a retried job gets the statement its first attempt issued, and no second mail', async () => {
    // A job of a statement run, as JobsService would hold it while running (never picked up: it is not queued).
    const [job] = await t.db.query<{ id: string }>(
      "INSERT INTO jobs (name, status, max_attempts, payload) VALUES ('statement-run.test', 'running', 3, '{}') RETURNING id",
    );
    const service = t.app.get(StatementsService);
    const actor = { id: (await t.userWith(['backoffice'])).id, name: '月度对账' };
    const request = { from: '2026-04-01', to: '2026-06-30', jobId: job!.id, mailTo: 'Rerun@Haisheng-Petro.example' };
    const first = await service.issue(actor, customers.B, request);
    const again = await service.issue(actor, customers.B, request);
    expect(first.confirmationUrl).toMatch(/\/statements\/confirm\//);
    expect(again).toEqual({
      statement: expect.objectContaining({ id: first.statement.id }),
      confirmationUrl: null,
      outboxMessageId: first.outboxMessageId,
    });
    expect(
      await t.db.query('SELECT id FROM statements WHERE customer_id = $1 AND period_from IS NOT NULL', [customers.B]),
    ).toHaveLength(1);
    const mail = await t.db.query<{ key: string }>('SELECT key FROM outbox_messages WHERE subject_id = $1', [
      first.statement.id,
    ]);
    expect(mail).toEqual([{ key: `statement:${first.statement.id}:rerun@haisheng-petro.example` }]);
    const [saved] = await t.db.query<{ result: unknown }>('SELECT result FROM jobs WHERE id = $1', [job!.id]);
    // The effect the issuer saved with the job (DocumentIssuer.issue): the statement, its version and its mail.
    expect(saved!.result).toEqual({
      statementId: first.statement.id,
      documentId: first.statement.document!.id,
      version: 1,
      mail: { [`statement:${first.statement.id}:rerun@haisheng-petro.example`]: first.outboxMessageId },
    });
  }, 120_000);
});
