import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sum } from '../../src/common/money.js';
import { readTable } from '../../src/common/tabular/read-table.js';
import { AGING_BUCKETS, buildStatement } from '../../src/modules/receivables/ledger.js';
import { ReceivablesService } from '../../src/modules/receivables/receivables.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const AS_OF = '2026-06-30';

/*
 * One customer (青澜钢铁) built through the API, looked at on 2026-06-30 (the period 2026-04-01..2026-06-30):
 *
 *   D  signed 2025-12-01, 10000.00, 100% 10 days after signing                     -> due 2025-12-11
 *   A  signed 2026-01-10, 100000.00, 30/60/10: 30% 7 days after signing            -> due 2026-01-17
 *                                              60% before delivery (planned 2026-04-15, no delivery yet) -> due 2026-04-15
 *                                              10% 30 days after acceptance (recorded by hand: 2026-05-20) -> due 2026-06-19
 *   B  signed 2026-05-01, 20000.00, 50% at signing (due 2026-05-01), 50% 10 days after arrival (no arrival: no due date)
 *   C  signed 2026-06-15, 50000.00, 40% 30 days after signing (due 2026-07-15: in the future on 2026-06-30),
 *                                   60% before delivery (planned 2026-08-31)
 *   a draft contract of 7777.00 (never approved: not in the ledger)
 *
 *   payments: A 30000.00 on 2026-01-15, A 40000.00 on 2026-04-20 (partial), B 25000.00 on 2026-05-05 (5000.00 over
 *   B's total), 3000.00 without a contract on 2026-06-10, A 1000.00 on 2026-07-05 (after the as-of day)
 *   invoices: A 50000.00 on 2026-03-25 (before the period), B 20000.00 on 2026-05-06 (within), C 20000.00 on
 *   2026-07-20 (after the as-of day)
 *
 * Schedules on 2026-06-30 (each contract's own payments up to that day, in schedule order):
 *   A paid 30000 + 40000 = 70000: share 1 30000 paid 30000 (0 left); share 2 60000 paid 40000 (20000 left);
 *     share 3 10000 paid 0 (10000 left). Outstanding 30000.00, overpaid 0.00.
 *   B paid 25000: share 1 10000 paid 10000; share 2 10000 paid 10000; overpaid 25000 - 20000 = 5000.00.
 *   C paid 0: 20000 + 30000 outstanding 50000.00.
 *   D paid 0: 10000 outstanding.
 * Closing balance: contracts 10000 + 100000 + 20000 + 50000 = 180000.00
 *   minus payments 30000 + 40000 + 25000 + 3000 = 98000.00 (the July payment is not counted) -> 82000.00
 * Credit: B's overpayment 5000 + the payment without a contract 3000 = 8000.00, applied most overdue first:
 *   D share 1 (due 2025-12-11): 10000 - 8000 = 2000; 2025-12-11..2026-06-30 = 20+31+28+31+30+31+30 = 201 days -> over 90
 *   A share 2 (due 2026-04-15): 20000; 15+31+30 = 76 days -> 61-90
 *   A share 3 (due 2026-06-19): 10000; 11 days -> 1-30
 *   C shares (due 2026-07-15 and 2026-08-31): 50000 -> not due
 * Aging: notDue 50000.00, 1-30 10000.00, 31-60 0.00, 61-90 20000.00, over 90 2000.00, unapplied credit 0.00;
 *   50000 + 10000 + 20000 + 2000 = 82000.00 = the closing balance.
 */
describe('receivables', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const contracts: Record<string, { id: string; number: string }> = {};
  let customerId: string;
  let otherCustomerId: string;

  const as = (role: string) => {
    const token = tokens[role]!;
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      put: (path: string) => t.http().put(path).auth(token, { type: 'bearer' }),
      file: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
    };
  };

  /** A contract made by hand (one line at `total`, no VAT) and approved by a manager after its review fails on `quotation`. */
  const contract = async (
    forCustomer: string,
    signingDate: string,
    total: string,
    paymentTerms: Record<string, unknown>[],
    deliveryDate: string | null,
    approve = true,
  ) => {
    const res = await as('backoffice')
      .post('/api/contracts')
      .send({
        customerId: forCustomer,
        projectName: `项目 ${total}`,
        signingDate,
        lines: [{ name: '设备', unit: '套', qty: '1', unitPrice: total, taxRate: '0' }],
        paymentTerms,
        deliveryDate,
      });
    expect(res.status).toBe(201);
    expect(res.body.total).toBe(total);
    if (approve) {
      expect((await as('backoffice').post(`/api/contracts/${res.body.id}/review`)).body.status).toBe('review_failed');
      const ok = await as('manager').post(`/api/contracts/${res.body.id}/approve`).send({ reason: '手工合同，已核对' });
      expect(ok.body.status).toBe('approved');
    }
    return { id: res.body.id as string, number: res.body.number as string };
  };
  const pay = async (
    forCustomer: string,
    contractId: string | null,
    date: string,
    amount: string,
    reference: string,
  ) => {
    // nature progress: an advance payment would also issue a contact sheet, which is not what this test is about.
    const res = await as('finance')
      .post('/api/payments')
      .send({
        customerId: forCustomer,
        ...(contractId ? { contractId } : {}),
        date,
        amount,
        method: 'bank_transfer',
        nature: 'progress',
        reference,
      });
    expect(res.status).toBe(201);
  };
  const invoice = async (contractId: string, number: string, date: string, amount: string, tax: string) => {
    const res = await as('finance').post('/api/invoices').send({ number, customerId, contractId, date, amount, tax });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    t = await startTestApp('receivables');
    tokens.admin = t.adminToken;
    for (const role of ['backoffice', 'finance', 'production', 'manager'])
      tokens[role] = (await t.userWith([role])).token;
    for (const name of ['sales1', 'sales2']) {
      const u = await t.userWith(['sales'], name === 'sales1' ? '李业务' : '周业务');
      tokens[name] = u.token;
      ids[name] = u.id;
    }
    const customer = await as('backoffice')
      .post('/api/customers')
      .send({ name: '青澜钢铁集团有限公司', salesOwnerId: ids.sales1 });
    expect(customer.status).toBe(201);
    customerId = customer.body.id;
    const other = await as('backoffice')
      .post('/api/customers')
      .send({ name: '东岳化工有限公司', salesOwnerId: ids.sales2 });
    expect(other.status).toBe(201);
    otherCustomerId = other.body.id;

    const at = (event: string, percent: string, days: number | null, label: string | null = null) => ({
      percent,
      event,
      ...(days === null ? {} : { days }),
      ...(label ? { label } : {}),
    });
    contracts.D = await contract(customerId, '2025-12-01', '10000.00', [at('contract_signed', '100', 10)], null);
    contracts.A = await contract(
      customerId,
      '2026-01-10',
      '100000.00',
      [at('contract_signed', '30', 7), at('before_delivery', '60', null), at('after_acceptance', '10', 30, '质保金')],
      '2026-04-15',
    );
    contracts.B = await contract(
      customerId,
      '2026-05-01',
      '20000.00',
      [at('contract_signed', '50', 0), at('on_delivery', '50', 10)],
      null,
    );
    contracts.C = await contract(
      customerId,
      '2026-06-15',
      '50000.00',
      [at('contract_signed', '40', 30), at('before_delivery', '60', 0)],
      '2026-08-31',
    );
    contracts.draft = await contract(
      customerId,
      '2026-02-01',
      '7777.00',
      [at('contract_signed', '100', 0)],
      null,
      false,
    );
    // The other customer: 5000.00 due at signing on 2026-03-01, unpaid -> 121 days over on 2026-06-30.
    contracts.F = await contract(otherCustomerId, '2026-03-01', '5000.00', [at('contract_signed', '100', 0)], null);

    await pay(customerId, contracts.A.id, '2026-01-15', '30000.00', 'BANK-A1');
    await pay(customerId, contracts.A.id, '2026-04-20', '40000.00', 'BANK-A2');
    await pay(customerId, contracts.B.id, '2026-05-05', '25000.00', 'BANK-B1');
    await pay(customerId, null, '2026-06-10', '3000.00', 'BANK-X');
    await pay(customerId, contracts.A.id, '2026-07-05', '1000.00', 'BANK-A3');

    await invoice(contracts.A.id, 'INV-A-0325', '2026-03-25', '50000.00', '5752.21');
    await invoice(contracts.B.id, 'INV-B-0506', '2026-05-06', '20000.00', '2300.88');
    await invoice(contracts.C.id, 'INV-C-0720', '2026-07-20', '20000.00', '2300.88');

    // The milestone recorded by hand: A accepted on 2026-05-20 (its 10% falls due 30 days later, 2026-06-19).
    const accepted = await as('backoffice')
      .put(`/api/contracts/${contracts.A.id}/milestones/after_acceptance`)
      .send({ date: '2026-05-20', note: '验收单 YS-0520' });
    expect(accepted.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("shows each contract's schedule with due dates, paid and outstanding on the as-of day", async () => {
    const a = await as('sales1').get(`/api/contracts/${contracts.A.id}/schedule?asOf=${AS_OF}`);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      contractId: contracts.A.id,
      number: contracts.A.number,
      currency: 'CNY',
      events: {
        contract_signed: '2026-01-10',
        before_delivery: '2026-04-15',
        on_delivery: null,
        after_acceptance: '2026-05-20',
        warranty_end: null,
        other: null,
      },
      total: '100000.00',
      paid: '70000.00',
      outstanding: '30000.00',
      overpaid: '0.00',
    });
    expect(
      a.body.shares.map((s: Record<string, unknown>) => [s.share, s.dueDate, s.amount, s.paid, s.outstanding]),
    ).toEqual([
      [1, '2026-01-17', '30000.00', '30000.00', '0.00'],
      [2, '2026-04-15', '60000.00', '40000.00', '20000.00'],
      [3, '2026-06-19', '10000.00', '0.00', '10000.00'],
    ]);
    // The July payment counts once the as-of day reaches it.
    const later = await as('finance').get(`/api/contracts/${contracts.A.id}/schedule?asOf=2026-07-05`);
    expect([later.body.paid, later.body.shares[1].outstanding]).toEqual(['71000.00', '19000.00']);

    const b = await as('finance').get(`/api/contracts/${contracts.B.id}/schedule?asOf=${AS_OF}`);
    expect(b.body).toMatchObject({ total: '20000.00', paid: '25000.00', outstanding: '0.00', overpaid: '5000.00' });
    expect(b.body.shares.map((s: Record<string, unknown>) => [s.dueDate, s.paid, s.outstanding])).toEqual([
      ['2026-05-01', '10000.00', '0.00'],
      [null, '10000.00', '0.00'],
    ]);
    const c = await as('finance').get(`/api/contracts/${contracts.C.id}/schedule?asOf=${AS_OF}`);
    expect(c.body.shares.map((s: Record<string, unknown>) => [s.dueDate, s.amount, s.outstanding])).toEqual([
      ['2026-07-15', '20000.00', '20000.00'],
      ['2026-08-31', '30000.00', '30000.00'],
    ]);

    expect((await as('finance').get(`/api/contracts/${crypto.randomUUID()}/schedule`)).body.error.code).toBe(
      'CONTRACT_NOT_FOUND',
    );
    expect((await as('finance').get(`/api/contracts/${contracts.A.id}/schedule?asOf=2026-02-30`)).status).toBe(400);
    expect((await as('production').get(`/api/contracts/${contracts.A.id}/schedule`)).status).toBe(403);
  });

  it("gives the customer's closing balance and aging exactly as computed by hand, the buckets adding up", async () => {
    const res = await as('sales1').get(`/api/receivables/customers/${customerId}?asOf=${AS_OF}`);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.customer).toEqual({
      id: customerId,
      name: '青澜钢铁集团有限公司',
      currency: 'CNY',
      salesOwner: { id: ids.sales1, name: '李业务' },
    });
    expect(body.asOf).toBe(AS_OF);
    expect(body.closingBalance).toBe('82000.00');
    expect(body.aging).toEqual({
      notDue: '50000.00',
      days1to30: '10000.00',
      days31to60: '0.00',
      days61to90: '20000.00',
      over90: '2000.00',
      unappliedCredit: '0.00',
    });
    expect(sum(AGING_BUCKETS.map((b) => body.aging[b] as string))).toBe(body.closingBalance);
    // contracts 180000.00, payments 98000.00, invoices up to the as-of day 50000 + 20000
    expect(body.totals).toEqual({ contracts: '180000.00', payments: '98000.00', invoiced: '70000.00' });
    expect(body.credit).toEqual({ overpaid: '5000.00', withoutContract: '3000.00', unapplied: '0.00' });
    // By signing date; the draft contract is not in the ledger.
    expect(
      body.contracts.map((c: Record<string, unknown>) => [
        c.number,
        c.total,
        c.paid,
        c.outstanding,
        c.overpaid,
        c.invoiced,
      ]),
    ).toEqual([
      [contracts.D.number, '10000.00', '0.00', '10000.00', '0.00', '0.00'],
      [contracts.A.number, '100000.00', '70000.00', '30000.00', '0.00', '50000.00'],
      [contracts.B.number, '20000.00', '25000.00', '0.00', '5000.00', '20000.00'],
      [contracts.C.number, '50000.00', '0.00', '50000.00', '0.00', '0.00'],
    ]);
    expect(body.contracts[0].shares).toEqual([
      expect.objectContaining({ share: 1, dueDate: '2025-12-11', amount: '10000.00', outstanding: '10000.00' }),
    ]);
    expect(body.payments.map((p: Record<string, unknown>) => p.reference)).toEqual([
      'BANK-A1',
      'BANK-A2',
      'BANK-B1',
      'BANK-X',
    ]);
    expect(body.invoices.map((i: Record<string, unknown>) => i.number)).toEqual(['INV-A-0325', 'INV-B-0506']);

    // The shared read side agrees: the ledger the statements are made from gives the same figures.
    const receivables = t.app.get(ReceivablesService);
    const ledger = await receivables.ledger(customerId, AS_OF);
    const statement = buildStatement({ from: '2026-04-01', to: AS_OF, ...ledger });
    // opening: D 10000 + A 100000 - 30000 = 80000; then B +20000, A -40000, B -25000, X -3000, C +50000
    expect(statement.openingBalance).toBe('80000.00');
    expect(statement.lines.map((l) => [l.date, l.kind, l.reference, l.balance])).toEqual([
      ['2026-04-20', 'payment', 'BANK-A2', '40000.00'],
      ['2026-05-01', 'contract', contracts.B.number, '60000.00'],
      ['2026-05-05', 'payment', 'BANK-B1', '35000.00'],
      ['2026-05-06', 'invoice', 'INV-B-0506', '35000.00'],
      ['2026-06-10', 'payment', 'BANK-X', '32000.00'],
      ['2026-06-15', 'contract', contracts.C.number, '82000.00'],
    ]);
    expect(statement.closingBalance).toBe(body.closingBalance);
    expect(statement.aging).toEqual(body.aging);

    expect((await as('finance').get(`/api/receivables/customers/${crypto.randomUUID()}`)).body.error.code).toBe(
      'CUSTOMER_NOT_FOUND',
    );
    expect((await as('production').get(`/api/receivables/customers/${customerId}`)).status).toBe(403);
  });

  it('picks the customers for statements from aggregated sums, matching the closing balances', async () => {
    // A third customer whose account was settled before the period: no balance, no activity in it.
    const settled = await as('backoffice').post('/api/customers').send({ name: '北辰机械有限公司' });
    const g = await contract(
      settled.body.id,
      '2025-11-01',
      '1000.00',
      [{ percent: '100', event: 'contract_signed' }],
      null,
    );
    await pay(settled.body.id, g.id, '2025-11-05', '1000.00', 'BANK-G');
    const idle = await as('backoffice').post('/api/customers').send({ name: '安平仪表有限公司' });
    expect(idle.status).toBe(201);

    const receivables = t.app.get(ReceivablesService);
    expect(await receivables.customersForStatements('2026-04-01', AS_OF)).toEqual([
      { id: otherCustomerId, name: '东岳化工有限公司', closingBalance: '5000.00' },
      { id: customerId, name: '青澜钢铁集团有限公司', closingBalance: '82000.00' },
    ]);
    // From the beginning: the settled customer had activity (balance 0.00); the idle one never has.
    const all = await receivables.customersForStatements(null, AS_OF);
    expect(all.map((c) => [c.name, c.closingBalance])).toEqual([
      ['东岳化工有限公司', '5000.00'],
      ['北辰机械有限公司', '0.00'],
      ['青澜钢铁集团有限公司', '82000.00'],
    ]);
    // Each closing balance is buildStatement's.
    for (const c of all) {
      const ledger = await receivables.ledger(c.id, AS_OF);
      expect(buildStatement({ from: null, to: AS_OF, ...ledger }).closingBalance).toBe(c.closingBalance);
    }
  });

  it('lists the shares due before delivery that are not paid today (the payment gate)', async () => {
    const receivables = t.app.get(ReceivablesService);
    // Today (after 2026-07-05) A has 71000.00: its 60% share has 19000.00 left; B is paid; C owes both shares.
    expect((await receivables.dueBeforeDelivery(contracts.A.id)).map((s) => [s.share, s.outstanding])).toEqual([
      [2, '19000.00'],
    ]);
    expect(await receivables.dueBeforeDelivery(contracts.B.id)).toEqual([]);
    expect((await receivables.dueBeforeDelivery(contracts.C.id)).map((s) => [s.event, s.outstanding])).toEqual([
      ['contract_signed', '20000.00'],
      ['before_delivery', '30000.00'],
    ]);
  });

  it('gives the dunning list: overdue shares after credit, by age, grouped by customer with bucket totals', async () => {
    const res = await as('finance').get(`/api/receivables/overdue?asOf=${AS_OF}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ asOf: AS_OF, minDays: 1, salesOwnerId: null });
    expect(res.body.customers).toEqual([
      {
        customer: { id: customerId, name: '青澜钢铁集团有限公司' },
        salesOwner: { id: ids.sales1, name: '李业务' },
        overdue: '32000.00',
        maxDaysOverdue: 201,
        buckets: { days1to30: '10000.00', days31to60: '0.00', days61to90: '20000.00', over90: '2000.00' },
        contracts: [
          {
            contractId: contracts.D.id,
            number: contracts.D.number,
            currency: 'CNY',
            overdue: '2000.00',
            maxDaysOverdue: 201,
            shares: [
              {
                share: 1,
                event: 'contract_signed',
                label: null,
                dueDate: '2025-12-11',
                daysOverdue: 201,
                bucket: 'over90',
                amount: '10000.00',
                outstanding: '2000.00',
              },
            ],
          },
          {
            contractId: contracts.A.id,
            number: contracts.A.number,
            currency: 'CNY',
            overdue: '30000.00',
            maxDaysOverdue: 76,
            shares: [
              {
                share: 2,
                event: 'before_delivery',
                label: null,
                dueDate: '2026-04-15',
                daysOverdue: 76,
                bucket: 'days61to90',
                amount: '60000.00',
                outstanding: '20000.00',
              },
              {
                share: 3,
                event: 'after_acceptance',
                label: '质保金',
                dueDate: '2026-06-19',
                daysOverdue: 11,
                bucket: 'days1to30',
                amount: '10000.00',
                outstanding: '10000.00',
              },
            ],
          },
        ],
      },
      {
        customer: { id: otherCustomerId, name: '东岳化工有限公司' },
        salesOwner: { id: ids.sales2, name: '周业务' },
        overdue: '5000.00',
        maxDaysOverdue: 121,
        buckets: { days1to30: '0.00', days31to60: '0.00', days61to90: '0.00', over90: '5000.00' },
        contracts: [expect.objectContaining({ number: contracts.F.number, overdue: '5000.00', maxDaysOverdue: 121 })],
      },
    ]);

    // minDays leaves out the younger shares; customerId narrows to one customer.
    const old = await as('manager').get(`/api/receivables/overdue?asOf=${AS_OF}&minDays=100&customerId=${customerId}`);
    expect(old.body.customers.map((c: { overdue: string }) => c.overdue)).toEqual(['2000.00']);
    // Before anything fell due there is nothing to chase.
    expect((await as('finance').get('/api/receivables/overdue?asOf=2025-12-11')).body.customers).toEqual([]);
  });

  it("shows a sales user only their own customers' arrears, and production nothing", async () => {
    const mine = await as('sales1').get(`/api/receivables/overdue?asOf=${AS_OF}`);
    expect(mine.body.salesOwnerId).toBe(ids.sales1);
    expect(mine.body.customers.map((c: { customer: { id: string } }) => c.customer.id)).toEqual([customerId]);
    const theirs = await as('sales2').get(`/api/receivables/overdue?asOf=${AS_OF}`);
    expect(theirs.body.customers.map((c: { customer: { id: string } }) => c.customer.id)).toEqual([otherCustomerId]);
    const peek = await as('sales1').get(`/api/receivables/overdue?asOf=${AS_OF}&salesOwnerId=${ids.sales2}`);
    expect(peek.status).toBe(403);
    expect(peek.body.error.code).toBe('NOT_YOUR_RECORD');
    // Another customer's id gives nothing, not their data.
    expect(
      (await as('sales1').get(`/api/receivables/overdue?asOf=${AS_OF}&customerId=${otherCustomerId}`)).body.customers,
    ).toEqual([]);
    // A manager filters by owner.
    const byOwner = await as('manager').get(`/api/receivables/overdue?asOf=${AS_OF}&salesOwnerId=${ids.sales2}`);
    expect(byOwner.body.customers.map((c: { customer: { id: string } }) => c.customer.id)).toEqual([otherCustomerId]);

    expect((await as('production').get('/api/receivables/overdue')).status).toBe(403);
    expect((await as('finance').get('/api/receivables/overdue?format=pdf')).status).toBe(400);
    expect((await as('finance').get('/api/receivables/overdue?minDays=0')).status).toBe(400);
  });

  it('exports the dunning list as a workbook that reads back with the same rows', async () => {
    const res = await as('finance').file(`/api/receivables/overdue?asOf=${AS_OF}&format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain(`overdue-${AS_OF}.xlsx`);
    const table = await readTable(res.body as Buffer);
    expect(table.format).toBe('xlsx');
    expect(table.header.cells).toEqual([
      '客户',
      '业务员',
      '合同编号',
      '期次',
      '付款节点',
      '到期日',
      '逾期天数',
      '账龄',
      '币种',
      '应收金额',
      '逾期未收',
    ]);
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    expect(table.rows.map((r) => r.cells)).toEqual([
      [
        '青澜钢铁集团有限公司',
        '李业务',
        contracts.D.number,
        '1',
        '合同签订',
        day('2025-12-11'),
        '201',
        '90天以上',
        'CNY',
        10000,
        2000,
      ],
      [
        '青澜钢铁集团有限公司',
        '李业务',
        contracts.A.number,
        '2',
        '发货前',
        day('2026-04-15'),
        '76',
        '61-90天',
        'CNY',
        60000,
        20000,
      ],
      [
        '青澜钢铁集团有限公司',
        '李业务',
        contracts.A.number,
        '3',
        '质保金',
        day('2026-06-19'),
        '11',
        '1-30天',
        'CNY',
        10000,
        10000,
      ],
      [
        '东岳化工有限公司',
        '周业务',
        contracts.F.number,
        '1',
        '合同签订',
        day('2026-03-01'),
        '121',
        '90天以上',
        'CNY',
        5000,
        5000,
      ],
    ]);
    // A sales user's workbook holds their own customers only.
    const mine = await readTable(
      (await as('sales2').file(`/api/receivables/overdue?asOf=${AS_OF}&format=xlsx`)).body as Buffer,
    );
    expect(mine.rows.map((r) => r.cells[0])).toEqual(['东岳化工有限公司']);
  });

  it('moves a due date when a milestone is corrected by hand, audited; refuses contract_signed and unknown events', async () => {
    const path = `/api/contracts/${contracts.A.id}/milestones/after_acceptance`;
    // Accepted on 2026-04-10 after all: the 10% falls due 2026-05-10, 51 days before 2026-06-30 -> 31-60.
    const moved = await as('finance').put(path).send({ date: '2026-04-10', note: '按验收单原件更正' });
    expect(moved.status).toBe(200);
    expect(moved.body.events.after_acceptance).toBe('2026-04-10');
    const schedule = await as('finance').get(`/api/contracts/${contracts.A.id}/schedule?asOf=${AS_OF}`);
    expect(schedule.body.shares[2]).toMatchObject({ share: 3, dueDate: '2026-05-10', outstanding: '10000.00' });
    const account = await as('finance').get(`/api/receivables/customers/${customerId}?asOf=${AS_OF}`);
    expect(account.body.aging).toEqual({
      notDue: '50000.00',
      days1to30: '0.00',
      days31to60: '10000.00',
      days61to90: '20000.00',
      over90: '2000.00',
      unappliedCredit: '0.00',
    });
    const audit = await t.db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_log WHERE action = 'contract.milestone' AND entity_id = $1 ORDER BY id`,
      [contracts.A.id],
    );
    expect(audit.map((a) => a.details)).toEqual([
      { event: 'after_acceptance', date: '2026-05-20', previous: null, note: '验收单 YS-0520' },
      {
        event: 'after_acceptance',
        date: '2026-04-10',
        previous: { date: '2026-05-20', source: 'manual' },
        note: '按验收单原件更正',
      },
    ]);

    // A delivery correction by hand moves before_delivery off the planned delivery date.
    const shipped = await as('backoffice')
      .put(`/api/contracts/${contracts.A.id}/milestones/before_delivery`)
      .send({ date: '2026-05-02' });
    expect(shipped.body.shares[1].dueDate).toBe('2026-05-02');

    const before = await t.db.query('SELECT * FROM contract_milestones ORDER BY id');
    const signed = await as('finance')
      .put(`/api/contracts/${contracts.A.id}/milestones/contract_signed`)
      .send({ date: '2026-01-01' });
    expect(signed.status).toBe(422);
    expect(signed.body.error.code).toBe('MILESTONE_EVENT_INVALID');
    const unknown = await as('finance')
      .put(`/api/contracts/${contracts.A.id}/milestones/shipped`)
      .send({ date: '2026-01-01' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('MILESTONE_EVENT_INVALID');
    const missing = await as('finance')
      .put(`/api/contracts/${crypto.randomUUID()}/milestones/other`)
      .send({ date: '2026-01-01' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('CONTRACT_NOT_FOUND');
    expect((await as('finance').put(path).send({ date: '2026-13-01' })).status).toBe(400);
    expect((await as('sales1').put(path).send({ date: '2026-04-11' })).status).toBe(403);
    expect((await as('production').put(path).send({ date: '2026-04-11' })).status).toBe(403);
    expect(await t.db.query('SELECT * FROM contract_milestones ORDER BY id')).toEqual(before);
  });
});
