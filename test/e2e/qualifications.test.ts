import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays } from '../../src/common/tabular/date-only.js';
import { QualificationsService } from '../../src/modules/qualifications/qualifications.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('qualifications (资质) on the real PostgreSQL server', () => {
  let t: TestApp;
  let backoffice: string;
  let sales: string;
  let production: string;

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object) => t.http().post(path).auth(token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) => t.http().patch(path).auth(token, { type: 'bearer' }).send(body),
    delete: (path: string) => t.http().delete(path).auth(token, { type: 'bearer' }),
  });
  const count = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM qualifications'))[0].n);
  const create = async (body: object) => {
    const res = await as(backoffice).post('/api/qualifications', body);
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; status: string };
  };
  const radiation = {
    type: 'industry_permit',
    name: '辐射安全许可证',
    number: '苏环辐证[E0417]',
    issuer: '江苏省生态环境厅',
    grade: '销售、使用Ⅴ类放射源',
    validFrom: '2023-05-01',
    validTo: '2028-04-30',
  };

  beforeAll(async () => {
    t = await startTestApp('qualifications');
    backoffice = (await t.userWith(['backoffice'])).token;
    sales = (await t.userWith(['sales'])).token;
    production = (await t.userWith(['production'])).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, reads, updates and deletes a qualification, auditing each change', async () => {
    const created = await as(backoffice).post('/api/qualifications', radiation);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...radiation,
      notes: null,
      scans: [],
      status: expect.any(String),
      statusOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const id = created.body.id as string;

    const read = await as(production).get(`/api/qualifications/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject(radiation);

    const updated = await as(backoffice).patch(`/api/qualifications/${id}`, {
      validTo: '2029-04-30',
      notes: '已延续',
      number: null,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      validTo: '2029-04-30',
      notes: '已延续',
      number: null,
      name: '辐射安全许可证',
    });
    expect((await t.db.query('SELECT valid_to::text AS v FROM qualifications WHERE id = $1', [id]))[0].v).toBe(
      '2029-04-30',
    );

    const removed = await as(backoffice).delete(`/api/qualifications/${id}`);
    expect(removed.status).toBe(200);
    expect((await as(sales).get(`/api/qualifications/${id}`)).body.error.code).toBe('QUALIFICATION_NOT_FOUND');

    const audit = await t
      .http()
      .get(`/api/audit?entityType=qualification&entityId=${id}`)
      .auth(t.adminToken, { type: 'bearer' });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'qualification.create',
      'qualification.delete',
      'qualification.update',
    ]);
  });

  it('refuses bad fields by name and writes nothing', async () => {
    const before = await count();
    const res = await as(backoffice).post('/api/qualifications', {
      type: 'licence',
      name: ' ',
      validFrom: '2024-02-30',
      validTo: 'soon',
      extra: 1,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'extra',
      'name',
      'type',
      'validFrom',
      'validTo',
    ]);

    const reversed = await as(backoffice).post('/api/qualifications', {
      ...radiation,
      validFrom: '2025-01-02',
      validTo: '2025-01-01',
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.details.fields).toEqual([
      { field: 'validTo', messages: ['validTo must not be before validFrom'] },
    ]);

    const { id } = await create(radiation);
    const patched = await as(backoffice).patch(`/api/qualifications/${id}`, { validFrom: '2030-01-01' });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details.fields[0].field).toBe('validTo');
    const nulled = await as(backoffice).patch(`/api/qualifications/${id}`, { name: null });
    expect(nulled.status).toBe(400);
    expect((await as(backoffice).get(`/api/qualifications/${id}`)).body.validFrom).toBe('2023-05-01');
    expect(await count()).toBe(before + 1);
  });

  it('lets every role read and only admin and back office write', async () => {
    const before = await count();
    expect((await as(sales).post('/api/qualifications', radiation)).status).toBe(403);
    expect((await as(production).post('/api/qualifications', radiation)).status).toBe(403);
    expect(await count()).toBe(before);
    expect((await as(production).get('/api/qualifications')).status).toBe(200);
    expect((await as(t.adminToken).post('/api/qualifications', { ...radiation, name: '管理员录入' })).status).toBe(201);
  });

  it('filters by type, status and Chinese text, and pages', async () => {
    const tag = '筛选测试';
    await create({
      type: 'iso9001',
      name: `${tag} ISO 9001 质量管理体系认证证书`,
      issuer: '中国质量认证中心',
      validFrom: '2024-01-01',
      validTo: '2027-01-01',
    });
    await create({
      type: 'iso14001',
      name: `${tag} 环境管理体系认证证书`,
      validFrom: '2021-01-01',
      validTo: '2024-01-01',
    });
    await create({
      type: 'credit_rating',
      name: `${tag} AAA级信用企业证书`,
      grade: 'AAA',
      validFrom: '2025-01-01',
      validTo: '2026-12-31',
    });

    const q = (params: string) =>
      as(sales).get(`/api/qualifications?q=${encodeURIComponent(tag)}&asOf=2025-06-01&${params}`);
    expect((await q('')).body.total).toBe(3);
    expect((await q('type=iso9001')).body.items.map((i: { type: string }) => i.type)).toEqual(['iso9001']);
    expect((await q('status=expired')).body.items.map((i: { name: string }) => i.name)).toEqual([
      `${tag} 环境管理体系认证证书`,
    ]);
    expect(
      (await as(sales).get(`/api/qualifications?q=${encodeURIComponent('质量认证中心')}`)).body.items[0].issuer,
    ).toBe('中国质量认证中心');
    expect((await as(sales).get(`/api/qualifications?q=AAA`)).body.items[0].grade).toBe('AAA');

    const page1 = (await q('pageSize=2&page=1')).body;
    const page2 = (await q('pageSize=2&page=2')).body;
    expect([page1.total, page1.items.length, page2.items.length]).toEqual([3, 2, 1]);
    expect(new Set([...page1.items, ...page2.items].map((i: { id: string }) => i.id)).size).toBe(3);

    expect((await as(sales).get('/api/qualifications?status=lapsed')).status).toBe(400);
    expect((await as(sales).get('/api/qualifications?validOn=2025-06-01&asOf=2025-06-02')).status).toBe(400);
  });

  it('keeps only those in force with validOn', async () => {
    const tag = '有效日测试';
    await create({ type: 'iso45001', name: `${tag} 已过期`, validFrom: '2020-01-01', validTo: '2025-05-31' });
    await create({ type: 'iso45001', name: `${tag} 有效`, validFrom: '2024-01-01', validTo: '2027-05-31' });
    await create({ type: 'iso45001', name: `${tag} 即将到期`, validFrom: '2022-01-01', validTo: '2025-06-30' });
    await create({ type: 'iso45001', name: `${tag} 尚未生效`, validFrom: '2025-07-01', validTo: '2028-06-30' });
    await create({ type: 'business_licence', name: `${tag} 长期`, validFrom: '2015-01-01' });
    const res = await as(sales).get(`/api/qualifications?validOn=2025-06-01&q=${encodeURIComponent(tag)}`);
    const byName = Object.fromEntries(
      res.body.items.map((i: { name: string; status: string }) => [i.name.replace(`${tag} `, ''), i.status]),
    );
    expect(byName).toEqual({ 有效: 'valid', 即将到期: 'expiring', 长期: 'valid' });
    expect(res.body.items.every((i: { statusOn: string }) => i.statusOn === '2025-06-01')).toBe(true);
  });

  describe('status around the boundary day (validTo is the last valid day, inclusive)', () => {
    const validTo = '2026-06-30';
    const tag = '边界日测试';
    let id: string;
    beforeAll(async () => {
      ({ id } = await create({
        type: 'product_certificate',
        name: `${tag} 防爆合格证`,
        validFrom: '2021-07-01',
        validTo,
      }));
    });

    // The list filters in SQL, the view derives in TypeScript: each case checks both agree.
    const statusOn = async (day: string, days?: number) => {
      const extra = days === undefined ? '' : `&expiringWithinDays=${days}`;
      const all = await as(sales).get(`/api/qualifications?asOf=${day}&q=${encodeURIComponent(tag)}${extra}`);
      const item = all.body.items.find((i: { id: string }) => i.id === id);
      const filtered = await as(sales).get(
        `/api/qualifications?asOf=${day}&q=${encodeURIComponent(tag)}&status=${item.status}${extra}`,
      );
      expect(filtered.body.items.map((i: { id: string }) => i.id)).toContain(id);
      return { status: item.status as string, daysLeft: item.daysLeft as number };
    };
    const renewal = async (day: string, days = 60) =>
      (await as(sales).get(`/api/qualifications/expiring?days=${days}&asOf=${day}`)).body
        .map((i: { id: string }) => i.id)
        .includes(id);

    it('is expiring on validTo itself, with 0 days left', async () => {
      expect(await statusOn(validTo)).toEqual({ status: 'expiring', daysLeft: 0 });
      expect(await renewal(validTo)).toBe(true);
    });

    it('is expired from validTo + 1', async () => {
      expect(await statusOn(addDays(validTo, 1))).toEqual({ status: 'expired', daysLeft: -1 });
      expect(await renewal(addDays(validTo, 1))).toBe(true);
    });

    it('is expiring from exactly validTo - N (N = 60 by default)', async () => {
      expect(await statusOn(addDays(validTo, -60))).toEqual({ status: 'expiring', daysLeft: 60 });
      expect(await renewal(addDays(validTo, -60))).toBe(true);
    });

    it('is valid on validTo - N - 1 and off the renewal list', async () => {
      expect(await statusOn(addDays(validTo, -61))).toEqual({ status: 'valid', daysLeft: 61 });
      expect(await renewal(addDays(validTo, -61))).toBe(false);
    });

    it('moves the boundary with expiringWithinDays / days', async () => {
      expect((await statusOn(addDays(validTo, -90), 90)).status).toBe('expiring');
      expect((await statusOn(addDays(validTo, -91), 90)).status).toBe('valid');
      expect(await renewal(addDays(validTo, -90), 90)).toBe(true);
      expect(await renewal(addDays(validTo, -91), 90)).toBe(false);
    });

    it('is not yet valid the day before validFrom', async () => {
      expect((await statusOn('2021-06-30')).status).toBe('not_yet_valid');
    });
  });

  it('gives the renewal list soonest first, the expired ones included', async () => {
    const tag = '续期清单';
    await create({ type: 'other', name: `${tag} 30天后`, validFrom: '2020-01-01', validTo: '2031-01-31' });
    await create({ type: 'other', name: `${tag} 已过期`, validFrom: '2020-01-01', validTo: '2030-12-01' });
    await create({ type: 'other', name: `${tag} 5天后`, validFrom: '2020-01-01', validTo: '2031-01-06' });
    await create({ type: 'other', name: `${tag} 一年后`, validFrom: '2020-01-01', validTo: '2032-01-01' });
    const res = await as(production).get('/api/qualifications/expiring?asOf=2031-01-01');
    expect(res.status).toBe(200);
    const ours = res.body.filter((i: { name: string }) => i.name.startsWith(tag));
    expect(ours.map((i: { name: string; status: string }) => [i.name.replace(`${tag} `, ''), i.status])).toEqual([
      ['已过期', 'expired'],
      ['5天后', 'expiring'],
      ['30天后', 'expiring'],
    ]);
  });

  it('answers a tender check per type: in force on the date, expired, not yet valid', async () => {
    const tag = '投标检查';
    await create({ type: 'iso9001', name: `${tag} 9001 有效`, validFrom: '2024-01-01', validTo: '2040-01-01' });
    await create({ type: 'iso14001', name: `${tag} 14001 过期`, validFrom: '2020-01-01', validTo: '2039-12-31' });
    const check = await t.app
      .get(QualificationsService)
      .validOn(['iso9001', 'iso14001', 'credit_rating'], '2040-01-01');
    const names = (list: { name: string }[]) => list.map((q) => q.name).filter((n) => n.startsWith(tag));
    expect(check.map((c) => c.type)).toEqual(['iso9001', 'iso14001', 'credit_rating']);
    expect(names(check[0].valid)).toEqual([`${tag} 9001 有效`]);
    expect(names(check[1].valid)).toEqual([]);
    expect(names(check[1].expired)).toEqual([`${tag} 14001 过期`]);
    expect(check[0].valid.find((q) => q.name === `${tag} 9001 有效`)?.status).toBe('expiring');
  });
});
