import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * Issue #14, "Other owners' records": a sales user PATCHed a tender whose sales owner is someone else and got 200.
 * One ownership policy: a sales user reaches only their own customers' and tenders' records (403 NOT_YOUR_RECORD,
 * nothing changed); the other roles keep seeing everything; SALES_SEE_ALL_RECORDS=true lifts the binding.
 */
describe('ownership: a sales user reaches only their own records', () => {
  let t: TestApp;
  let backoffice: string;
  let finance: string;
  let s1: { id: string; token: string };
  let s2: { id: string; token: string };
  let s2Tender: string;
  let s1Tender: string;
  let s2Customer: string;

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object) => t.http().post(path).auth(token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) => t.http().patch(path).auth(token, { type: 'bearer' }).send(body),
  });
  const tender = (over: object = {}) => ({
    tenderNo: 'ZB-OWN-001',
    projectName: '炼钢厂仪表改造',
    buyer: '青澜钢铁集团有限公司',
    deadline: `${addDays(todayIso(), 20)}T10:00:00`,
    ...over,
  });
  const snapshot = async () =>
    t.db.query(
      `SELECT (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM tenders t) AS tenders,
              (SELECT md5(string_agg(c::text, ',' ORDER BY id)) FROM customers c) AS customers,
              (SELECT count(*) FROM audit_log) AS audits`,
    );

  beforeAll(async () => {
    t = await startTestApp('ownership');
    backoffice = (await t.userWith(['backoffice'])).token;
    finance = (await t.userWith(['finance'])).token;
    s1 = await t.userWith(['sales'], 'sales.one');
    s2 = await t.userWith(['sales'], 'sales.two');
    const created = await as(backoffice).post('/api/tenders', tender({ salesOwnerId: s2.id }));
    expect(created.status).toBe(201);
    s2Tender = created.body.id;
    const own = await as(backoffice).post('/api/tenders', tender({ tenderNo: 'ZB-OWN-002', salesOwnerId: s1.id }));
    expect(own.status).toBe(201);
    s1Tender = own.body.id;
    const customer = await as(backoffice).post('/api/customers', { name: '别人的客户有限公司', salesOwnerId: s2.id });
    expect(customer.status).toBe(201);
    s2Customer = customer.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it("refuses a sales user's PATCH of another owner's tender with 403 NOT_YOUR_RECORD, changing nothing", async () => {
    const before = await snapshot();
    const res = await as(s1.token).patch(`/api/tenders/${s2Tender}`, { projectName: '改掉别人的项目' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('NOT_YOUR_RECORD');
    // Refused before the body is read: a body that would not validate gets the same answer.
    const invalid = await as(s1.token).patch(`/api/tenders/${s2Tender}`, { projectName: 42 });
    expect([invalid.status, invalid.body.error.code]).toEqual([403, 'NOT_YOUR_RECORD']);
    const status = await as(s1.token).post(`/api/tenders/${s2Tender}/status`, { status: 'cancelled' });
    expect([status.status, status.body.error.code]).toEqual([403, 'NOT_YOUR_RECORD']);
    const taken = await as(s1.token).patch(`/api/tenders/${s2Tender}`, { salesOwnerId: s1.id });
    expect([taken.status, taken.body.error.code]).toEqual([403, 'NOT_YOUR_RECORD']);
    const read = await as(s1.token).get(`/api/tenders/${s2Tender}`);
    expect([read.status, read.body.error.code]).toEqual([403, 'NOT_YOUR_RECORD']);
    expect(await snapshot()).toEqual(before);
    const [row] = await t.db.query<{ project_name: string }>('SELECT project_name FROM tenders WHERE id = $1', [
      s2Tender,
    ]);
    expect(row.project_name).toBe('炼钢厂仪表改造');
  });

  it("lets the tender's own sales owner and the roles that see everything change it", async () => {
    const own = await as(s2.token).patch(`/api/tenders/${s2Tender}`, { projectName: '炼钢厂仪表改造（二期）' });
    expect(own.status).toBe(200);
    expect(own.body.projectName).toBe('炼钢厂仪表改造（二期）');
    const bo = await as(backoffice).patch(`/api/tenders/${s2Tender}`, { notes: '内勤备注' });
    expect(bo.status).toBe(200);
    expect((await as(finance).get(`/api/tenders/${s2Tender}`)).status).toBe(200);
  });

  it('refuses a sales user giving their tender or a new one to another owner; their new tender is theirs', async () => {
    const before = await snapshot();
    const away = await as(s1.token).patch(`/api/tenders/${s1Tender}`, { salesOwnerId: s2.id });
    expect([away.status, away.body.error.code]).toEqual([403, 'NOT_YOUR_RECORD']);
    const forOther = await as(s1.token).post('/api/tenders', tender({ tenderNo: 'ZB-OWN-003', salesOwnerId: s2.id }));
    expect([forOther.status, forOther.body.error.code]).toEqual([403, 'NOT_YOUR_RECORD']);
    expect(await snapshot()).toEqual(before);
    const mine = await as(s1.token).post('/api/tenders', tender({ tenderNo: 'ZB-OWN-004' }));
    expect(mine.status).toBe(201);
    expect(mine.body.salesOwner).toMatchObject({ id: s1.id });
  });

  it("lists only a sales user's own tenders and customers; the other roles see all", async () => {
    const mine = await as(s1.token).get('/api/tenders');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((x: { id: string }) => x.id).sort()).toEqual(
      [
        s1Tender,
        ...(await t.db.query<{ id: string }>("SELECT id FROM tenders WHERE tender_no = 'ZB-OWN-004'")).map((r) => r.id),
      ].sort(),
    );
    const asked = await as(s1.token).get(`/api/tenders?salesOwnerId=${s2.id}`);
    expect([asked.status, asked.body.error.code]).toEqual([403, 'NOT_YOUR_RECORD']);
    expect((await as(backoffice).get('/api/tenders')).body.total).toBe(3);
    expect((await as(s1.token).get('/api/customers')).body.items).toEqual([]);
    const customer = await as(s1.token).get(`/api/customers/${s2Customer}`);
    expect([customer.status, customer.body.error.code]).toEqual([403, 'NOT_YOUR_RECORD']);
  });

  it('answers 404 for a record that does not exist and 400 INVALID_ID for a malformed id, before the body', async () => {
    const none = await as(s1.token).patch('/api/tenders/6f1c2a4e-1b2c-4d3e-8f90-123456789abc', { projectName: 42 });
    expect([none.status, none.body.error.code]).toEqual([404, 'TENDER_NOT_FOUND']);
    const bad = await as(s1.token).patch('/api/tenders/not-a-uuid', { projectName: 'x' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_ID']);
  });
});

describe('ownership: SALES_SEE_ALL_RECORDS=true', () => {
  let t: TestApp;

  afterAll(async () => {
    await t?.close();
  });

  it("lets a sales user read and change another owner's tender", async () => {
    t = await startTestApp('ownership-all', { SALES_SEE_ALL_RECORDS: 'true' });
    const bo = (await t.userWith(['backoffice'])).token;
    const s1 = await t.userWith(['sales']);
    const s2 = await t.userWith(['sales']);
    const created = await t
      .http()
      .post('/api/tenders')
      .auth(bo, { type: 'bearer' })
      .send({
        tenderNo: 'ZB-ALL-001',
        projectName: '水厂仪表',
        buyer: '澄江水务',
        deadline: `${addDays(todayIso(), 20)}T10:00:00`,
        salesOwnerId: s2.id,
      });
    expect(created.status).toBe(201);
    const res = await t
      .http()
      .patch(`/api/tenders/${created.body.id}`)
      .auth(s1.token, { type: 'bearer' })
      .send({ notes: 'x' });
    expect(res.status).toBe(200);
    const list = await t.http().get('/api/tenders').auth(s1.token, { type: 'bearer' });
    expect(list.body.total).toBe(1);
  });
});
