import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';

describe('invoices', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let customerId: string;
  let otherCustomerId: string;
  let contract: { id: string; number: string };
  let draft: { id: string; number: string };

  const as = (role: string) => {
    const token = tokens[role]!;
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
    };
  };
  const handMade = async (forCustomer: string, total: string, approve: boolean) => {
    const res = await as('backoffice')
      .post('/api/contracts')
      .send({
        customerId: forCustomer,
        projectName: '料位计改造',
        signingDate: '2026-05-01',
        lines: [{ name: '雷达料位计', unit: '台', qty: '1', unitPrice: total, taxRate: '13' }],
        paymentTerms: [{ percent: '100', event: 'contract_signed' }],
      });
    expect(res.status).toBe(201);
    if (approve) {
      await as('backoffice').post(`/api/contracts/${res.body.id}/review`);
      expect(
        (await as('manager').post(`/api/contracts/${res.body.id}/approve`).send({ reason: '同意' })).body.status,
      ).toBe('approved');
    }
    return { id: res.body.id as string, number: res.body.number as string, total: res.body.total as string };
  };
  const written = async () => ({
    invoices: await t.db.query('SELECT * FROM invoices ORDER BY id'),
    audit: (await t.db.query(`SELECT id FROM audit_log WHERE entity_type = 'invoice'`)).length,
  });

  beforeAll(async () => {
    t = await startTestApp('invoices');
    for (const role of ['backoffice', 'finance', 'production', 'manager', 'sales']) {
      const u = await t.userWith([role]);
      tokens[role] = u.token;
      ids[role] = u.id;
    }
    // The sales user owns them: a sales user reaches only their own customers' records (auth/ownership.ts).
    const owned = (name: string) => ({ name, salesOwnerId: ids.sales });
    customerId = (await as('backoffice').post('/api/customers').send(owned('青澜钢铁集团有限公司'))).body.id;
    otherCustomerId = (await as('backoffice').post('/api/customers').send(owned('东岳化工有限公司'))).body.id;
    // 100000.00 net + 13% VAT = 113000.00
    contract = await handMade(customerId, '100000.00', true);
    draft = await handMade(customerId, '1000.00', false);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('records a VAT invoice against a contract, audited, and reads it back', async () => {
    const res = await as('finance').post('/api/invoices').send({
      number: '04471001',
      customerId,
      contractId: contract.id,
      date: '2026-05-10',
      amount: '56500.00',
      tax: '6500.00',
      note: ' 首笔开票 ',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      number: '04471001',
      kind: 'special',
      customer: { id: customerId, name: '青澜钢铁集团有限公司' },
      contract: { id: contract.id, number: contract.number },
      date: '2026-05-10',
      amount: '56500.00',
      tax: '6500.00',
      net: '50000.00',
      currency: 'CNY',
      note: '首笔开票',
      reverses: null,
      reversedBy: null,
      createdBy: { id: ids.finance },
    });
    expect((await as('sales').get(`/api/invoices/${res.body.id}`)).body).toEqual(res.body);
    const audit = await t.db.query<{ actor_id: string; details: Record<string, unknown> }>(
      `SELECT actor_id, details FROM audit_log WHERE action = 'invoice.create' AND entity_id = $1`,
      [res.body.id],
    );
    expect(audit).toEqual([
      {
        actor_id: ids.finance,
        details: expect.objectContaining({
          number: '04471001',
          amount: '56500.00',
          tax: '6500.00',
          contractId: contract.id,
        }),
      },
    ]);

    // An ordinary invoice without a contract.
    const loose = await as('backoffice')
      .post('/api/invoices')
      .send({
        number: 'PT-2026-7',
        kind: 'ordinary',
        customerId: otherCustomerId,
        date: '2026-05-12',
        amount: '300.00',
        tax: '0',
      });
    expect(loose.status).toBe(201);
    expect(loose.body).toMatchObject({ kind: 'ordinary', contract: null, tax: '0.00', net: '300.00' });
  });

  it('refuses each bad invoice with its code and writes nothing', async () => {
    const before = await written();
    const base = {
      number: '04471999',
      customerId,
      contractId: contract.id,
      date: '2026-05-20',
      amount: '1000.00',
      tax: '115.04',
    };
    const refusals: [Record<string, unknown>, number, string][] = [
      [{ customerId: crypto.randomUUID() }, 422, 'CUSTOMER_NOT_FOUND'],
      [{ contractId: crypto.randomUUID() }, 404, 'CONTRACT_NOT_FOUND'],
      [{ customerId: otherCustomerId }, 422, 'INVOICE_CUSTOMER_MISMATCH'],
      [{ number: '04471001' }, 409, 'INVOICE_NUMBER_TAKEN'],
      // 56500.00 invoiced of 113000.00: 56500.01 more is one cent too many
      [{ amount: '56500.01', tax: '6500.00' }, 422, 'INVOICE_EXCEEDS_CONTRACT'],
      [{ currency: 'USD' }, 422, 'CURRENCY_MISMATCH'],
      [{ contractId: draft.id }, 409, 'CONTRACT_NOT_APPROVED'],
      [{ tax: '1000.00' }, 400, 'VALIDATION_FAILED'],
      [{ tax: '-1.00' }, 400, 'VALIDATION_FAILED'],
      [{ amount: '0.00', tax: '0' }, 400, 'VALIDATION_FAILED'],
      [{ amount: 1000 }, 400, 'VALIDATION_FAILED'],
      [{ kind: 'red' }, 400, 'VALIDATION_FAILED'],
      [{ date: '2026-02-30' }, 400, 'VALIDATION_FAILED'],
      [{ number: ' ' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [change, status, code] of refusals) {
      const res = await as('finance')
        .post('/api/invoices')
        .send({ ...base, ...change });
      expect([change, res.status, res.body.error?.code]).toEqual([change, status, code]);
    }
    const exceeds = await as('finance')
      .post('/api/invoices')
      .send({ ...base, amount: '56500.01', tax: '6500.00' });
    expect(exceeds.body.error.details).toMatchObject({
      contractTotal: '113000.00',
      invoiced: '56500.00',
      remaining: '56500.00',
    });
    expect((await as('sales').post('/api/invoices').send(base)).status).toBe(403);
    expect((await as('production').post('/api/invoices').send(base)).status).toBe(403);
    expect(await written()).toEqual(before);

    // The rest of the contract exactly fits.
    expect(
      (
        await as('finance')
          .post('/api/invoices')
          .send({ ...base, amount: '56500.00', tax: '6500.00' })
      ).status,
    ).toBe(201);
  });

  it('reverses an invoice by a red-letter invoice with its own number, once, freeing the contract total', async () => {
    const list = await as('sales').get(`/api/invoices?contractId=${contract.id}&from=2026-05-10&to=2026-05-10`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    const original = list.body.items[0] as { id: string; number: string };
    expect(original.number).toBe('04471001');

    const before = await written();
    const refusals: [string, Record<string, unknown>, number, string][] = [
      [crypto.randomUUID(), { number: 'H-0001', reason: '开票信息有误' }, 404, 'INVOICE_NOT_FOUND'],
      [original.id, { number: '04471001', reason: '开票信息有误' }, 409, 'INVOICE_NUMBER_TAKEN'],
      [
        original.id,
        { number: 'H-0001', reason: '开票信息有误', date: '2026-05-09' },
        422,
        'INVOICE_DATE_BEFORE_ORIGINAL',
      ],
      [original.id, { number: 'H-0001', reason: '  ' }, 400, 'VALIDATION_FAILED'],
      [original.id, { number: 'H-0001' }, 400, 'VALIDATION_FAILED'],
      ['not-a-uuid', { number: 'H-0001', reason: '开票信息有误' }, 400, 'INVALID_ID'],
    ];
    for (const [id, body, status, code] of refusals) {
      const res = await as('finance').post(`/api/invoices/${id}/reverse`).send(body);
      expect([body, res.status, res.body.error?.code]).toEqual([body, status, code]);
    }
    expect(
      (
        await as('sales')
          .post(`/api/invoices/${original.id}/reverse`)
          .send({ number: 'H-0001', reason: '开票信息有误' })
      ).status,
    ).toBe(403);
    expect(await written()).toEqual(before);

    const red = await as('manager')
      .post(`/api/invoices/${original.id}/reverse`)
      .send({ number: 'H-0001', reason: ' 开票信息有误 ', date: '2026-05-15' });
    expect(red.status).toBe(201);
    expect(red.body).toMatchObject({
      number: 'H-0001',
      kind: 'special',
      customer: { id: customerId },
      contract: { id: contract.id, number: contract.number },
      date: '2026-05-15',
      amount: '-56500.00',
      tax: '-6500.00',
      net: '-50000.00',
      note: '开票信息有误',
      reverses: original.id,
      reversedBy: null,
    });
    expect((await as('finance').get(`/api/invoices/${original.id}`)).body.reversedBy).toBe(red.body.id);
    expect(
      await t.db.query(`SELECT details FROM audit_log WHERE action = 'invoice.reverse' AND entity_id = $1`, [
        red.body.id,
      ]),
    ).toEqual([
      { details: expect.objectContaining({ reverses: original.id, amount: '-56500.00', reason: '开票信息有误' }) },
    ]);

    const twice = await as('finance')
      .post(`/api/invoices/${original.id}/reverse`)
      .send({ number: 'H-0002', reason: '重复' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'INVOICE_ALREADY_REVERSED']);
    const ofReversal = await as('finance')
      .post(`/api/invoices/${red.body.id}/reverse`)
      .send({ number: 'H-0002', reason: '重复' });
    expect([ofReversal.status, ofReversal.body.error.code]).toEqual([409, 'INVOICE_IS_REVERSAL']);

    // 113000.00 invoiced, 56500.00 of it cancelled: 56500.00 can be invoiced again, not a cent more.
    const again = { number: '04471002', customerId, contractId: contract.id, date: '2026-05-16', tax: '6500.00' };
    expect(
      (
        await as('finance')
          .post('/api/invoices')
          .send({ ...again, amount: '56500.01' })
      ).body.error.code,
    ).toBe('INVOICE_EXCEEDS_CONTRACT');
    expect(
      (
        await as('finance')
          .post('/api/invoices')
          .send({ ...again, amount: '56500.00' })
      ).status,
    ).toBe(201);

    // Newest first; filters by customer and date; paginated.
    const all = await as('finance').get(`/api/invoices?customerId=${customerId}`);
    expect(all.body.items.map((i: { number: string }) => i.number)).toEqual([
      '04471999',
      '04471002',
      'H-0001',
      '04471001',
    ]);
    const page2 = await as('finance').get(`/api/invoices?customerId=${customerId}&pageSize=3&page=2`);
    expect(page2.body).toMatchObject({
      total: 4,
      page: 2,
      pageSize: 3,
      items: [expect.objectContaining({ number: '04471001' })],
    });
    expect((await as('finance').get('/api/invoices?from=2026-05-12&to=2026-05-11')).status).toBe(400);
    expect((await as('production').get('/api/invoices')).status).toBe(403);
    expect((await as('production').get(`/api/invoices/${original.id}`)).status).toBe(403);
    expect((await as('finance').get(`/api/invoices/${crypto.randomUUID()}`)).body.error.code).toBe('INVOICE_NOT_FOUND');
  });
});
