import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { pdfText, squash } from '../support/tools.js';

/** Every key anywhere in a JSON value. */
function keys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keys);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]);
  return [];
}

/** Every string anywhere in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const PRICE_KEYS = [
  'unitPrice',
  'discount',
  'taxRate',
  'net',
  'tax',
  'total',
  'amount',
  'price',
  'listPrice',
  'floorPrice',
  'subtotal',
  'taxTotal',
  'belowFloor',
  'belowFloorLines',
  'effectiveUnitPrice',
  'paymentTerms',
  'percent',
  'reason',
];

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const TERMS_361 = [
  { percent: '30', event: 'contract_signed', days: 7 },
  { percent: '60', event: 'before_delivery' },
  { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
];

/** A calendar date `days` from today, on the local clock (as the service reckons "today"). */
function addDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('quotations', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  let managerId: string;
  let customerId: string;
  let otherCustomerId: string;
  const products: Record<string, string> = {};

  const as = (role: string) => {
    const token = role === 'admin' ? t.adminToken : tokens[role];
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      patch: (path: string) => t.http().patch(path).auth(token, { type: 'bearer' }),
      put: (path: string) => t.http().put(path).auth(token, { type: 'bearer' }),
    };
  };
  const body = (overrides: Record<string, unknown> = {}) => ({
    customerId,
    projectName: '炼铁厂高炉煤气流量计改造',
    validUntil: addDays(30),
    lines: [{ productId: products['LDG-50'], qty: '3' }],
    paymentTerms: TERMS_361,
    deliveryTerms: { daysAfterAdvance: 45, place: '需方现场（江苏苏州）' },
    ...overrides,
  });
  const create = async (overrides: Record<string, unknown> = {}, role = 'backoffice') => {
    const res = await as(role).post('/api/quotations').send(body(overrides));
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; number: string; [k: string]: unknown };
  };
  const snapshot = async () => ({
    quotations: await t.db.query('SELECT * FROM quotations ORDER BY id'),
    revisions: await t.db.query('SELECT * FROM quotation_revisions ORDER BY id'),
    lines: await t.db.query('SELECT * FROM quotation_lines ORDER BY id'),
    counters: await t.db.query('SELECT * FROM quotation_counters ORDER BY year'),
    audit: (await t.db.query('SELECT id FROM audit_log')).length,
  });
  const auditOf = (id: string, action: string) =>
    t.db.query<{ actor_id: string | null; actor_name: string; details: Record<string, unknown> }>(
      'SELECT actor_id, actor_name, details FROM audit_log WHERE entity_type = $1 AND entity_id = $2 AND action = $3 ORDER BY id',
      ['quotation', id, action],
    );

  beforeAll(async () => {
    t = await startTestApp('quotations');
    let salesId = '';
    for (const role of ['backoffice', 'sales', 'finance', 'production', 'engineering']) {
      const u = await t.userWith([role]);
      tokens[role] = u.token;
      if (role === 'sales') salesId = u.id;
    }
    const manager = await t.userWith(['manager'], '王总');
    tokens.manager = manager.token;
    managerId = manager.id;

    // The sales user owns both: a sales user reaches only their own customers' records (auth/ownership.ts).
    const customer = async (name: string) => {
      const res = await as('backoffice')
        .post('/api/customers')
        .send({ name, salesOwnerId: salesId, contacts: [{ name: '赵志强', phone: '139 1234 5601', billing: true }] });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    customerId = await customer('青澜钢铁集团有限公司');
    otherCustomerId = await customer('华东海晟石化有限公司');

    for (const p of [
      {
        code: 'LDG-50',
        nameZh: '电磁流量计',
        specification: 'DN50 PN16，PTFE 衬里',
        unit: '台',
        listPrice: '8600.00',
        floorPrice: '6900.00',
      },
      { code: 'NDM-137', nameZh: '核子密度计', unit: '套', listPrice: '198000.00', floorPrice: '165000.00' },
      {
        code: 'SRV-RAD',
        nameZh: '放射源仪表年度检测服务',
        unit: '次',
        listPrice: '6500.00',
        floorPrice: '5000.00',
        taxRate: '6.00',
      },
      {
        code: 'BIG-1',
        nameZh: '大型成套计量系统',
        unit: '套',
        listPrice: '1234567890123.45',
        floorPrice: '1000000000000.00',
      },
    ]) {
      const res = await as('manager').post('/api/products').send(p);
      expect(res.status).toBe(201);
      products[p.code] = res.body.id;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a draft numbered Q{year}-0001 with prices from the price list, and audits it', async () => {
    const res = await as('sales')
      .post('/api/quotations')
      .send(
        body({
          lines: [
            { productId: products['LDG-50'], qty: '3' },
            { name: '现场安装调试', unit: '项', qty: '1', unitPrice: '5000', taxRate: '6' },
          ],
        }),
      );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      number: `Q${new Date().getFullYear()}-0001`,
      status: 'draft',
      revision: 1,
      currentRevision: 1,
      customer: { id: customerId, name: '青澜钢铁集团有限公司' },
      currency: 'CNY',
      issueDate: addDays(0),
      subtotal: '30800.00',
      taxTotal: '3654.00',
      total: '34454.00',
      paymentTerms: [
        { percent: '30', event: 'contract_signed', days: 7, label: null },
        { percent: '60', event: 'before_delivery', days: null, label: null },
        { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
      ],
      deliveryTerms: { daysAfterAdvance: 45, date: null, place: '需方现场（江苏苏州）', incoterm: null },
      approval: null,
      revisions: [expect.objectContaining({ revision: 1 })],
    });
    expect(res.body.lines).toEqual([
      {
        line: 1,
        productId: products['LDG-50'],
        productCode: 'LDG-50',
        name: '电磁流量计',
        specification: 'DN50 PN16，PTFE 衬里',
        qty: '3',
        unit: '台',
        unitPrice: '8600.00',
        discount: '0.00',
        taxRate: '13.00',
        net: '25800.00',
        tax: '3354.00',
        total: '29154.00',
        // sales see no floor price
      },
      expect.objectContaining({
        line: 2,
        productId: null,
        productCode: null,
        name: '现场安装调试',
        net: '5000.00',
        tax: '300.00',
      }),
    ]);
    const audit = await auditOf(res.body.id, 'quotation.create');
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ number: res.body.number, revision: 1, total: '34454.00' });
  });

  it('keeps 16-digit amounts exact, past what a float holds', async () => {
    const q = await create({ lines: [{ productId: products['BIG-1'], qty: '3' }] });
    expect(q).toMatchObject({ subtotal: '3703703670370.35', taxTotal: '481481477148.15', total: '4185185147518.50' });
    expect((q.lines as { net: string }[])[0].net).toBe('3703703670370.35');
    expect(
      await t.db.query(
        'SELECT subtotal::text, tax_total::text, total::text FROM quotation_revisions WHERE quotation_id = $1',
        [q.id],
      ),
    ).toEqual([{ subtotal: '3703703670370.35', tax_total: '481481477148.15', total: '4185185147518.50' }]);
    const tooBig = await as('backoffice')
      .post('/api/quotations')
      .send(body({ lines: [{ productId: products['BIG-1'], qty: '10000' }] }));
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error.code).toBe('AMOUNT_TOO_LARGE');
  });

  it('rounds each line half-up at two places and adds up the rounded lines', async () => {
    const free = { name: '备件', unit: '个', taxRate: '0' };
    const q = await create({
      lines: [
        { ...free, qty: '1', unitPrice: '2.01', discount: '50', taxRate: '13' }, // 1.005 -> 1.01 (a float gives 1.00); tax 0.1313 -> 0.13
        { ...free, qty: '7', unitPrice: '1.15', discount: '50' }, // 4.025 -> 4.03 (a float gives 4.02)
        { ...free, qty: '1', unitPrice: '0.01', discount: '50' }, // 0.005 -> 0.01, three times:
        { ...free, qty: '1', unitPrice: '0.01', discount: '50' }, // the sum is 0.03, where rounding the sum
        { ...free, qty: '1', unitPrice: '0.01', discount: '50' }, // of the unrounded lines would give 0.02
      ],
    });
    expect((q.lines as { net: string; tax: string }[]).map((l) => [l.net, l.tax])).toEqual([
      ['1.01', '0.13'],
      ['4.03', '0.00'],
      ['0.01', '0.00'],
      ['0.01', '0.00'],
      ['0.01', '0.00'],
    ]);
    expect(q).toMatchObject({ subtotal: '5.07', taxTotal: '0.13', total: '5.20' });
  });

  it('refuses payment terms that do not add up to 100 and bad lines, writing nothing', async () => {
    const before = await snapshot();
    const post = (overrides: Record<string, unknown>) => as('backoffice').post('/api/quotations').send(body(overrides));

    const ninety = await post({
      paymentTerms: [
        { percent: '30', event: 'contract_signed' },
        { percent: '60', event: 'on_delivery' },
      ],
    });
    expect(ninety.status).toBe(400);
    expect(ninety.body.error).toMatchObject({ code: 'PAYMENT_TERMS_NOT_100', details: { sum: '90' } });
    const thirds = await post({
      paymentTerms: [
        { percent: '33.33', event: 'contract_signed' },
        { percent: '33.33', event: 'on_delivery' },
        { percent: '33.33', event: 'after_acceptance' },
      ],
    });
    expect(thirds.body.error).toMatchObject({ code: 'PAYMENT_TERMS_NOT_100', details: { sum: '99.99' } });

    const field = async (overrides: Record<string, unknown>) => {
      const res = await post(overrides);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      return res.body.error.details.fields.map((f: { field: string }) => f.field);
    };
    expect(await field({ lines: [{ productId: products['LDG-50'], qty: '0' }] })).toEqual(['lines[0].qty']);
    expect(await field({ lines: [{ productId: products['LDG-50'], qty: '1.2345' }] })).toEqual(['lines[0].qty']);
    expect(await field({ lines: [{ productId: products['LDG-50'], qty: 3 }] })).toEqual(['lines[0].qty']);
    expect(await field({ lines: [{ productId: products['LDG-50'], qty: '1', discount: '100.01' }] })).toEqual([
      'lines[0].discount',
    ]);
    expect(await field({ lines: [{ qty: '1', name: '调试', unit: '项' }] })).toEqual(['lines[0].unitPrice']);
    expect(await field({ lines: [] })).toEqual(['lines']);
    expect(await field({ paymentTerms: [{ percent: '100', event: 'other' }] })).toEqual(['paymentTerms[0].label']);
    expect(await field({ paymentTerms: [{ percent: 100, event: 'on_delivery' }] })).toEqual([
      'paymentTerms[0].percent',
    ]);
    expect(await field({ validUntil: '2026-02-30' })).toEqual(['validUntil']);

    const backwards = await post({ issueDate: '2026-05-10', validUntil: '2026-05-09' });
    expect(backwards.body.error).toMatchObject({ code: 'VALIDITY_BEFORE_ISSUE_DATE' });
    const noCustomer = await post({ customerId: '00000000-0000-4000-8000-000000000000' });
    expect([noCustomer.status, noCustomer.body.error.code]).toEqual([422, 'CUSTOMER_NOT_FOUND']);
    const noProduct = await post({ lines: [{ productId: '00000000-0000-4000-8000-000000000000', qty: '1' }] });
    expect(noProduct.body.error).toMatchObject({ code: 'PRODUCT_NOT_FOUND', details: { field: 'lines[0].productId' } });
    const dollars = await post({ currency: 'USD' });
    expect(dollars.body.error.code).toBe('CURRENCY_MISMATCH');

    expect(await snapshot()).toEqual(before);
  });

  it('reads, lists and filters by customer, status and text (Chinese too)', async () => {
    const other = await create({ customerId: otherCustomerId, projectName: '常减压装置流量计更新' });
    const expired = await create({ projectName: '老项目', issueDate: '2020-01-01', validUntil: '2020-01-31' });
    expect(expired.status).toBe('expired');

    const list = async (query: string) => {
      const res = await as('engineering').get(`/api/quotations?${query}`);
      expect(res.status).toBe(200);
      return res.body as { items: { id: string; number: string; status: string }[]; total: number };
    };
    const byCustomer = await list(`customerId=${otherCustomerId}`);
    expect(byCustomer.items.map((q) => q.id)).toEqual([other.id]);
    expect(byCustomer.items[0]).toMatchObject({
      number: other.number,
      customer: { id: otherCustomerId, name: '华东海晟石化有限公司' },
      projectName: '常减压装置流量计更新',
      revision: 1,
      total: '29154.00',
    });
    expect((await list(`q=${encodeURIComponent('减压装置')}`)).items.map((q) => q.id)).toEqual([other.id]);
    expect((await list(`q=${encodeURIComponent('海晟石化')}`)).items.map((q) => q.id)).toEqual([other.id]);
    expect((await list(`q=${other.number}`)).items.map((q) => q.id)).toEqual([other.id]);
    expect((await list('status=expired')).items.map((q) => q.id)).toEqual([expired.id]);
    const drafts = await list('status=draft&pageSize=200');
    expect(drafts.items.map((q) => q.id)).toContain(other.id);
    expect(drafts.items.map((q) => q.id)).not.toContain(expired.id);
    const byNumber = await list('sort=number&order=asc&pageSize=2&page=1');
    expect(byNumber.items.map((q) => q.number)).toEqual([...byNumber.items.map((q) => q.number)].sort());
    expect(byNumber.total).toBeGreaterThanOrEqual(5);
    expect((await as('engineering').get('/api/quotations?sort=total')).status).toBe(400);

    const one = await as('finance').get(`/api/quotations/${other.id}`);
    expect(one.body).toMatchObject({ id: other.id, number: other.number, total: '29154.00' });
    expect(one.body.lines[0]).toMatchObject({ floorPrice: '6900.00', belowFloor: false }); // finance sees the floor
    const missing = await as('finance').get('/api/quotations/00000000-0000-4000-8000-000000000000');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'QUOTATION_NOT_FOUND']);
  });

  it('edits a draft in place, and revises a submitted or sent one, keeping old revisions readable', async () => {
    const q = await create();
    const edit = await as('backoffice')
      .patch(`/api/quotations/${q.id}`)
      .send({ projectName: '改造二期', lines: [{ productId: products['LDG-50'], qty: '4' }] });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ revision: 1, status: 'draft', projectName: '改造二期', subtotal: '34400.00' });
    expect(edit.body.revisions).toHaveLength(1);
    expect(await auditOf(q.id, 'quotation.update')).toHaveLength(1);

    expect((await as('sales').post(`/api/quotations/${q.id}/submit`)).body.status).toBe('submitted');
    const revised = await as('sales')
      .patch(`/api/quotations/${q.id}`)
      .send({ lines: [{ productId: products['LDG-50'], qty: '5', discount: '10' }], notes: '数量调整' });
    expect(revised.status).toBe(200);
    expect(revised.body).toMatchObject({
      revision: 2,
      currentRevision: 2,
      status: 'draft',
      projectName: '改造二期', // carried over
      subtotal: '38700.00',
      notes: '数量调整',
      approval: null,
    });
    expect(revised.body.revisions.map((r: { revision: number }) => r.revision)).toEqual([1, 2]);

    const old = await as('sales').get(`/api/quotations/${q.id}/revisions/1`);
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ revision: 1, currentRevision: 2, subtotal: '34400.00', notes: null });
    expect(old.body.lines).toEqual([expect.objectContaining({ qty: '4', discount: '0.00' })]);
    const current = await as('sales').get(`/api/quotations/${q.id}/revisions/2`);
    expect(current.body).toMatchObject({ revision: 2, subtotal: '38700.00' });
    const none = await as('sales').get(`/api/quotations/${q.id}/revisions/3`);
    expect([none.status, none.body.error.code]).toEqual([404, 'QUOTATION_REVISION_NOT_FOUND']);
    expect((await as('sales').get(`/api/quotations/${q.id}/revisions/x`)).status).toBe(400);
    const audit = await auditOf(q.id, 'quotation.revise');
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({
      before: { revision: 1, status: 'submitted' },
      after: { revision: 2, status: 'draft' },
    });

    // Through approval and sending, then a change: revision 3, and revision 2 keeps its approval.
    await as('sales').post(`/api/quotations/${q.id}/submit`);
    expect((await as('backoffice').post(`/api/quotations/${q.id}/approve`).send({})).body.status).toBe('approved');
    expect((await as('sales').post(`/api/quotations/${q.id}/send`)).body.status).toBe('sent');
    const third = await as('backoffice')
      .patch(`/api/quotations/${q.id}`)
      .send({ validUntil: addDays(60) });
    expect(third.body).toMatchObject({ revision: 3, status: 'draft', approval: null, subtotal: '38700.00' });
    const second = await as('backoffice').get(`/api/quotations/${q.id}/revisions/2`);
    expect(second.body.approval).toMatchObject({ by: { name: expect.any(String) } });
  });

  it('moves through draft → submitted → approved → sent → accepted, refusing other moves with 409', async () => {
    const q = await create();
    const move = (action: string, role = 'backoffice') => as(role).post(`/api/quotations/${q.id}/${action}`).send({});
    const refused = async (action: string, from: string, to: string) => {
      const res = await move(action);
      expect({ action, status: res.status, error: res.body.error }).toEqual({
        action,
        status: 409,
        error: expect.objectContaining({
          code: 'INVALID_TRANSITION',
          details: expect.objectContaining({ from, to, action }),
        }),
      });
    };
    await refused('approve', 'draft', 'approved');
    await refused('send', 'draft', 'sent');
    await refused('accept', 'draft', 'accepted');
    expect((await move('submit', 'sales')).body.status).toBe('submitted');
    await refused('submit', 'submitted', 'submitted');
    expect((await move('approve', 'sales')).status).toBe(403); // sales do not approve
    expect((await move('approve')).body.status).toBe('approved');
    await refused('accept', 'approved', 'accepted');
    expect((await move('send', 'sales')).body.status).toBe('sent');
    expect((await move('accept', 'sales')).body.status).toBe('accepted');
    await refused('reject', 'accepted', 'rejected');
    const locked = await as('backoffice').patch(`/api/quotations/${q.id}`).send({ notes: 'x' });
    expect([locked.status, locked.body.error.code]).toEqual([409, 'QUOTATION_LOCKED']);
    expect(
      (
        await t.db.query<{ action: string }>('SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id', [q.id])
      ).map((a) => a.action),
    ).toEqual(['quotation.create', 'quotation.submit', 'quotation.approve', 'quotation.send', 'quotation.accept']);

    const r = await create();
    for (const action of ['submit', 'approve', 'send'])
      await as('backoffice').post(`/api/quotations/${r.id}/${action}`).send({});
    const rejected = await as('sales').post(`/api/quotations/${r.id}/reject`).send({ reason: '客户预算削减' });
    expect(rejected.body.status).toBe('rejected');
    expect((await auditOf(r.id, 'quotation.reject'))[0].details).toMatchObject({
      from: 'sent',
      to: 'rejected',
      reason: '客户预算削减',
    });

    const old = await create({ issueDate: '2020-01-01', validUntil: '2020-01-31' });
    const late = await as('backoffice').post(`/api/quotations/${old.id}/submit`);
    expect(late.body.error).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { from: 'expired', to: 'submitted' },
    });
  });

  describe('the floor price rule', () => {
    let q: { id: string };
    beforeAll(async () => {
      q = await create({
        lines: [
          { productId: products['LDG-50'], qty: '2', unitPrice: '7000.00', discount: '2' }, // 6860 < floor 6900
          { productId: products['NDM-137'], qty: '1', unitPrice: '165000.00' }, // exactly the floor: fine
          { productId: products['SRV-RAD'], qty: '1' },
        ],
      });
      await as('sales').post(`/api/quotations/${q.id}/submit`);
    });

    it('shows the floor-price roles which lines are below the floor, and sales nothing of it', async () => {
      const forBackoffice = await as('backoffice').get(`/api/quotations/${q.id}`);
      expect(
        forBackoffice.body.lines.map((l: { belowFloor: boolean; floorPrice: string }) => [l.belowFloor, l.floorPrice]),
      ).toEqual([
        [true, '6900.00'],
        [false, '165000.00'],
        [false, '5000.00'],
      ]);
      const forSales = await as('sales').get(`/api/quotations/${q.id}`);
      expect(keys(forSales.body)).not.toEqual(expect.arrayContaining(['floorPrice']));
      expect(keys(forSales.body)).not.toEqual(expect.arrayContaining(['belowFloor']));
      expect(forSales.text).not.toContain('6900');
    });

    it('refuses a backoffice approval with 403 listing the lines, and changes nothing', async () => {
      const before = await snapshot();
      const res = await as('backoffice').post(`/api/quotations/${q.id}/approve`).send({ reason: '老客户' });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'BELOW_FLOOR_NEEDS_MANAGER',
        details: {
          lines: [
            {
              line: 1,
              productCode: 'LDG-50',
              unitPrice: '7000.00',
              discount: '2.00',
              effectiveUnitPrice: '6860',
              floorPrice: '6900.00',
            },
          ],
        },
      });
      expect(res.body.error.message).toContain('LDG-50');
      expect(await snapshot()).toEqual(before);
    });

    it('asks a manager for a reason', async () => {
      for (const reason of [undefined, '   ']) {
        const res = await as('manager')
          .post(`/api/quotations/${q.id}/approve`)
          .send(reason === undefined ? {} : { reason });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({
          code: 'APPROVAL_REASON_REQUIRED',
          details: { lines: [{ line: 1, productCode: 'LDG-50' }] },
        });
      }
      expect((await as('manager').get(`/api/quotations/${q.id}`)).body.status).toBe('submitted');
    });

    it('lets a manager approve with a reason, recording who and why, and audits it', async () => {
      const res = await as('manager')
        .post(`/api/quotations/${q.id}/approve`)
        .send({ reason: '战略客户首单，同意低于底价' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'approved',
        approval: {
          by: { id: managerId, name: '王总' },
          at: expect.any(String),
          reason: '战略客户首单，同意低于底价',
          belowFloorLines: [{ line: 1, productCode: 'LDG-50' }],
        },
      });
      const audit = await auditOf(q.id, 'quotation.approve');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor_id: managerId,
        actor_name: '王总',
        details: {
          from: 'submitted',
          to: 'approved',
          reason: '战略客户首单，同意低于底价',
          approvedBy: { id: managerId, name: '王总' },
          belowFloor: [expect.objectContaining({ line: 1, productCode: 'LDG-50', floorPrice: '6900.00' })],
        },
      });
    });
  });

  it('shows production users no price, amount, discount or term anywhere, on every quotation endpoint', async () => {
    const q = await create({
      lines: [
        { productId: products['LDG-50'], qty: '2', unitPrice: '8123.45', discount: '7.5' },
        { productId: products['SRV-RAD'], qty: '3' },
        { name: '现场调试', specification: '含培训', unit: '项', qty: '1', unitPrice: '4321.09' },
      ],
    });
    await as('backoffice').post(`/api/quotations/${q.id}/submit`);
    await as('backoffice')
      .patch(`/api/quotations/${q.id}`)
      .send({ lines: [{ productId: products['LDG-50'], qty: '6', unitPrice: '7777.77' }] });
    await as('backoffice').post(`/api/quotations/${q.id}/submit`);
    await as('manager').post(`/api/quotations/${q.id}/approve`).send({ reason: '批量采购' });

    // Every price and amount the privileged see, to look for in what production gets.
    const full = [
      (await as('admin').get(`/api/quotations/${q.id}/revisions/1`)).body,
      (await as('admin').get(`/api/quotations/${q.id}`)).body,
    ];
    const known = new Set<string>(
      full
        .flatMap((v) => [
          v.subtotal,
          v.taxTotal,
          v.total,
          ...v.lines.flatMap((l: Record<string, string>) => [l.unitPrice, l.net, l.tax, l.total, l.floorPrice]),
        ])
        .filter((p): p is string => typeof p === 'string'),
    );
    expect(known.size).toBeGreaterThan(10);

    const responses = [
      await as('production').get('/api/quotations'),
      await as('production').get(`/api/quotations?customerId=${customerId}&pageSize=200`),
      await as('production').get('/api/quotations?status=approved'),
      await as('production').get(`/api/quotations/${q.id}`),
      await as('production').get(`/api/quotations/${q.id}/revisions/1`),
      await as('production').get(`/api/quotations/${q.id}/revisions/2`),
    ];
    for (const res of responses) expect(res.status).toBe(200);
    const refused = [
      await as('production').post('/api/quotations').send(body()),
      await as('production').patch(`/api/quotations/${q.id}`).send({ notes: 'x' }),
      ...(await Promise.all(
        ['submit', 'approve', 'send', 'accept', 'reject', 'render'].map((a) =>
          as('production').post(`/api/quotations/${q.id}/${a}`).send({}),
        ),
      )),
    ];
    for (const res of refused) expect(res.status).toBe(403);

    for (const [i, res] of [...responses, ...refused].entries()) {
      // A page's own `total` counts quotations; what is in its items is what matters.
      const shown = Array.isArray(res.body.items) ? res.body.items : res.body;
      if (shown !== res.body) expect(Object.keys(res.body).sort()).toEqual(['items', 'page', 'pageSize', 'total']);
      const found = keys(shown).filter((k) => PRICE_KEYS.includes(k));
      expect({ response: i, found }).toEqual({ response: i, found: [] });
      for (const price of known) expect(res.text).not.toContain(price);
      for (const s of strings(res.body)) expect(s).not.toMatch(/^-?\d+\.\d{2}$/);
    }
    const one = responses[3].body;
    expect(one.lines).toHaveLength(1);
    expect(Object.keys(one.lines[0]).sort()).toEqual([
      'line',
      'name',
      'productCode',
      'productId',
      'qty',
      'specification',
      'unit',
    ]);
    expect(one.lines[0]).toMatchObject({
      productCode: 'LDG-50',
      qty: '6',
      unit: '台',
      specification: 'DN50 PN16，PTFE 衬里',
    });
    expect(one.approval).toEqual({ by: { id: managerId, name: '王总' }, at: expect.any(String) });
    expect(responses[4].body.lines.map((l: { qty: string }) => l.qty)).toEqual(['2', '3', '1']);
  });

  it('gives 10 concurrent creations 10 distinct numbers, gap-free', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => as('backoffice').post('/api/quotations').send(body())),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    const numbers = results.map((r) => r.body.number as string);
    expect(new Set(numbers).size).toBe(10);
    // Every number of the year, including those refused earlier in this file, is 1..N without a gap.
    const year = new Date().getFullYear();
    const all = (await t.db.query<{ number: string }>('SELECT number FROM quotations')).map((r) => r.number).sort();
    expect(all).toEqual(all.map((_, i) => `Q${year}-${String(i + 1).padStart(4, '0')}`));
    expect(await t.db.query('SELECT year, last FROM quotation_counters')).toEqual([{ year, last: all.length }]);
  });

  describe('rendering', () => {
    let approved: { id: string; number: string };
    beforeAll(async () => {
      approved = await create({
        lines: [
          { productId: products['LDG-50'], qty: '3' },
          { productId: products['SRV-RAD'], qty: '2' },
        ],
      });
      for (const action of ['submit', 'approve'])
        await as('backoffice').post(`/api/quotations/${approved.id}/${action}`).send({});
    });

    it('refuses a draft and a missing company profile with 409', async () => {
      const draft = await create();
      const res = await as('sales').post(`/api/quotations/${draft.id}/render`);
      expect([res.status, res.body.error.code]).toEqual([409, 'QUOTATION_NOT_APPROVED']);
      const noProfile = await as('sales').post(`/api/quotations/${approved.id}/render`);
      expect([noProfile.status, noProfile.body.error.code]).toEqual([409, 'COMPANY_PROFILE_NOT_SET']);
      expect((await as('sales').post(`/api/quotations/${approved.id}/render?formats=pdf,xls`)).status).toBe(400);
    });

    it('renders the approved quotation to a signed PDF and a DOCX with the total in capital numerals', async () => {
      const company = await as('admin').put('/api/company').send({
        legalNameZh: '华东智能仪表有限公司',
        creditCode: '91320506MA1NK4RB7H',
        addressZh: '江苏省苏州市吴中区科技路88号',
      });
      expect(company.status).toBe(200);
      const res = await as('sales').post(`/api/quotations/${approved.id}/render?formats=pdf,docx`);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        type: 'quotation',
        subject: { type: 'quotation', id: approved.id },
        latestVersion: 1,
      });
      expect(res.body.versions[0].files.map((f: { format: string }) => f.format)).toEqual(['docx', 'pdf']);
      const pdf = await as('sales').get(`/api/documents/${res.body.id}/file?format=pdf`).buffer(true).parse(binary);
      const text = squash(await pdfText(pdf.body as Buffer));
      // 3 × 8600 + 13 % and 2 × 6500 + 6 %: 25800 + 3354 + 13000 + 780 = 42934.00
      expect(text).toContain('报价单');
      expect(text).toContain(approved.number);
      expect(text).toContain('¥42,934.00');
      expect(text).toContain('肆万贰仟玖佰叁拾肆元整');
      expect(text).toContain('合同签订后');

      const again = await as('backoffice').post(`/api/quotations/${approved.id}/render?formats=pdf&locale=en`);
      expect(again.body).toMatchObject({ id: res.body.id, latestVersion: 2 });
    });
  });
});
