import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ContractEvents, type ContractRevised } from '../../src/modules/contracts/contract-events.js';
import { ContractsService } from '../../src/modules/contracts/contracts.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

const TERMS_361 = [
  { percent: '30', event: 'contract_signed', days: 7 },
  { percent: '60', event: 'before_delivery' },
  { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
];
// As prices-hidden.test.ts judges a key: a commercial figure.
const PRICE_KEY = /price|amount|discount|total|subtotal|^net$|^tax$|taxAmount|balance|paid|outstanding/i;

function priceKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => priceKeys(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const isPage = 'items' in value && 'pageSize' in value;
    return Object.entries(value).flatMap(([k, v]) => [
      ...(PRICE_KEY.test(k) && !(isPage && k === 'total') ? [`${path}.${k}`] : []),
      ...priceKeys(v, `${path}.${k}`),
    ]);
  }
  return [];
}

function addDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

interface Check {
  check: string;
  passed: boolean;
  quotation: unknown;
  contract: unknown;
  message: string;
}

describe('contracts', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let customerId: string;
  const products: Record<string, string> = {};
  const revised: ContractRevised[] = [];
  /** Contracts whose revision listener fails (as a contact sheet that cannot be re-issued would). */
  const failFor = new Set<string>();

  const as = (role: string) => {
    const token = role === 'admin' ? t.adminToken : tokens[role];
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      patch: (path: string) => t.http().patch(path).auth(token, { type: 'bearer' }),
    };
  };

  /** A quotation moved to accepted through its own endpoints: 3 × LDG-50 at the list price and an installation line. */
  const acceptedQuotation = async (overrides: Record<string, unknown> = {}, stopAt?: 'sent') => {
    const res = await as('backoffice')
      .post('/api/quotations')
      .send({
        customerId,
        projectName: '炼铁厂高炉煤气流量计改造',
        validUntil: addDays(30),
        lines: [
          { productId: products['LDG-50'], qty: '3' },
          { name: '现场安装调试', unit: '项', qty: '1', unitPrice: '5000', taxRate: '6' },
        ],
        paymentTerms: TERMS_361,
        deliveryTerms: { daysAfterAdvance: 45, place: '需方现场（江苏苏州）' },
        ...overrides,
      });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect((await as('sales').post(`/api/quotations/${id}/submit`)).status).toBe(200);
    expect((await as('backoffice').post(`/api/quotations/${id}/approve`).send({})).status).toBe(200);
    expect((await as('sales').post(`/api/quotations/${id}/send`)).status).toBe(200);
    if (stopAt !== 'sent') expect((await as('sales').post(`/api/quotations/${id}/accept`)).body.status).toBe('accepted');
    return res.body as { id: string; number: string; total: string };
  };
  const createContract = async (body: Record<string, unknown>, role = 'backoffice') => {
    const res = await as(role).post('/api/contracts').send({ signingDate: '2026-06-01', ...body });
    if (res.status !== 201) throw new Error(`create contract: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; number: string; [k: string]: unknown };
  };
  /** A contract from a new accepted quotation, reviewed (passes) and so approved. */
  const approvedContract = async () => {
    const q = await acceptedQuotation();
    const c = await createContract({ quotationId: q.id });
    expect((await as('sales').post(`/api/contracts/${c.id}/review`)).body.status).toBe('approved');
    return c;
  };
  const auditOf = (id: string, action: string) =>
    t.db.query<{ actor_id: string | null; actor_name: string; details: Record<string, unknown> }>(
      'SELECT actor_id, actor_name, details FROM audit_log WHERE entity_type = $1 AND entity_id = $2 AND action = $3 ORDER BY id',
      ['contract', id, action],
    );
  const snapshot = async () => ({
    contracts: await t.db.query('SELECT * FROM contracts ORDER BY id'),
    revisions: await t.db.query('SELECT * FROM contract_revisions ORDER BY id'),
    changes: await t.db.query('SELECT * FROM contract_change_requests ORDER BY id'),
    counters: await t.db.query('SELECT * FROM contract_counters ORDER BY year'),
    audit: (await t.db.query('SELECT id FROM audit_log')).length,
  });

  beforeAll(async () => {
    t = await startTestApp('contracts');
    for (const role of ['backoffice', 'sales', 'finance', 'production', 'engineering']) {
      const u = await t.userWith([role]);
      tokens[role] = u.token;
      ids[role] = u.id;
    }
    const manager = await t.userWith(['manager'], '王总');
    tokens.manager = manager.token;
    ids.manager = manager.id;
    const customer = await as('backoffice')
      .post('/api/customers')
      // The sales user owns it: a sales user reaches only their own customers' records (auth/ownership.ts).
      .send({ name: '青澜钢铁集团有限公司', salesOwnerId: ids.sales, contacts: [{ name: '赵志强', phone: '139 1234 5601', billing: true }] });
    expect(customer.status).toBe(201);
    customerId = customer.body.id;
    for (const p of [
      { code: 'LDG-50', nameZh: '电磁流量计', specification: 'DN50 PN16，PTFE 衬里', unit: '台', listPrice: '8600.00', floorPrice: '6900.00' },
      { code: 'NDM-137', nameZh: '核子密度计', unit: '套', listPrice: '198000.00', floorPrice: '165000.00' },
    ]) {
      const res = await as('manager').post('/api/products').send(p);
      expect(res.status).toBe(201);
      products[p.code] = res.body.id;
    }
    t.app.get(ContractEvents).onRevised(async (e) => {
      revised.push(e);
      if (failFor.has(e.contractId)) throw new Error('the contact sheet could not be re-issued');
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('makes a contract from an accepted quotation, copying its lines and terms, and its review passes', async () => {
    const q = await acceptedQuotation();
    const c = await createContract({
      quotationId: q.id,
      configuration: [{ item: '变送器', options: '分体式，IP68，4-20mA + HART' }],
      specialRequirements: '随货提供中文说明书两份',
    });
    expect(c).toMatchObject({
      number: 'HT2026-0001',
      status: 'draft',
      revision: 1,
      currentRevision: 1,
      customer: { id: customerId, name: '青澜钢铁集团有限公司' },
      quotation: { id: q.id, number: q.number, revision: 1 },
      projectName: '炼铁厂高炉煤气流量计改造',
      projectNumber: null,
      signingDate: '2026-06-01',
      currency: 'CNY',
      subtotal: '30800.00',
      taxTotal: '3654.00',
      total: q.total,
      paymentTerms: [
        { percent: '30', event: 'contract_signed', days: 7, label: null },
        { percent: '60', event: 'before_delivery', days: null, label: null },
        { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
      ],
      deliveryDate: null,
      configuration: [{ item: '变送器', options: '分体式，IP68，4-20mA + HART' }],
      specialRequirements: '随货提供中文说明书两份',
      review: null,
      approval: null,
      revisions: [expect.objectContaining({ revision: 1, changeRequestId: null })],
    });
    expect(c.lines).toEqual([
      expect.objectContaining({ line: 1, productCode: 'LDG-50', qty: '3', unitPrice: '8600.00', net: '25800.00', tax: '3354.00', total: '29154.00' }),
      expect.objectContaining({ line: 2, productCode: null, name: '现场安装调试', unitPrice: '5000.00', taxRate: '6.00', total: '5300.00' }),
    ]);
    expect(await auditOf(c.id, 'contract.create')).toEqual([
      expect.objectContaining({ actor_id: ids.backoffice, details: expect.objectContaining({ number: 'HT2026-0001', quotationId: q.id }) }),
    ]);

    const review = await as('sales').post(`/api/contracts/${c.id}/review`);
    expect(review.status).toBe(200);
    expect(review.body).toMatchObject({ passed: true, status: 'approved', revision: 1, by: { id: ids.sales } });
    const checks = review.body.checks as Check[];
    expect(checks.every((k) => k.passed)).toBe(true);
    expect(checks.map((k) => k.check)).toEqual(
      expect.arrayContaining(['quotation', 'line.1.unitPrice', 'line.2.total', 'configuration.added', 'configuration.removed', 'total', 'paymentTerms', 'deliveryDate', 'configuration']),
    );
    const got = await as('finance').get(`/api/contracts/${c.id}`);
    expect(got.body).toMatchObject({ status: 'approved', review: { passed: true }, approval: null });
    // Reviewed once: a second run is refused (the contract is approved).
    expect((await as('sales').post(`/api/contracts/${c.id}/review`)).status).toBe(409);
    // One live contract per quotation.
    const again = await as('backoffice').post('/api/contracts').send({ quotationId: q.id, signingDate: '2026-06-02' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONTRACT_EXISTS_FOR_QUOTATION', details: { contractNumber: 'HT2026-0001' } });
  });

  it('fails the review on a deliberate price difference, reporting both values; only a manager approves it, with a reason', async () => {
    const q = await acceptedQuotation();
    const c = await createContract({
      quotationId: q.id,
      lines: [
        { productId: products['LDG-50'], qty: '3', unitPrice: '7200.00' },
        { name: '现场安装调试', unit: '项', qty: '1', unitPrice: '5000', taxRate: '6' },
      ],
    });
    expect(c.total).toBe('29708.00');
    const review = await as('backoffice').post(`/api/contracts/${c.id}/review`);
    expect(review.status).toBe(200);
    expect(review.body).toMatchObject({ passed: false, status: 'review_failed' });
    const checks = review.body.checks as Check[];
    expect(checks.find((k) => k.check === 'line.1.unitPrice')).toEqual({
      check: 'line.1.unitPrice',
      passed: false,
      quotation: '8600.00',
      contract: '7200.00',
      message: 'line 1 unit price: 7200.00 in the contract, 8600.00 in the quotation (-1400.00)',
    });
    expect(checks.filter((k) => !k.passed).map((k) => k.check)).toEqual(['line.1.unitPrice', 'line.1.total', 'subtotal', 'total']);
    expect(checks.find((k) => k.check === 'line.2.unitPrice')?.passed).toBe(true);

    const bySales = await as('sales').post(`/api/contracts/${c.id}/approve`).send({ reason: '客户同意' });
    expect(bySales.status).toBe(403);
    const blank = await as('manager').post(`/api/contracts/${c.id}/approve`).send({ reason: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body.error.code).toBe('APPROVAL_REASON_REQUIRED');
    expect((await as('manager').post(`/api/contracts/${c.id}/approve`).send({})).status).toBe(400);
    expect((await as('finance').get(`/api/contracts/${c.id}`)).body.status).toBe('review_failed');

    const ok = await as('manager').post(`/api/contracts/${c.id}/approve`).send({ reason: '战略客户，总经理同意按 7200 元供货' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'approved',
      approval: {
        by: { id: ids.manager, name: '王总' },
        reason: '战略客户，总经理同意按 7200 元供货',
        failedChecks: ['line.1.unitPrice', 'line.1.total', 'subtotal', 'total'],
      },
      review: { passed: false },
    });
    expect(await auditOf(c.id, 'contract.approve')).toEqual([
      expect.objectContaining({
        actor_id: ids.manager,
        details: expect.objectContaining({ reason: '战略客户，总经理同意按 7200 元供货', from: 'review_failed', to: 'approved' }),
      }),
    ]);
    expect((await as('manager').post(`/api/contracts/${c.id}/approve`).send({ reason: '再次' })).status).toBe(409);

    // Approved: no more edits in place.
    const patch = await as('backoffice').patch(`/api/contracts/${c.id}`).send({ specialRequirements: '加急' });
    expect(patch.status).toBe(409);
    expect(patch.body.error.code).toBe('CONTRACT_LOCKED');
  });

  it('fails the review of a contract made by hand on `quotation`; an edit sends it back to draft', async () => {
    const c = await createContract({
      customerId,
      projectName: '焦化厂料位计备件',
      lines: [{ productId: products['NDM-137'], qty: '1' }],
      paymentTerms: [{ percent: '100', event: 'before_delivery' }],
    });
    expect(c).toMatchObject({ quotation: null, total: '223740.00', status: 'draft' });
    const review = await as('backoffice').post(`/api/contracts/${c.id}/review`);
    expect(review.body.passed).toBe(false);
    expect((review.body.checks as Check[]).filter((k) => !k.passed)).toEqual([
      expect.objectContaining({ check: 'quotation', message: expect.stringContaining('No quotation to compare with') }),
    ]);
    const patch = await as('sales').patch(`/api/contracts/${c.id}`).send({ lines: [{ productId: products['NDM-137'], qty: '2' }] });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ status: 'draft', review: null, total: '447480.00' });
    expect((await as('backoffice').patch(`/api/contracts/${c.id}`).send({ lines: null })).status).toBe(400);
  });

  it('refuses a contract from a quotation that is not accepted (422), and a schedule not adding up to 100 (400), writing nothing', async () => {
    const sent = await acceptedQuotation({}, 'sent');
    const before = await snapshot();
    const notAccepted = await as('backoffice').post('/api/contracts').send({ quotationId: sent.id, signingDate: '2026-06-01' });
    expect(notAccepted.status).toBe(422);
    expect(notAccepted.body.error).toMatchObject({ code: 'QUOTATION_NOT_ACCEPTED', details: { status: 'sent' } });

    const terms = await as('backoffice')
      .post('/api/contracts')
      .send({
        customerId,
        projectName: '手工合同',
        signingDate: '2026-06-01',
        lines: [{ productId: products['LDG-50'], qty: '1' }],
        paymentTerms: [
          { percent: '30', event: 'contract_signed' },
          { percent: '60', event: 'before_delivery' },
        ],
      });
    expect(terms.status).toBe(400);
    expect(terms.body.error).toMatchObject({ code: 'PAYMENT_TERMS_NOT_100', details: { sum: '90' } });
    const noLines = await as('backoffice').post('/api/contracts').send({ customerId, signingDate: '2026-06-01' });
    expect(noLines.status).toBe(400);
    expect(noLines.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['projectName', 'lines', 'paymentTerms']),
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a number already taken (409) and numbers the next one without a gap', async () => {
    const q = await acceptedQuotation();
    const taken = await as('backoffice').post('/api/contracts').send({ quotationId: q.id, signingDate: '2026-06-01', number: 'HT2026-0001' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('CONTRACT_NUMBER_TAKEN');
    const numbers = (await t.db.query<{ number: string }>('SELECT number FROM contracts ORDER BY number')).map((r) => r.number);
    const next = await createContract({ quotationId: q.id });
    expect(next.number).toBe(`HT2026-${String(numbers.length + 1).padStart(4, '0')}`);
  });

  it('applies a change (add, remove, replace) approved by a manager as revision 2, keeping revision 1 and telling the listeners', async () => {
    const c = await approvedContract();
    const draft = await createContract({
      customerId,
      projectName: '草稿合同',
      lines: [{ productId: products['LDG-50'], qty: '1' }],
      paymentTerms: [{ percent: '100', event: 'contract_signed' }],
    });
    expect((await as('sales').post(`/api/contracts/${draft.id}/changes`).send({ operations: [{ op: 'remove', line: 1 }], reason: 'x' })).status).toBe(409);

    const bad = await as('sales').post(`/api/contracts/${c.id}/changes`).send({ operations: [{ op: 'remove', line: 7 }], reason: '删除' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('CHANGE_LINE_NOT_FOUND');
    const same = await as('sales')
      .post(`/api/contracts/${c.id}/changes`)
      .send({ operations: [{ op: 'replace', line: 1, with: { productId: products['LDG-50'], qty: '3' } }], reason: '同样' });
    expect(same.status).toBe(422);
    expect(same.body.error.code).toBe('CHANGE_EMPTY');
    const invalid = await as('sales')
      .post(`/api/contracts/${c.id}/changes`)
      .send({ operations: [{ op: 'add', line: { qty: '-1' } }, { op: 'explode' }, null], reason: '无效' });
    expect(invalid.status).toBe(400);

    const asked = await as('sales')
      .post(`/api/contracts/${c.id}/changes`)
      .send({
        operations: [
          { op: 'replace', line: 1, with: { productId: products['LDG-50'], qty: '4' } },
          { op: 'remove', line: 2 },
          { op: 'add', line: { productId: products['NDM-137'], qty: '1' } },
        ],
        deliveryDate: '2026-09-30',
        reason: '客户增加核子密度计一套，取消安装',
      });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'pending', baseRevision: 1, requestedBy: { id: ids.sales }, resultRevision: null });
    expect(asked.body.operations[2]).toMatchObject({ op: 'add', line: { productCode: 'NDM-137', unitPrice: '198000.00' } });

    expect((await as('sales').post(`/api/contracts/${c.id}/changes/${asked.body.id}/approve`).send({})).status).toBe(403);
    const before = revised.length;
    const approved = await as('manager').post(`/api/contracts/${c.id}/changes/${asked.body.id}/approve`).send({ reason: '同意' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      revision: 2,
      currentRevision: 2,
      status: 'approved',
      subtotal: '232400.00',
      taxTotal: '30212.00',
      total: '262612.00',
      deliveryDate: '2026-09-30',
      revisions: [expect.objectContaining({ revision: 1 }), expect.objectContaining({ revision: 2, changeRequestId: asked.body.id })],
    });
    expect(approved.body.lines.map((l: { line: number; productCode: string; qty: string; total: string }) => [l.line, l.productCode, l.qty, l.total])).toEqual([
      [1, 'LDG-50', '4', '38872.00'],
      [2, 'NDM-137', '1', '223740.00'],
    ]);
    expect(revised.slice(before)).toEqual([{ contractId: c.id, revision: 2, actor: { id: ids.manager, name: '王总' } }]);

    const old = await as('finance').get(`/api/contracts/${c.id}?revision=1`);
    expect(old.body).toMatchObject({ revision: 1, currentRevision: 2, total: '34454.00', deliveryDate: null });
    expect(old.body.lines).toHaveLength(2);
    expect((await as('finance').get(`/api/contracts/${c.id}?revision=3`)).status).toBe(404);
    const list = await as('finance').get(`/api/contracts?q=${encodeURIComponent(c.number)}`);
    expect(list.body.items).toEqual([expect.objectContaining({ id: c.id, revision: 2, total: '262612.00', deliveryDate: '2026-09-30' })]);
    const changes = await as('engineering').get(`/api/contracts/${c.id}/changes`);
    expect(changes.body).toEqual([
      expect.objectContaining({ id: asked.body.id, status: 'approved', resultRevision: 2, decidedBy: { id: ids.manager, name: '王总' }, decisionReason: '同意' }),
    ]);
    expect(await auditOf(c.id, 'contract.change_approve')).toEqual([
      expect.objectContaining({ actor_id: ids.manager, details: expect.objectContaining({ revision: 2, totalBefore: '34454.00', totalAfter: '262612.00' }) }),
    ]);
    expect((await as('manager').post(`/api/contracts/${c.id}/changes/${asked.body.id}/approve`).send({})).status).toBe(409);
  });

  it('refuses a stale change (409 CHANGE_OUTDATED) once another change has landed', async () => {
    const c = await approvedContract();
    const ask = async (qty: string) => {
      const res = await as('backoffice')
        .post(`/api/contracts/${c.id}/changes`)
        .send({ operations: [{ op: 'replace', line: 1, with: { productId: products['LDG-50'], qty } }], reason: `数量改为 ${qty}` });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const first = await ask('5');
    const second = await ask('6');
    expect((await as('manager').post(`/api/contracts/${c.id}/changes/${first}/approve`).send({})).body.revision).toBe(2);
    const before = await snapshot();
    const stale = await as('manager').post(`/api/contracts/${c.id}/changes/${second}/approve`).send({});
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CHANGE_OUTDATED', details: { baseRevision: 1, currentRevision: 2 } });
    expect(await snapshot()).toEqual(before);
    const rejected = await as('manager').post(`/api/contracts/${c.id}/changes/${second}/reject`).send({ reason: '已被前一变更取代' });
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: '已被前一变更取代' });
  });

  it('rolls a change back when a revision listener fails', async () => {
    const c = await approvedContract();
    failFor.add(c.id);
    const asked = await as('backoffice')
      .post(`/api/contracts/${c.id}/changes`)
      .send({ operations: [{ op: 'remove', line: 2 }], reason: '取消安装' });
    expect(asked.status).toBe(201);
    const before = await snapshot();
    const res = await as('manager').post(`/api/contracts/${c.id}/changes/${asked.body.id}/approve`).send({});
    expect(res.status).toBe(500);
    expect(await snapshot()).toEqual(before);
  });

  it('gives the project number through ContractsService (approved → active, once) and lists contracts for the contact list', async () => {
    const service = t.app.get(ContractsService);
    const c = await approvedContract();
    const actor = { id: ids.finance, name: 'finance' };
    const active = await service.setProjectNumber(actor, c.id, ' XM-2026-001 ');
    expect(active).toMatchObject({ status: 'active', projectNumber: 'XM-2026-001' });
    await expect(service.setProjectNumber(actor, c.id, 'XM-2026-002')).rejects.toMatchObject({ code: 'PROJECT_NUMBER_ASSIGNED' });
    const draft = await createContract({
      customerId,
      projectName: '草稿',
      signingDate: '2025-12-30',
      lines: [{ productId: products['LDG-50'], qty: '1' }],
      paymentTerms: [{ percent: '100', event: 'contract_signed' }],
    });
    expect(draft.number).toBe('HT2025-0001');
    await expect(service.setProjectNumber(actor, draft.id, 'XM-X')).rejects.toMatchObject({ code: 'CONTRACT_NOT_APPROVED' });
    expect(await auditOf(c.id, 'contract.project_number')).toHaveLength(1);

    const list = await service.forContactList({ from: '2025-12-30', to: '2026-06-01', statuses: ['active'] });
    expect(list.map((v) => v.id)).toEqual([c.id]);
    const all = await service.forContactList({ from: '2025-12-01', to: '2025-12-31' });
    expect(all.map((v) => v.number)).toEqual(['HT2025-0001']);

    const filtered = await as('finance').get('/api/contracts?projectNumber=XM-2026-001&status=active');
    expect(filtered.body.items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    const done = await as('backoffice').post(`/api/contracts/${c.id}/complete`);
    expect(done.body.status).toBe('completed');
    expect((await as('manager').post(`/api/contracts/${c.id}/cancel`).send({ reason: '客户取消' })).status).toBe(409);
    expect((await as('manager').post(`/api/contracts/${draft.id}/cancel`).send({ reason: '客户取消' })).body.status).toBe('cancelled');
  });

  it('shows production users no price field on a contract, the list or the changes, and lets them write nothing', async () => {
    const c = await approvedContract();
    await as('backoffice')
      .post(`/api/contracts/${c.id}/changes`)
      .send({ operations: [{ op: 'add', line: { productId: products['NDM-137'], qty: '1' } }], reason: '加一套' });
    const one = await as('production').get(`/api/contracts/${c.id}`);
    expect(one.status).toBe(200);
    expect(priceKeys(one.body)).toEqual([]);
    expect(one.body).not.toHaveProperty('paymentTerms');
    expect(one.body).not.toHaveProperty('review');
    expect(one.body.lines[0]).toMatchObject({ productCode: 'LDG-50', qty: '3' });
    expect(one.body.lines[0]).not.toHaveProperty('taxRate');
    const list = await as('production').get('/api/contracts');
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(priceKeys(list.body)).toEqual([]);
    const changes = await as('production').get(`/api/contracts/${c.id}/changes`);
    expect(changes.body).toHaveLength(1);
    expect(priceKeys(changes.body)).toEqual([]);
    expect((await as('production').post('/api/contracts').send({ quotationId: c.id, signingDate: '2026-06-01' })).status).toBe(403);
    expect((await as('production').post(`/api/contracts/${c.id}/review`)).status).toBe(403);
    expect((await as('production').get('/api/contracts/not-a-uuid')).status).toBe(400);
  });
});
