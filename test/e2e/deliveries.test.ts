import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { toChineseCapital } from '../../src/common/chinese-numerals.js';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { parseMail, startSmtp, until, type ControlledSmtp } from '../support/faults.js';
import { pdfText, squash, tool, withFiles } from '../support/tools.js';

// As prices-hidden.test.ts judges a key: a commercial figure.
const PRICE_KEY = /price|amount|discount|total|subtotal|^net$|^tax$|taxAmount|balance|paid|outstanding/i;
const PRODUCTION_EMAIL = 'diaodu@huadong-instruments.example';
const CUSTOMER_EMAIL = 'shouhuo@qinglan-steel.example';
const TERMS = [
  { percent: '30', event: 'contract_signed', days: 7, label: '预付款' },
  { percent: '60', event: 'before_delivery', label: '发货款' },
  { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
];

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

function dayOffset(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
const today = () => dayOffset(0);

function priceKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => priceKeys(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    // A page's `total` is a count of items, not money.
    const isPage = 'items' in value && 'pageSize' in value;
    return Object.entries(value).flatMap(([k, v]) => [
      ...(PRICE_KEY.test(k) && !(isPage && k === 'total') ? [`${path}.${k}`] : []),
      ...priceKeys(v, `${path}.${k}`),
    ]);
  }
  return [];
}

/** Every way an amount can be printed (written here, not taken from the code under test). */
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
/** The forms of these amounts found in a text, searched without whitespace. */
function found(text: string, amounts: string[]): string[] {
  const flat = squash(text);
  return amounts.flatMap((a) =>
    forms(a)
      .filter((f) => flat.includes(f))
      .map((f) => `${a}:${f}`),
  );
}

/** a + b of two-place decimal strings, in integer cents. */
function addAmounts(a: string, b: string): string {
  const cents = (x: string) => BigInt(x.replace('.', ''));
  const s = (cents(a) + cents(b)).toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

interface Share {
  share: number;
  event: string;
  label: string | null;
  dueDate: string | null;
  outstanding: string;
}

/**
 * Delivery notices against a real PostgreSQL, Chromium and an SMTP server on loopback: the payment gate refuses a
 * notice before the payments due before delivery (writing nothing), lets it through once they are paid or on a
 * manager's approval; the notice is rendered (signed PDF + DOCX) and mailed to production scheduling and the
 * customer with the PDF; quantities never exceed what remains; issued -> shipped -> delivered records the contract's
 * on_delivery milestone; no amount reaches production.
 */
describe('delivery notices: payment gate, rendering, mail, shipping', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const year = today().slice(0, 4);
  let customerA: string;
  let customerB: string;
  /** Contract A: 3-6-1, paid step by step. Contract B: let through by the manager. */
  let contractA: { id: string; number: string; total: string };
  let contractB: { id: string; number: string; total: string };
  let sharesA: { amount: string }[];
  /** Every amount of both contracts: none may reach a notice, a mail, or a production or engineering reader. */
  let amounts: string[];
  let first: { id: string; number: string };
  let approved: { id: string; number: string };

  const as = (role: string) => {
    const token = role === 'admin' ? t.adminToken : tokens[role];
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      file: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
    };
  };
  const waitJob = async (role: string, id: string) => {
    const job = await until(
      `job ${id}`,
      async () => (await as(role).get(`/api/jobs/${id}`)).body as { status: string; error: string | null },
      (j) => j.status === 'succeeded' || j.status === 'failed',
      180_000,
      250,
    );
    return job;
  };
  const mailSettled = (role: string, id: string) =>
    until(
      `mail of delivery ${id}`,
      async () =>
        (await as(role).get(`/api/deliveries/${id}`)).body as {
          mail: { audience: string; status: string; to: string | null; lastError: string | null }[];
        },
      (d) => d.mail.every((m) => ['sent', 'failed', 'no_address'].includes(m.status)),
      120_000,
      250,
    );
  /** The messages to `to` whose subject names the notice. */
  const noticeMails = async (to: string, number: string) => {
    const mine = smtp.received.filter((m) => m.rcptTo.includes(to));
    const subjects = await Promise.all(mine.map(async (m) => (await parseMail(m)).subject));
    return mine.filter((_, i) => subjects[i].startsWith(`发货通知 ${number}`));
  };
  const auditOf = (entityId: string, action: string) =>
    t.db.query<{ actor_id: string | null; details: Record<string, unknown> }>(
      'SELECT actor_id, details FROM audit_log WHERE entity_type = $1 AND entity_id = $2 AND action = $3 ORDER BY id',
      ['delivery', entityId, action],
    );
  const deliveryAudits = () =>
    t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'delivery.%' ORDER BY id");
  const schedule = async (contractId: string) => {
    const res = await as('finance').get(`/api/contracts/${contractId}/schedule`);
    expect(res.status).toBe(200);
    return res.body as { events: Record<string, string | null>; shares: (Share & { amount: string })[] };
  };
  const pay = async (contractId: string, customerId: string, amount: string, nature: string) => {
    const res = await as('finance')
      .post('/api/payments')
      .send({ customerId, contractId, date: today(), amount, method: 'bank_transfer', nature });
    expect(res.status).toBe(201);
  };
  const notice = (
    contractId: string,
    items: { line: number; qty: unknown }[],
    extra: Record<string, unknown> = {},
  ) => ({
    contractId,
    items,
    shipDate: today(),
    estimatedArrival: dayOffset(2),
    consignee: '赵志强',
    address: '山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库',
    contactPhone: '139 0000 0101',
    carrier: '德邦物流',
    driverName: '孙师傅',
    driverPhone: '135 0000 0202',
    licencePlate: '鲁L·A1234',
    remarks: '放射源随车附准运证',
    ...extra,
  });
  const pdfOf = async (role: string, id: string) => {
    const res = await as(role).file(`/api/deliveries/${id}/file?format=pdf`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    return res.body as Buffer;
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('deliveries', {
      SMTP_URL: smtp.url,
      PRODUCTION_EMAIL,
      MAIL_RETRY_DELAY_SECONDS: '1',
    });
    const people: [string, string[], string][] = [
      ['backoffice', ['backoffice'], '内勤小张'],
      ['sales', ['sales'], '业务员小王'],
      ['finance', ['finance'], '李会计'],
      ['engineering', ['engineering'], '周工程师'],
      ['production', ['production'], '陈调度'],
      ['manager', ['manager'], '王总'],
    ];
    for (const [key, roles, name] of people) {
      const u = await t.userWith(roles, name);
      tokens[key] = u.token;
      ids[key] = u.id;
    }
    const customer = async (name: string, contacts: Record<string, unknown>[]) => {
      // The sales user owns them: a sales user reaches only their own customers' records (auth/ownership.ts).
      const res = await as('backoffice').post('/api/customers').send({ name, contacts, salesOwnerId: ids.sales });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    // The first contact has no e-mail: the notice goes to the first one that has one.
    customerA = await customer('青澜钢铁集团有限公司', [
      { name: '钱主任', phone: '139 0000 0303' },
      { name: '赵志强', phone: '139 0000 0101', email: CUSTOMER_EMAIL },
      { name: '孙会计', email: 'caiwu@qinglan-steel.example', billing: true },
    ]);
    customerB = await customer('华东海晟石化有限公司', [{ name: '周工', phone: '139 0000 0404' }]);

    // Made by hand (no quotation): the review fails on that alone and a manager approves it.
    const contract = async (customerId: string, projectName: string) => {
      const created = await as('backoffice')
        .post('/api/contracts')
        .send({
          customerId,
          projectName,
          signingDate: today(),
          lines: [
            {
              name: '核子密度计',
              specification: 'Cs-137 密封源，DN100–DN600',
              qty: '3',
              unit: '套',
              unitPrice: '123457.89',
            },
            { name: '屏蔽信号电缆', specification: 'RVVP 4×1.0 mm²', qty: '120.5', unit: '米', unitPrice: '4567.31' },
          ],
          paymentTerms: TERMS,
        });
      expect(created.status).toBe(201);
      const review = await as('backoffice').post(`/api/contracts/${created.body.id}/review`);
      expect(review.status).toBe(200);
      const approval = await as('manager')
        .post(`/api/contracts/${created.body.id}/approve`)
        .send({ reason: '手工合同，总经理同意' });
      expect(approval.status).toBe(200);
      expect(approval.body.status).toBe('approved');
      return approval.body as {
        id: string;
        number: string;
        total: string;
        subtotal: string;
        taxTotal: string;
        lines: Record<string, string>[];
      };
    };
    const a = await contract(customerA, '炼铁厂烧结矿浆浓度测量改造');
    const b = await contract(customerB, '常减压装置料位测量');
    contractA = a;
    contractB = b;
    sharesA = (await schedule(a.id)).shares;
    amounts = [
      ...[a, b].flatMap((c) => [
        ...c.lines.flatMap((l) => [l.unitPrice, l.net, l.tax, l.total]),
        c.subtotal,
        c.taxTotal,
        c.total,
      ]),
      ...sharesA.map((s) => s.amount),
    ];
    expect(amounts).toEqual(expect.arrayContaining(['123457.89', '4567.31']));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('refuses a delivery notice before any payment: 409 PAYMENT_OUTSTANDING listing both shares, nothing written', async () => {
    const res = await as('backoffice')
      .post('/api/deliveries')
      .send(notice(contractA.id, [{ line: 1, qty: '2' }]));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PAYMENT_OUTSTANDING');
    const [advance, beforeDelivery] = sharesA;
    expect(res.body.error.details).toEqual({
      contractId: contractA.id,
      contractNumber: contractA.number,
      currency: 'CNY',
      shares: [
        { share: 1, event: 'contract_signed', label: '预付款', dueDate: dayOffset(7), outstanding: advance.amount },
        { share: 2, event: 'before_delivery', label: '发货款', dueDate: null, outstanding: beforeDelivery.amount },
      ],
      totalDue: addAmounts(advance.amount, beforeDelivery.amount),
    });
    const message = res.body.error.message as string;
    for (const s of [
      advance.amount,
      beforeDelivery.amount,
      res.body.error.details.totalDue,
      '预付款',
      '发货款',
      dayOffset(7),
    ]) {
      expect([s, message.includes(s)]).toEqual([s, true]);
    }
    expect(await t.db.query('SELECT id FROM deliveries')).toEqual([]);
    expect(await t.db.query('SELECT * FROM delivery_counters')).toEqual([]);
    expect(await t.db.query('SELECT * FROM contract_milestones')).toEqual([]);
    expect(await deliveryAudits()).toEqual([]);
  });

  it('still refuses after the advance alone, listing the 60 % share', async () => {
    await pay(contractA.id, customerA, sharesA[0].amount, 'advance');
    const res = await as('sales')
      .post('/api/deliveries')
      .send(notice(contractA.id, [{ line: 1, qty: '2' }]));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'PAYMENT_OUTSTANDING',
      details: {
        shares: [{ share: 2, event: 'before_delivery', label: '发货款', outstanding: sharesA[1].amount }],
        totalDue: sharesA[1].amount,
      },
    });
    expect(res.body.error.details.shares).toHaveLength(1);
    expect(await t.db.query('SELECT id FROM deliveries')).toEqual([]);
    expect(await t.db.query('SELECT * FROM delivery_counters')).toEqual([]);
  });

  it('lets only a manager override the gate, with a reason; production may not issue at all', async () => {
    for (const role of ['backoffice', 'sales']) {
      const res = await as(role)
        .post('/api/deliveries')
        .send(notice(contractA.id, [{ line: 1, qty: '2' }], { override: { reason: '客户急需' } }));
      expect({ role, status: res.status, code: res.body.error?.code }).toEqual({
        role,
        status: 403,
        code: 'GATE_OVERRIDE_FORBIDDEN',
      });
    }
    const blank = await as('manager')
      .post('/api/deliveries')
      .send(notice(contractA.id, [{ line: 1, qty: '2' }], { override: { reason: '   ' } }));
    expect(blank.status).toBe(400);
    expect(blank.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['override.reason']);
    for (const role of ['production', 'engineering', 'finance']) {
      expect(
        (
          await as(role)
            .post('/api/deliveries')
            .send(notice(contractA.id, [{ line: 1, qty: '2' }]))
        ).status,
      ).toBe(403);
    }
    expect(await t.db.query('SELECT id FROM deliveries')).toEqual([]);
    expect(await t.db.query('SELECT * FROM delivery_counters')).toEqual([]);
  });

  it('issues FH{YYYY}-0001 once the payment due before delivery is in; both mails arrive with the signed PDF', async () => {
    await pay(contractA.id, customerA, sharesA[1].amount, 'delivery');
    const res = await as('backoffice')
      .post('/api/deliveries')
      .send(
        notice(contractA.id, [
          { line: 1, qty: '2' },
          { line: 2, qty: '60.5' },
        ]),
      );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      number: `FH${year}-0001`,
      status: 'issued',
      contract: { id: contractA.id, number: contractA.number, projectName: '炼铁厂烧结矿浆浓度测量改造' },
      customer: { id: customerA, name: '青澜钢铁集团有限公司' },
      customerEmail: CUSTOMER_EMAIL,
      items: [
        { line: 1, name: '核子密度计', qty: '2', unit: '套' },
        { line: 2, name: '屏蔽信号电缆', qty: '60.5', unit: '米' },
      ],
      gate: { result: 'paid', outstanding: [], approvedBy: null, reason: null },
      renderJobId: expect.any(String),
      createdBy: { id: ids.backoffice, name: '内勤小张' },
    });
    first = res.body;
    expect(priceKeys(res.body.items)).toEqual([]);
    expect(await t.db.query('SELECT year, last FROM delivery_counters')).toEqual([{ year: Number(year), last: 1 }]);
    // In the same transaction: the milestone and the audit entry.
    expect((await schedule(contractA.id)).events.before_delivery).toBe(today());
    expect(await auditOf(first.id, 'delivery.issue')).toEqual([
      expect.objectContaining({
        actor_id: ids.backoffice,
        details: expect.objectContaining({ number: first.number, gate: 'paid' }),
      }),
    ]);

    expect(await waitJob('backoffice', res.body.renderJobId)).toMatchObject({ status: 'succeeded', error: null });
    const settled = await mailSettled('backoffice', first.id);
    expect(settled.mail).toEqual([
      expect.objectContaining({ audience: 'production', to: PRODUCTION_EMAIL, status: 'sent' }),
      expect.objectContaining({ audience: 'customer', to: CUSTOMER_EMAIL, status: 'sent' }),
    ]);
    const view = (await as('backoffice').get(`/api/deliveries/${first.id}`)).body;
    expect(view.document).toMatchObject({ latestVersion: 1, versions: [{ version: 1, signed: true }] });
    expect(view.document.versions[0].files.map((f: { format: string }) => f.format).sort()).toEqual(['docx', 'pdf']);

    // Each address got exactly one message about the notice, with its PDF attached. (Production also gets the
    // contact sheet the advance payment issued: told apart by the subject.)
    for (const to of [PRODUCTION_EMAIL, CUSTOMER_EMAIL]) {
      const mails = await noticeMails(to, first.number);
      expect([to, mails.length]).toEqual([to, 1]);
      const mail = await parseMail(mails[0]);
      expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
        [`发货通知单-${first.number}.pdf`, 'application/pdf'],
      ]);
      const pdf = mail.attachments[0].content;
      const text = await pdfText(pdf);
      for (const s of [
        first.number,
        contractA.number,
        '发货通知单',
        '核子密度计',
        '屏蔽信号电缆',
        '60.5',
        '赵志强',
        '鲁L·A1234',
        '收货签收',
      ]) {
        expect([to, s, squash(text).includes(squash(s))]).toEqual([to, s, true]);
      }
      expect(text).not.toContain('凭审批发货');
      expect([to, found(text, amounts)]).toEqual([to, []]);
      const body = await simpleParser(mails[0].raw);
      expect(body.text).toContain(first.number);
      expect([to, found(`${mail.subject}\n${body.text ?? ''}`, amounts)]).toEqual([to, []]);
      // Signed: the same bytes as the stored version, and poppler finds the signature.
      expect(pdf.equals(await pdfOf('backoffice', first.id))).toBe(true);
      const sig = await withFiles({ 'n.pdf': pdf }, (dir) => tool('pdfsig', [`${dir}/n.pdf`]));
      expect(sig.out).toContain('Signature is Valid.');
    }
    const docx = await as('backoffice').file(`/api/deliveries/${first.id}/file?format=docx`);
    expect(docx.status).toBe(200);
    const docxText = pyDocxText(await readDocxWithPython(docx.body as Buffer));
    expect(squash(docxText)).toContain(squash(first.number));
    expect(found(docxText, amounts)).toEqual([]);
  }, 300_000);

  it('refuses more than remains (422 listing line, asked, remaining), unknown lines and bad quantities, writing nothing', async () => {
    const over = await as('backoffice')
      .post('/api/deliveries')
      .send(
        notice(contractA.id, [
          { line: 1, qty: '1.5' },
          { line: 2, qty: '60.001' },
        ]),
      );
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({
      code: 'DELIVERY_EXCEEDS_REMAINING',
      details: {
        lines: [
          { line: 1, asked: '1.5', remaining: '1' },
          { line: 2, asked: '60.001', remaining: '60' },
        ],
      },
    });
    const unknown = await as('backoffice')
      .post('/api/deliveries')
      .send(notice(contractA.id, [{ line: 9, qty: '1' }]));
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'DELIVERY_LINE_UNKNOWN', details: { lines: [9], known: [1, 2] } });
    for (const items of [
      [{ line: 1, qty: '0' }],
      [{ line: 1, qty: '0.0001' }],
      [{ line: 1, qty: 1 }],
      [
        { line: 1, qty: '0.5' },
        { line: 1, qty: '0.5' },
      ],
      [],
    ]) {
      const res = await as('backoffice').post('/api/deliveries').send(notice(contractA.id, items));
      expect([JSON.stringify(items), res.status, res.body.error?.code]).toEqual([
        JSON.stringify(items),
        400,
        'VALIDATION_FAILED',
      ]);
    }
    const missing = await as('backoffice')
      .post('/api/deliveries')
      .send(notice('00000000-0000-4000-8000-000000000000', [{ line: 1, qty: '1' }]));
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('CONTRACT_NOT_FOUND');
    expect(await t.db.query('SELECT number FROM deliveries')).toEqual([{ number: first.number }]);
    expect(await t.db.query('SELECT last FROM delivery_counters')).toEqual([{ last: 1 }]);

    const remaining = await as('production').get(`/api/deliveries/remaining?contractId=${contractA.id}`);
    expect(remaining.status).toBe(200);
    expect(remaining.body).toMatchObject({
      contractId: contractA.id,
      fullyDelivered: false,
      lines: [
        { line: 1, ordered: '3', issued: '2', shipped: '0', delivered: '0', remaining: '1' },
        { line: 2, ordered: '120.5', issued: '60.5', shipped: '0', delivered: '0', remaining: '60' },
      ],
    });
  });

  it('lets one of two concurrent notices take the last quantity; a cancelled notice frees it again', async () => {
    const [x, y] = await Promise.all(
      ['backoffice', 'sales'].map((role) =>
        as(role)
          .post('/api/deliveries')
          .send(notice(contractA.id, [{ line: 1, qty: '1' }])),
      ),
    );
    expect([x.status, y.status].sort()).toEqual([201, 422]);
    const won = x.status === 201 ? x : y;
    const lost = x.status === 201 ? y : x;
    expect(won.body.number).toBe(`FH${year}-0002`);
    expect(lost.body.error).toMatchObject({
      code: 'DELIVERY_EXCEEDS_REMAINING',
      details: { lines: [{ line: 1, asked: '1', remaining: '0' }] },
    });
    expect(await t.db.query('SELECT last FROM delivery_counters')).toEqual([{ last: 2 }]);

    expect((await as('production').post(`/api/deliveries/${won.body.id}/cancel`).send({ reason: '改期' })).status).toBe(
      403,
    );
    const cancelled = await as('sales').post(`/api/deliveries/${won.body.id}/cancel`).send({ reason: '客户要求改期' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await auditOf(won.body.id, 'delivery.cancel')).toEqual([
      expect.objectContaining({ actor_id: ids.sales, details: expect.objectContaining({ reason: '客户要求改期' }) }),
    ]);
    const again = await as('sales').post(`/api/deliveries/${won.body.id}/cancel`).send({ reason: '再次' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'DELIVERY_STATUS_CONFLICT', details: { status: 'cancelled' } });
    expect((await as('production').post(`/api/deliveries/${won.body.id}/ship`).send({})).body.error.code).toBe(
      'DELIVERY_STATUS_CONFLICT',
    );
    const remaining = await as('sales').get(`/api/deliveries/remaining?contractId=${contractA.id}`);
    expect(remaining.body.lines[0]).toMatchObject({ line: 1, issued: '2', remaining: '1' });
    await waitJob('manager', won.body.renderJobId);
  }, 240_000);

  it('issues on a manager’s approval despite unpaid shares: the PDF says shipped on approval, the audit keeps the reason', async () => {
    const reason = '战略客户，总经理同意先发货，余款月底前付清';
    const res = await as('manager')
      .post('/api/deliveries')
      .send(
        notice(contractB.id, [{ line: 1, qty: '3' }], {
          consignee: '周工',
          contactPhone: '139 0000 0404',
          override: { reason },
        }),
      );
    expect(res.status).toBe(201);
    approved = res.body;
    expect(res.body).toMatchObject({
      number: `FH${year}-0003`,
      customerEmail: null,
      gate: {
        result: 'approved',
        approvedBy: { id: ids.manager, name: '王总' },
        reason,
        outstanding: [
          { share: 1, event: 'contract_signed' },
          { share: 2, event: 'before_delivery' },
        ],
      },
    });
    expect(await auditOf(approved.id, 'delivery.gate.override')).toEqual([
      expect.objectContaining({
        actor_id: ids.manager,
        details: expect.objectContaining({ reason, number: approved.number, outstanding: res.body.gate.outstanding }),
      }),
    ]);
    expect(await waitJob('manager', res.body.renderJobId)).toMatchObject({ status: 'succeeded' });
    const settled = await mailSettled('manager', approved.id);
    // The customer has no contact with an e-mail: shown, not an error.
    expect(settled.mail).toEqual([
      expect.objectContaining({ audience: 'production', to: PRODUCTION_EMAIL, status: 'sent' }),
      expect.objectContaining({ audience: 'customer', to: null, status: 'no_address' }),
    ]);
    const text = await pdfText(await pdfOf('production', approved.id));
    expect(squash(text)).toContain(squash(approved.number));
    expect(text).toContain('凭审批发货');
    expect(text).toContain('王总');
    expect(squash(text)).not.toContain(squash('月底前付清'));
    expect(found(text, amounts.concat(res.body.gate.outstanding.map((s: Share) => s.outstanding)))).toEqual([]);
    expect(await noticeMails(PRODUCTION_EMAIL, approved.number)).toHaveLength(1);
  }, 300_000);

  it('ships, confirms the arrival, and records on_delivery when the last goods of the contract arrive', async () => {
    // Wrong order first: an issued notice has not arrived.
    const early = await as('production').post(`/api/deliveries/${first.id}/deliver`).send({ arrivedOn: today() });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'DELIVERY_STATUS_CONFLICT',
      details: { status: 'issued', requiredStatus: 'shipped' },
    });
    const tooEarly = await as('production')
      .post(`/api/deliveries/${first.id}/ship`)
      .send({ shippedAt: `${dayOffset(3)}T08:00:00+08:00` });
    expect(tooEarly.status).toBe(422);
    expect(tooEarly.body.error.code).toBe('SHIPPED_AT_IN_FUTURE');
    expect(
      (await as('production').post(`/api/deliveries/${first.id}/ship`).send({ shippedAt: 'tomorrow' })).status,
    ).toBe(400);
    const shipped = await as('production')
      .post(`/api/deliveries/${first.id}/ship`)
      .send({ driverName: '李师傅', driverPhone: '135 0000 0505' });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({
      status: 'shipped',
      driverName: '李师傅',
      carrier: '德邦物流',
      shippedAt: expect.any(String),
    });
    // The notice printed 孙师傅 (135 0000 0202): shipping with another driver renders a corrected version 2 and mails
    // it to both addresses again; version 1 stays as it was.
    const corrected = await until(
      'the corrected notice',
      async () =>
        (await as('backoffice').get(`/api/deliveries/${first.id}`)).body as {
          document: { latestVersion: number } | null;
          mail: { status: string }[];
        },
      (v) => v.document?.latestVersion === 2 && v.mail.every((m) => m.status === 'sent'),
      180_000,
      250,
    );
    expect(corrected.mail).toHaveLength(2);
    const v2 = await pdfOf('backoffice', first.id);
    expect(squash(await pdfText(v2))).toContain(squash('李师傅'));
    expect(squash(await pdfText(v2))).toContain(squash('135 0000 0505'));
    const v1 = await as('backoffice').file(`/api/deliveries/${first.id}/file?format=pdf&version=1`);
    expect(v1.status).toBe(200);
    expect(squash(await pdfText(v1.body as Buffer))).toContain(squash('135 0000 0202'));
    expect(squash(await pdfText(v1.body as Buffer))).not.toContain(squash('李师傅'));
    for (const to of [PRODUCTION_EMAIL, CUSTOMER_EMAIL]) {
      const mails = await noticeMails(to, first.number);
      expect([to, mails.length]).toEqual([to, 2]);
      const again = await parseMail(mails[1]!);
      expect(again.subject).toContain('【更正 第2版】');
      expect(again.attachments[0]!.content.equals(v2)).toBe(true);
    }
    expect((await as('production').post(`/api/deliveries/${first.id}/ship`).send({})).status).toBe(409);
    expect((await as('backoffice').post(`/api/deliveries/${first.id}/cancel`).send({ reason: '晚了' })).status).toBe(
      409,
    );
    const future = await as('production')
      .post(`/api/deliveries/${first.id}/deliver`)
      .send({ arrivedOn: dayOffset(1) });
    expect(future.status).toBe(422);
    expect(future.body.error.code).toBe('ARRIVAL_DATE_INVALID');
    const arrived = await as('production')
      .post(`/api/deliveries/${first.id}/deliver`)
      .send({ arrivedOn: today(), note: '签收单 QS-0722' });
    expect(arrived.status).toBe(200);
    expect(arrived.body).toMatchObject({ status: 'delivered', arrivedOn: today(), arrivalNote: '签收单 QS-0722' });
    // Part of the goods: no on_delivery yet.
    expect((await schedule(contractA.id)).events.on_delivery).toBeNull();
    expect(await t.db.query("SELECT * FROM contract_milestones WHERE event = 'on_delivery'")).toEqual([]);

    const rest = await as('sales')
      .post('/api/deliveries')
      .send(
        notice(contractA.id, [
          { line: 1, qty: '1' },
          { line: 2, qty: '60' },
        ]),
      );
    expect(rest.status).toBe(201);
    expect(rest.body.number).toBe(`FH${year}-0004`);
    expect((await as('backoffice').post(`/api/deliveries/${rest.body.id}/ship`).send({})).status).toBe(200);
    expect(
      (await as('production').post(`/api/deliveries/${rest.body.id}/deliver`).send({ arrivedOn: today() })).status,
    ).toBe(200);
    expect(
      (await as('production').post(`/api/deliveries/${rest.body.id}/deliver`).send({ arrivedOn: today() })).status,
    ).toBe(409);
    expect((await schedule(contractA.id)).events.on_delivery).toBe(today());
    expect(
      await t.db.query(
        "SELECT source, delivery_id, date::text AS date FROM contract_milestones WHERE event = 'on_delivery'",
      ),
    ).toEqual([{ source: 'delivery', delivery_id: rest.body.id, date: today() }]);
    expect(await auditOf(rest.body.id, 'delivery.deliver')).toEqual([
      expect.objectContaining({
        actor_id: ids.production,
        details: expect.objectContaining({ contractFullyDelivered: true }),
      }),
    ]);
    const remaining = await as('engineering').get(`/api/deliveries/remaining?contractId=${contractA.id}`);
    expect(remaining.body).toMatchObject({
      fullyDelivered: true,
      lines: [
        { line: 1, ordered: '3', issued: '3', delivered: '3', remaining: '0' },
        { line: 2, ordered: '120.5', issued: '120.5', delivered: '120.5', remaining: '0' },
      ],
    });
    const none = await as('sales')
      .post('/api/deliveries')
      .send(notice(contractA.id, [{ line: 2, qty: '0.001' }]));
    expect(none.body.error).toMatchObject({
      code: 'DELIVERY_EXCEEDS_REMAINING',
      details: { lines: [{ line: 2, remaining: '0' }] },
    });
    await waitJob('sales', rest.body.renderJobId);
  }, 300_000);

  it('lets production and engineering read the notices and the list without any amount', async () => {
    for (const role of ['production', 'engineering']) {
      const list = await as(role).get('/api/deliveries');
      expect(list.status).toBe(200);
      expect(list.body.total).toBe(4);
      const bodies: unknown[] = [list.body];
      for (const d of [first, approved]) {
        const one = await as(role).get(`/api/deliveries/${d.id}`);
        expect(one.status).toBe(200);
        bodies.push(one.body);
      }
      bodies.push((await as(role).get(`/api/deliveries/remaining?contractId=${contractB.id}`)).body);
      for (const body of bodies) {
        expect([role, priceKeys(body)]).toEqual([role, []]);
        const json = JSON.stringify(body);
        expect([role, amounts.filter((a) => json.includes(a))]).toEqual([role, []]);
      }
      const gate = (bodies[2] as { gate: Record<string, unknown> }).gate;
      expect(gate).toEqual({
        result: 'approved',
        approvedBy: { id: ids.manager, name: '王总' },
        at: expect.any(String),
      });
      expect((await as(role).file(`/api/deliveries/${approved.id}/file?format=docx`)).status).toBe(200);
    }
    // Finance reads what was unpaid when the manager approved.
    const finance = await as('finance').get(`/api/deliveries/${approved.id}`);
    expect(finance.body.gate.outstanding).toHaveLength(2);
  });

  it('filters the list by contract, customer and status', async () => {
    const byContract = await as('sales').get(`/api/deliveries?contractId=${contractA.id}`);
    expect(byContract.body.total).toBe(3);
    const byCustomer = await as('sales').get(`/api/deliveries?customerId=${customerB}`);
    expect(byCustomer.body.items.map((d: { number: string }) => d.number)).toEqual([approved.number]);
    expect(byCustomer.body.items[0]).toMatchObject({
      contract: { id: contractB.id, number: contractB.number },
      customer: { id: customerB, name: '华东海晟石化有限公司' },
      gate: { result: 'approved' },
    });
    const delivered = await as('sales').get('/api/deliveries?status=delivered&pageSize=1');
    expect(delivered.body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(delivered.body.items).toHaveLength(1);
    expect((await as('sales').get('/api/deliveries?status=lost')).status).toBe(400);
    expect((await as('sales').get('/api/deliveries/remaining')).status).toBe(400);
    expect((await as('sales').get('/api/deliveries/not-an-id')).status).toBe(400);
    const unknown = await as('sales').get('/api/deliveries/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('DELIVERY_NOT_FOUND');
  });
});
