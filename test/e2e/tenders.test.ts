import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { TendersService } from '../../src/modules/tenders/tenders.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

interface Named {
  id: string;
  name: string;
  type: string;
}
interface Record {
  id: string;
  projectName: string;
  industry: string;
  contractAmount: string;
  completedDate: string | null;
}

const EXPIRED_ISO45001 = 'ISO 45001:2018 职业健康安全管理体系认证证书';
const EXPIRED_EX_CERT = '防爆合格证（本安型雷达物位计）';
const ISO14001 = 'ISO 14001:2015 环境管理体系认证证书';

/** Tenders (招标) on the demo data (DEMO_DATA=true) and the real PostgreSQL server. */
describe('tenders: requirements, matching and selection', () => {
  let t: TestApp;
  let backoffice: string;
  let sales: string;
  let salesId: string;
  let finance: string;
  let production: string;
  let engineering: string;
  let quotationId: string;
  let qualifications: Named[];
  let records: Record[];
  let tenderId: string;

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object) => t.http().post(path).auth(token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) => t.http().patch(path).auth(token, { type: 'bearer' }).send(body),
    put: (path: string, body: object) => t.http().put(path).auth(token, { type: 'bearer' }).send(body),
  });
  const rows = async (table: string) =>
    Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const qid = (name: string) => qualifications.find((q) => q.name === name)!.id;
  const today = todayIso();
  // No offset: 10:00 on that day in the server's time zone (this process is the server).
  const deadline = `${addDays(today, 20)}T10:00:00`;

  const body = (over: object = {}) => ({
    tenderNo: 'ZB-E2E-001',
    projectName: '炼钢厂转炉煤气回收仪表改造',
    lot: '第二标段',
    buyer: '青澜钢铁集团有限公司',
    agency: '江苏中诚招标代理有限公司',
    deadline,
    bidValidityDays: 30,
    bidBond: { amount: '15000', form: 'bank_guarantee', bank: '中国银行苏州分行', status: 'to_pay' },
    quotationId,
    // The tenders this test works on are the sales user's (a sales user reaches only their own: auth/ownership.ts).
    salesOwnerId: salesId,
    requirements: {
      qualificationTypes: [
        'business_licence',
        'iso9001',
        'iso14001',
        'iso45001',
        'industry_permit',
        'product_certificate',
        'credit_rating',
      ],
      performance: { industry: 'steel', minAmount: '500000', completedWithinYears: 3, minCount: 3 },
      deviations: [{ clause: '3.1', requirement: 'IP65', response: 'IP67', deviation: 'positive' }],
    },
    ...over,
  });

  beforeAll(async () => {
    t = await startTestApp('tenders', { DEMO_DATA: 'true' });
    [backoffice, sales, finance, production, engineering] = await Promise.all(
      ['backoffice', 'sales', 'finance', 'production', 'engineering'].map(async (r) => (await t.userWith([r])).token),
    );
    const quotation = (await as(t.adminToken).get('/api/quotations?status=sent')).body.items[0];
    quotationId = quotation.id;
    // The sales user owns the quotation's customer, so the quotation and the tenders bidding with it are theirs.
    salesId = (await as(sales).get('/api/users/me')).body.id;
    const owned = await as(backoffice).patch(`/api/customers/${quotation.customer.id}`, { salesOwnerId: salesId });
    expect(owned.status).toBe(200);
    qualifications = (await as(t.adminToken).get('/api/qualifications?pageSize=200')).body.items;
    records = (await as(t.adminToken).get('/api/performance?pageSize=200')).body.items;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('loads a demo tender whose candidates block on exactly the two expired demo qualifications', async () => {
    const list = await as(finance).get('/api/tenders');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    const demo = list.body.items[0];
    expect(demo).toMatchObject({
      buyer: '青澜钢铁集团有限公司',
      status: 'preparing',
      deadlineDate: addDays(today, 20),
      quotation: { id: quotationId, number: expect.stringMatching(/^Q\d{4}-\d{4}$/) },
      bidBond: { amount: '20000.00', form: 'bank_transfer', status: 'to_pay' },
    });
    expect(demo.requirements.deviations).toHaveLength(3);
    const c = (await as(finance).get(`/api/tenders/${demo.id}/candidates`)).body;
    expect(c.blocking.map((b: { name: string }) => b.name).sort()).toEqual([EXPIRED_ISO45001, EXPIRED_EX_CERT].sort());
    expect(c.missingTypes).toEqual(['iso45001']);
    expect(c.performance).toMatchObject({ minCount: 3, minCountMet: true });
  });

  it('creates a tender and reports the expired qualifications as blocking and the early-expiring ISO 14001 as a warning', async () => {
    const res = await as(backoffice).post('/api/tenders', body());
    expect(res.status).toBe(201);
    tenderId = res.body.id;
    expect(res.body).toMatchObject({
      status: 'preparing',
      currency: 'CNY', // from the quotation
      deadlineDate: addDays(today, 20),
      validityEndDate: addDays(today, 50),
      bidBond: { amount: '15000.00', form: 'bank_guarantee', status: 'to_pay' },
      language: 'zh-CN',
      selection: { qualificationIds: null, performanceIds: null },
    });
    // Sections default to all of them, in the usual order.
    expect(res.body.requirements.sections[0]).toBe('cover');
    expect(res.body.requirements.sections).toHaveLength(10);
    expect(res.body.requirements.deviations[0]).toEqual({
      clause: '3.1',
      requirement: 'IP65',
      response: 'IP67',
      deviation: 'positive',
      note: null,
    });

    const c = (await as(sales).get(`/api/tenders/${tenderId}/candidates`)).body;
    expect(c).toMatchObject({ tenderId, deadlineDate: addDays(today, 20), validityEndDate: addDays(today, 50) });
    expect(c.blocking.map((b: { id: string }) => b.id).sort()).toEqual(
      [qid(EXPIRED_ISO45001), qid(EXPIRED_EX_CERT)].sort(),
    );
    expect(c.warnings).toEqual([
      expect.objectContaining({ id: qid(ISO14001), type: 'iso14001', validTo: addDays(today, 40) }),
    ]);
    expect(c.warnings[0].message).toContain(addDays(today, 50));
    expect(c.missingTypes).toEqual(['iso45001']);

    const byType = (type: string) => c.qualifications.find((q: { type: string }) => q.type === type);
    expect(c.qualifications.map((q: { type: string }) => q.type)).toEqual(body().requirements.qualificationTypes);
    const certs = byType('product_certificate');
    expect(certs.valid.map((q: Named) => q.name)).toEqual([
      'SIL2功能安全认证证书（压力变送器）',
      'CE认证证书（电磁流量计）',
      '防爆合格证（隔爆型压力变送器）',
      '计量器具型式批准证书（压力变送器）',
    ]);
    expect(certs.expired).toEqual([expect.objectContaining({ name: EXPIRED_EX_CERT, blocking: true, selected: true })]);
    expect(byType('iso14001')).toMatchObject({
      missing: false,
      valid: [{ name: ISO14001, warning: true, blocking: false, statusOn: addDays(today, 20) }],
      expiringBeforeValidityEnd: [{ name: ISO14001 }],
    });
    expect(byType('iso45001')).toMatchObject({ missing: true, valid: [], expired: [{ name: EXPIRED_ISO45001 }] });
    // The proposal: every qualification of every required type, the expired ones too.
    expect(c.proposedQualificationIds).toHaveLength(11);
    expect(c.proposedQualificationIds).toEqual(expect.arrayContaining([qid(EXPIRED_ISO45001), qid(EXPIRED_EX_CERT)]));
  });

  it('matches steel references of ¥500,000+ completed within 3 years, best first, and checks minCount', async () => {
    const c = (await as(sales).get(`/api/tenders/${tenderId}/candidates`)).body;
    const asOf = addDays(today, 20);
    const from = `${Number(asOf.slice(0, 4)) - 3}${asOf.slice(4)}`;
    const expected = records
      .filter((r) => r.industry === 'steel' && Number(r.contractAmount) >= 500000)
      .filter((r) => r.completedDate !== null && r.completedDate >= from && r.completedDate <= asOf)
      .sort((a, b) => (a.completedDate! < b.completedDate! ? 1 : -1));
    expect(expected.length).toBe(3);
    expect(c.performance.matches.map((m: Record) => m.id)).toEqual(expected.map((r) => r.id));
    expect(c.performance.matches[0].projectName).toBe('华北钢铁集团3号高炉本体仪表改造项目');
    expect(c.performance).toMatchObject({ minCount: 3, minCountMet: true, proposedIds: expected.map((r) => r.id) });
    expect(c.performance.matches.every((m: { selected: boolean }) => m.selected)).toBe(true);

    const withMin = async (minCount: number) => {
      const res = await as(backoffice).patch(`/api/tenders/${tenderId}`, {
        requirements: { performance: { industry: 'steel', minAmount: '500000', completedWithinYears: 3, minCount } },
      });
      expect(res.status).toBe(200);
      return (await as(sales).get(`/api/tenders/${tenderId}/candidates`)).body.performance;
    };
    expect(await withMin(4)).toMatchObject({ minCount: 4, minCountMet: false, proposedIds: expected.map((r) => r.id) });
    expect(await withMin(2)).toMatchObject({ minCount: 2, minCountMet: true });
    // Any industry within 3 years: more than five match, the best five are proposed.
    const wide = await as(backoffice).patch(`/api/tenders/${tenderId}`, {
      requirements: { performance: { completedWithinYears: 3, minCount: 2 } },
    });
    expect(wide.status).toBe(200);
    const all = (await as(sales).get(`/api/tenders/${tenderId}/candidates`)).body.performance;
    expect(all.matches.length).toBeGreaterThan(5);
    expect(all.proposedIds).toEqual(all.matches.slice(0, 5).map((m: Record) => m.id));
    const dates = all.matches.map((m: Record) => m.completedDate ?? '');
    expect(dates).toEqual([...dates].sort().reverse());
    await withMin(3);
  });

  it('takes a selection by hand: without the expired ones nothing blocks, the type nobody holds stays missing', async () => {
    const c = (await as(sales).get(`/api/tenders/${tenderId}/candidates`)).body;
    const blocked = new Set(c.blocking.map((b: { id: string }) => b.id));
    const picked = c.proposedQualificationIds.filter((id: string) => !blocked.has(id));
    const hitech = qualifications.find((q) => q.type === 'other')!.id; // a type the tender does not ask for
    const res = await as(backoffice).put(`/api/tenders/${tenderId}/selection`, {
      qualificationIds: [...picked, hitech],
    });
    expect(res.status).toBe(200);
    expect(res.body.blocking).toEqual([]);
    expect(res.body.missingTypes).toEqual(['iso45001']);
    expect(res.body.warnings.map((w: { id: string }) => w.id)).toEqual([qid(ISO14001)]);
    const iso45 = res.body.qualifications.find((q: { type: string }) => q.type === 'iso45001');
    expect(iso45.expired[0]).toMatchObject({ blocking: true, selected: false });
    expect((await as(finance).get(`/api/tenders/${tenderId}`)).body.selection).toEqual({
      qualificationIds: [...picked, hitech],
      performanceIds: null,
    });

    // What the package builder gets: the hand-picked order, credit ratings apart, the proposed references.
    const input = await t.app.get(TendersService).packageInput(tenderId);
    const credit = qualifications.find((q) => q.type === 'credit_rating')!.id;
    expect(input.credit.map((q) => q.id)).toEqual([credit]);
    expect(input.qualifications.map((q) => q.id)).toEqual([...picked, hitech].filter((id) => id !== credit));
    expect(input.performance.map((r) => r.id)).toEqual(c.performance.proposedIds);
    expect(input).toMatchObject({ blocking: [], missingTypes: ['iso45001'], tender: { id: tenderId } });
  });

  it('refuses unknown ids with 422 and changes nothing', async () => {
    const before = (await as(finance).get(`/api/tenders/${tenderId}`)).body.selection;
    const audit = await rows('audit_log');
    const ghost = '00000000-0000-4000-8000-000000000001';
    const q = await as(backoffice).put(`/api/tenders/${tenderId}/selection`, {
      qualificationIds: [qid(ISO14001), ghost],
      performanceIds: null,
    });
    expect(q.status).toBe(422);
    expect(q.body.error).toMatchObject({ code: 'UNKNOWN_QUALIFICATION', details: { ids: [ghost] } });
    const p = await as(backoffice).put(`/api/tenders/${tenderId}/selection`, { performanceIds: [ghost] });
    expect(p.status).toBe(422);
    expect(p.body.error.code).toBe('UNKNOWN_PERFORMANCE_RECORD');
    const dup = await as(backoffice).put(`/api/tenders/${tenderId}/selection`, { performanceIds: [ghost, ghost] });
    expect(dup.status).toBe(400);
    expect((await as(finance).get(`/api/tenders/${tenderId}`)).body.selection).toEqual(before);
    expect(await rows('audit_log')).toBe(audit);
  });

  it('counts only hand-picked references that meet the criteria, and goes back to the proposal on null', async () => {
    const c = (await as(sales).get(`/api/tenders/${tenderId}/candidates`)).body;
    const water = records.find((r) => r.industry === 'water')!;
    const [first, second] = c.performance.proposedIds;
    const res = await as(sales).put(`/api/tenders/${tenderId}/selection`, {
      performanceIds: [water.id, first, second],
    });
    expect(res.status).toBe(200);
    expect(res.body.performance.minCountMet).toBe(false); // 2 matching of 3 wanted; the water project does not count
    expect(res.body.performance.matches.filter((m: { selected: boolean }) => m.selected)).toHaveLength(2);
    const input = await t.app.get(TendersService).packageInput(tenderId);
    expect(input.performance.map((r) => r.id)).toEqual([water.id, first, second]);

    const back = await as(sales).put(`/api/tenders/${tenderId}/selection`, {
      qualificationIds: null,
      performanceIds: null,
    });
    expect(back.body.performance.minCountMet).toBe(true);
    expect(back.body.blocking).toHaveLength(2);
  });

  it('refuses bad input with stable codes and writes no row', async () => {
    const tenders = await rows('tenders');
    const audit = await rows('audit_log');
    const reqs = body().requirements;
    const cases: [object, number, string, string?][] = [
      [
        { requirements: { ...reqs, sections: ['cover', 'bid_letter', 'appendix'] } },
        400,
        'VALIDATION_FAILED',
        'requirements.sections',
      ],
      [{ requirements: { ...reqs, sections: ['cover', 'toc'] } }, 400, 'VALIDATION_FAILED', 'requirements.sections'],
      [
        { requirements: { ...reqs, sections: ['bid_letter', 'bid_letter'] } },
        400,
        'VALIDATION_FAILED',
        'requirements.sections',
      ],
      [
        { requirements: { ...reqs, qualificationTypes: ['iso9999'] } },
        400,
        'VALIDATION_FAILED',
        'requirements.qualificationTypes',
      ],
      [
        { requirements: { ...reqs, qualificationTypes: ['iso9001', 'iso9001'] } },
        400,
        'VALIDATION_FAILED',
        'requirements.qualificationTypes',
      ],
      [
        {
          requirements: { ...reqs, deviations: [{ clause: '1', requirement: 'a', response: 'b', deviation: 'worse' }] },
        },
        400,
        'VALIDATION_FAILED',
        'requirements.deviations[0].deviation',
      ],
      [
        { requirements: { ...reqs, performance: { minAmount: '-5', minCount: 1 } } },
        400,
        'VALIDATION_FAILED',
        'requirements.performance.minAmount',
      ],
      [{ bidBond: { amount: '-100.00', status: 'to_pay' } }, 400, 'VALIDATION_FAILED', 'bidBond.amount'],
      [{ bidBond: { amount: 15000 } }, 400, 'VALIDATION_FAILED', 'bidBond.amount'],
      [{ bidValidityDays: 0 }, 400, 'VALIDATION_FAILED', 'bidValidityDays'],
      [{ bidValidityDays: 366 }, 400, 'VALIDATION_FAILED', 'bidValidityDays'],
      [{ currency: 'rmb' }, 400, 'VALIDATION_FAILED', 'currency'],
      [{ language: 'fr' }, 400, 'VALIDATION_FAILED', 'language'],
      [{ deadline: '2026-02-30T09:00:00' }, 400, 'VALIDATION_FAILED', 'deadline'],
      [{ deadline: '2026-06-30' }, 400, 'VALIDATION_FAILED', 'deadline'],
      [{ tenderNo: '' }, 400, 'VALIDATION_FAILED', 'tenderNo'],
      [{ surprise: true }, 400, 'VALIDATION_FAILED', 'surprise'],
      [{ quotationId: '00000000-0000-4000-8000-000000000002' }, 422, 'QUOTATION_NOT_FOUND'],
      [{ salesOwnerId: '00000000-0000-4000-8000-000000000003' }, 422, 'USER_NOT_FOUND'],
      [{ currency: 'USD' }, 422, 'CURRENCY_MISMATCH'],
    ];
    for (const [over, status, code, field] of cases) {
      const res = await as(backoffice).post('/api/tenders', body(over));
      expect({ over, status: res.status, code: res.body.error?.code }).toEqual({ over, status, code });
      if (field) {
        expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      }
    }
    const patch = await as(backoffice).patch(`/api/tenders/${tenderId}`, { projectName: null });
    expect(patch.status).toBe(400);
    const patchSections = await as(backoffice).patch(`/api/tenders/${tenderId}`, { requirements: { sections: null } });
    expect(patchSections.status).toBe(400);
    expect(await rows('tenders')).toBe(tenders);
    expect(await rows('audit_log')).toBe(audit);
    expect((await as(finance).get('/api/tenders/00000000-0000-4000-8000-000000000004')).body.error.code).toBe(
      'TENDER_NOT_FOUND',
    );
    expect((await as(finance).get('/api/tenders/not-a-uuid')).body.error.code).toBe('INVALID_ID');
  });

  it('lists tenders by deadline with search and filters', async () => {
    const owner = await t.userWith(['sales'], '赵磊');
    const later = await as(backoffice).post(
      '/api/tenders',
      body({
        tenderNo: 'HS-2026-077',
        buyer: '华东海晟石化有限公司',
        projectName: '常减压装置流量计更新',
        deadline: `${addDays(today, 45)}T09:30:00+08:00`,
        quotationId: null,
        salesOwnerId: owner.id,
        language: 'en',
        bidValidityDays: 365,
        bidBond: null,
      }),
    );
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ quotation: null, salesOwner: { id: owner.id, name: '赵磊' }, language: 'en' });
    expect(later.body.bidBond).toEqual({ amount: null, form: null, bank: null, status: 'not_required' });
    const list = async (query: string) =>
      (await as(finance).get(`/api/tenders?${query}`)).body.items.map((i: { tenderNo: string }) => i.tenderNo);
    expect(await list('')).toEqual(['QLGT-ZB-2026-0153', 'ZB-E2E-001', 'HS-2026-077']);
    expect(await list('order=desc')).toEqual(['HS-2026-077', 'ZB-E2E-001', 'QLGT-ZB-2026-0153']);
    expect(await list(`q=${encodeURIComponent('海晟')}`)).toEqual(['HS-2026-077']);
    expect(await list('q=zb-e2e')).toEqual(['ZB-E2E-001']);
    expect(await list('q=%25')).toEqual([]);
    expect(await list(`deadlineFrom=${addDays(today, 30)}`)).toEqual(['HS-2026-077']);
    expect(await list(`deadlineFrom=${addDays(today, 20)}&deadlineTo=${addDays(today, 20)}`)).toEqual([
      'QLGT-ZB-2026-0153',
      'ZB-E2E-001',
    ]);
    expect(await list(`salesOwnerId=${owner.id}`)).toEqual(['HS-2026-077']);
    expect(await list('status=submitted')).toEqual([]);
    const page = (await as(finance).get('/api/tenders?pageSize=2&page=2')).body;
    expect(page).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page.items).toHaveLength(1);
    expect((await as(finance).get('/api/tenders?status=open')).status).toBe(400);
    // In English, warnings are in English.
    const c = (await as(owner.token).get(`/api/tenders/${later.body.id}/candidates`)).body;
    expect(c.warnings.length).toBeGreaterThan(0);
    expect(c.warnings[0].message).toMatch(/expires on .* before the bid validity ends/);
  });

  it('moves along its life and locks what was handed in, bid bond status and notes excepted', async () => {
    const service = t.app.get(TendersService);
    await service.setStatus({ id: null, name: 'system' }, tenderId, 'generated');
    expect((await as(finance).get(`/api/tenders/${tenderId}`)).body.status).toBe('generated');
    const generatedAgain = await service.setStatus({ id: null, name: 'system' }, tenderId, 'generated');
    expect(generatedAgain).toBeUndefined();
    expect((await as(sales).post(`/api/tenders/${tenderId}/status`, { status: 'generated' })).status).toBe(400);
    expect((await as(sales).post(`/api/tenders/${tenderId}/status`, { status: 'won' })).body.error.code).toBe(
      'INVALID_TRANSITION',
    );
    const submitted = await as(sales).post(`/api/tenders/${tenderId}/status`, { status: 'submitted' });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');

    const locked = await as(backoffice).patch(`/api/tenders/${tenderId}`, {
      projectName: '改名',
      bidBond: { amount: '1' },
    });
    expect(locked.status).toBe(409);
    expect(locked.body.error).toMatchObject({
      code: 'TENDER_LOCKED',
      details: { fields: ['projectName', 'bidBond.amount'] },
    });
    expect((await as(backoffice).put(`/api/tenders/${tenderId}/selection`, { performanceIds: null })).status).toBe(409);
    const bond = await as(backoffice).patch(`/api/tenders/${tenderId}`, {
      bidBond: { status: 'paid' },
      notes: '保证金已于截止前到账',
    });
    expect(bond.status).toBe(200);
    expect(bond.body).toMatchObject({ bidBond: { status: 'paid', amount: '15000.00' }, notes: '保证金已于截止前到账' });

    const lost = await as(sales).post(`/api/tenders/${tenderId}/status`, { status: 'lost', reason: '价格分第二' });
    expect(lost.body.status).toBe('lost');
    expect((await as(sales).post(`/api/tenders/${tenderId}/status`, { status: 'cancelled' })).status).toBe(409);

    const audit = await t.db.query<{ action: string; actor_name: string; details: { to?: string; reason?: string } }>(
      'SELECT action, actor_name, details FROM audit_log WHERE entity_id = $1 ORDER BY id',
      [tenderId],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'tender.create',
      'tender.update',
      'tender.update',
      'tender.update',
      'tender.update',
      'tender.selection',
      'tender.selection',
      'tender.selection',
      'tender.status',
      'tender.status',
      'tender.update',
      'tender.status',
    ]);
    expect(audit.at(-1)!.details).toMatchObject({ to: 'lost', reason: '价格分第二' });
  });

  it('refuses a quotation the customer rejected', async () => {
    const rejected = await as(sales).post(`/api/quotations/${quotationId}/reject`, { reason: '选了别家' });
    expect(rejected.status).toBe(200);
    const before = await rows('tenders');
    const res = await as(sales).post('/api/tenders', body({ tenderNo: 'ZB-E2E-REJ' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('QUOTATION_REJECTED');
    expect(await rows('tenders')).toBe(before);
  });

  it('gives production and engineering 403 on every tender route, and finance 403 on writes', async () => {
    const id = tenderId;
    const routes: [string, string, object?][] = [
      ['post', '/api/tenders', body()],
      ['get', '/api/tenders'],
      ['get', `/api/tenders/${id}`],
      ['patch', `/api/tenders/${id}`, { notes: 'x' }],
      ['get', `/api/tenders/${id}/candidates`],
      ['put', `/api/tenders/${id}/selection`, { qualificationIds: null }],
      ['post', `/api/tenders/${id}/status`, { status: 'cancelled' }],
    ];
    const before = await rows('audit_log');
    for (const token of [production, engineering]) {
      for (const [method, path, payload] of routes) {
        const res = await t
          .http()
          [method as 'get'](path)
          .auth(token, { type: 'bearer' })
          .send(payload ?? {});
        expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({
          method,
          path,
          status: 403,
          code: 'FORBIDDEN',
        });
      }
    }
    for (const [method, path, payload] of routes.filter(([m]) => m !== 'get')) {
      const res = await t
        .http()
        [method as 'post'](path)
        .auth(finance, { type: 'bearer' })
        .send(payload ?? {});
      expect(res.status).toBe(403);
    }
    expect(await rows('audit_log')).toBe(before);
  });
});
