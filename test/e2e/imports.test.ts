import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { startTestApp, type TestApp } from '../support/app.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/records/${name}`, import.meta.url));

const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};

interface Row {
  [key: string]: unknown;
}

/** A record as data: without id, timestamps, derived status and files. */
const data = ({
  id: _id,
  createdAt: _c,
  updatedAt: _u,
  version: _v,
  proofs: _p,
  scans: _s,
  status: _st,
  statusOn: _so,
  daysLeft: _d,
  ...rest
}: Row) => rest;
const byName = (a: Row, b: Row) => String(a.projectName ?? a.name).localeCompare(String(b.projectName ?? b.name));

describe('import and export of qualifications and performance records', () => {
  let t: TestApp;
  let backoffice: string;

  const importFile = (path: string, bytes: Buffer, name: string, query = '', app = t, token = backoffice) =>
    app.http().post(`${path}/import${query}`).auth(token, { type: 'bearer' }).attach('file', bytes, name);
  const count = async (table: string, app = t) =>
    Number((await app.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const all = async (path: string, app = t): Promise<Row[]> =>
    (await app.http().get(`${path}?pageSize=200`).auth(app.adminToken, { type: 'bearer' })).body.items
      .map(data)
      .sort(byName);

  beforeAll(async () => {
    t = await startTestApp('imports');
    backoffice = (await t.userWith(['backoffice'])).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a performance CSV with bad rows with 422, naming each row and field, and writes nothing', async () => {
    const before = await count('performance_records');
    const auditBefore = await count('audit_log');
    const res = await importFile('/api/performance', await fixture('performance-bad.csv'), 'performance-bad.csv');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IMPORT_INVALID');
    expect(res.body.error.message).toBe('3 row(s) of 4 have errors; nothing was imported');
    // Row numbers as in the sheet: the header is row 1, the blank line 5 still counts.
    expect(res.body.error.details.errors.map((e: Row) => [e.row, e.field, e.column])).toEqual([
      [3, 'signedDate', '签订日期'],
      [4, 'contractAmount', '合同金额'],
      [6, 'completedDate', '完工日期'],
    ]);
    expect(res.body.error.details.errors[1].message).toContain('not below 0');
    expect(res.body.error.details).toMatchObject({ format: 'csv', encoding: 'utf-8', rows: 4 });
    expect(await count('performance_records')).toBe(before);
    expect(await count('audit_log')).toBe(auditBefore);
  });

  it('refuses a qualifications CSV with an unknown type and bad dates, and writes nothing', async () => {
    const before = await count('qualifications');
    const res = await importFile(
      '/api/qualifications',
      await fixture('qualifications-bad.csv'),
      'qualifications-bad.csv',
    );
    expect(res.status).toBe(422);
    expect(res.body.error.details.errors.map((e: Row) => [e.row, e.field])).toEqual([
      [3, 'type'],
      [4, 'validTo'],
      [5, 'validFrom'],
    ]);
    expect(res.body.error.details.errors[0].message).toContain('type must be one of the following values');
    expect(await count('qualifications')).toBe(before);
  });

  it('refuses an unknown column once, at the header row', async () => {
    const csv = Buffer.from('项目名称,客户名称,行业,合同金额,签订日期,颜色\n甲,乙,钢铁,1,2024-01-01,红\n');
    const res = await importFile('/api/performance', csv, 'x.csv');
    expect(res.status).toBe(422);
    expect(res.body.error.details.errors).toEqual([
      { row: 1, field: null, column: '颜色', message: expect.stringContaining('Unknown column "颜色"') },
    ]);
  });

  it('validates only on a dry run', async () => {
    const before = await count('performance_records');
    const res = await importFile('/api/performance', await fixture('performance-gb18030.csv'), 'p.csv', '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      format: 'csv',
      encoding: 'gb18030',
      rows: 3,
      errors: [],
      dryRun: true,
      written: 0,
    });
    expect(await count('performance_records')).toBe(before);
  });

  it('imports a GB18030 CSV with Chinese headers as Excel in China saves it, audited once', async () => {
    const bytes = await fixture('performance-gb18030.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const before = await count('performance_records');
    const res = await importFile('/api/performance', bytes, '业绩.csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ encoding: 'gb18030', rows: 3, written: 3, errors: [] });
    expect(await count('performance_records')).toBe(before + 3);

    const found = await t
      .http()
      .get(`/api/performance?q=${encodeURIComponent('宝钢')}`)
      .auth(backoffice, { type: 'bearer' });
    expect(found.body.items.map(data)).toEqual([
      {
        projectName: '宝钢湛江钢铁三号高炉仪表改造项目',
        customerName: '宝钢湛江钢铁有限公司',
        industry: 'steel',
        productLine: '压力变送器',
        contractAmount: '1280000.00',
        currency: 'CNY',
        signedDate: '2023-04-18',
        completedDate: '2024-01-30',
        location: '广东省湛江市',
        scope: '压力变送器86台及调试',
      },
    ]);
    const others = (await all('/api/performance')).filter((r) =>
      ['镇海炼化常减压装置流量计项目', '滇中引水工程泵站液位监测'].includes(String(r.projectName)),
    );
    expect(others.map((r) => [r.industry, r.contractAmount, r.currency, r.signedDate, r.completedDate])).toEqual([
      ['water', '98000.50', 'CNY', '2021-06-01', null],
      ['petrochemical', '356800.00', 'CNY', '2022-03-01', '2022-11-20'],
    ]);

    const audit = await t.http().get('/api/audit?action=performance.import').auth(t.adminToken, { type: 'bearer' });
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'performance.import',
        details: { count: 3, created: 3, changed: [], file: '业绩.csv' },
      }),
    ]);
  });

  it('imports English headers from a UTF-8 CSV with BOM and semicolons; 长期 is no end date', async () => {
    const res = await importFile('/api/qualifications', await fixture('qualifications-english.csv'), 'q.csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 3, written: 3 });
    const licence = (await all('/api/qualifications')).find((q) => q.type === 'business_licence');
    expect(licence).toMatchObject({ name: '营业执照', validFrom: '2015-06-01', validTo: null, grade: null });
    const radiation = (await all('/api/qualifications')).find((q) => q.name === '辐射安全许可证');
    expect(radiation).toMatchObject({ type: 'industry_permit', number: '苏环辐证[E0417]', notes: '含源仪表' });
  });

  it('refuses a file that is neither CSV nor XLSX, and a request without a file', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
    const res = await importFile('/api/qualifications', pdf, 'q.csv');
    expect([res.status, res.body.error.code, res.body.error.details.detected]).toEqual([
      415,
      'UNSUPPORTED_FILE_TYPE',
      'pdf',
    ]);
    const none = await t.http().post('/api/performance/import').auth(backoffice, { type: 'bearer' }).send({});
    expect([none.status, none.body.error.code]).toEqual([400, 'FILE_MISSING']);
  });

  it('round-trips XLSX: export, then import into a fresh app, gives the same records', async () => {
    await t
      .http()
      .post('/api/performance')
      .auth(backoffice, { type: 'bearer' })
      .send({
        projectName: '=SUM(A1) 公式样的名称',
        customerName: '精度客户',
        industry: '造纸',
        contractAmount: '12345678901234.56',
        currency: 'USD',
        signedDate: '2020-02-29',
        scope: '多行\n范围',
      })
      .expect(201);
    const perfXlsx = await t
      .http()
      .get('/api/performance/export?format=xlsx')
      .auth(backoffice, { type: 'bearer' })
      .buffer(true)
      .parse(binary);
    const qualXlsx = await t
      .http()
      .get('/api/qualifications/export?format=xlsx')
      .auth(backoffice, { type: 'bearer' })
      .buffer(true)
      .parse(binary);
    expect(perfXlsx.status).toBe(200);
    expect(perfXlsx.headers['content-disposition']).toMatch(/filename="performance-records-\d{4}-\d{2}-\d{2}\.xlsx"/);

    const fresh = await startTestApp('imports-fresh');
    try {
      const p = await importFile('/api/performance', perfXlsx.body as Buffer, 'p.xlsx', '', fresh, fresh.adminToken);
      expect(p.status).toBe(200);
      expect(p.body).toMatchObject({ format: 'xlsx', written: await count('performance_records') });
      const q = await importFile('/api/qualifications', qualXlsx.body as Buffer, 'q.xlsx', '', fresh, fresh.adminToken);
      expect(q.status).toBe(200);
      expect(await all('/api/performance', fresh)).toEqual(await all('/api/performance'));
      expect(await all('/api/qualifications', fresh)).toEqual(await all('/api/qualifications'));
      expect((await all('/api/performance', fresh)).find((r) => r.customerName === '精度客户')).toMatchObject({
        projectName: '=SUM(A1) 公式样的名称',
        contractAmount: '12345678901234.56',
        signedDate: '2020-02-29',
        scope: '多行\n范围',
      });
    } finally {
      await fresh.close();
    }
  });

  it('round-trips CSV too', async () => {
    const csv = await t
      .http()
      .get('/api/performance/export?format=csv')
      .auth(backoffice, { type: 'bearer' })
      .buffer(true)
      .parse(binary);
    expect((csv.body as Buffer).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const res = await importFile('/api/performance', csv.body as Buffer, 'p.csv', '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body.rows).toBe(await count('performance_records'));
    // Into the app it came from: every row finds its record, and nothing differs.
    expect(res.body.totals).toEqual({ new: 0, changed: 0, unchanged: res.body.rows, error: 0 });
  });
});

describe('demo data, loaded through the import on the first start', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('importsdemo', { DEMO_DATA: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('holds a dozen qualifications of 华东智能仪表: two expired, one expiring within 60 days', async () => {
    const list = await t.http().get('/api/qualifications?pageSize=200').auth(t.adminToken, { type: 'bearer' });
    expect(list.body.total).toBe(12);
    const statuses = list.body.items.map((q: Row) => q.status);
    expect(statuses.filter((s: string) => s === 'expired')).toHaveLength(2);
    expect(statuses.filter((s: string) => s === 'expiring')).toHaveLength(1);
    const names = list.body.items.map((q: Row) => q.name).join('|');
    for (const name of [
      '营业执照',
      'ISO 9001',
      'ISO 14001',
      'ISO 45001',
      '辐射安全许可证',
      '计量器具型式批准证书',
      'CE',
      '防爆合格证',
      'AAA',
    ]) {
      expect(names).toContain(name);
    }
    const renewal = await t.http().get('/api/qualifications/expiring?days=60').auth(t.adminToken, { type: 'bearer' });
    expect(renewal.body.map((q: Row) => q.status)).toEqual(['expired', 'expired', 'expiring']);
  });

  it('holds thirty performance records from ¥80,000 to ¥12,000,000 completed over the last six years', async () => {
    const list = await t
      .http()
      .get('/api/performance?pageSize=200&sort=amount&order=asc')
      .auth(t.adminToken, { type: 'bearer' });
    expect(list.body.total).toBe(30);
    expect(list.body.items[0].contractAmount).toBe('80000.00');
    expect(list.body.items[29].contractAmount).toBe('12000000.00');
    const sixYearsAgo = addDays(todayIso(), -6 * 366);
    expect(
      list.body.items.every(
        (r: Row) => String(r.completedDate) >= sixYearsAgo && String(r.completedDate) <= todayIso(),
      ),
    ).toBe(true);
    expect(new Set(list.body.items.map((r: Row) => r.industry))).toEqual(
      new Set(['steel', 'petrochemical', 'power', 'water', 'mining', 'chemical']),
    );
  });

  it('was written by the import: one audited import per record type', async () => {
    const audit = await t
      .http()
      .get('/api/audit?entityType=qualification&action=qualification.import')
      .auth(t.adminToken, { type: 'bearer' });
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actorName: 'system',
        details: { count: 12, created: 12, changed: [], file: 'qualifications.demo.csv' },
      }),
    ]);
    const perf = await t.http().get('/api/audit?action=performance.import').auth(t.adminToken, { type: 'bearer' });
    expect(perf.body.items[0].details).toEqual({ count: 30, created: 30, changed: [], file: 'performance.demo.csv' });
  });
});
