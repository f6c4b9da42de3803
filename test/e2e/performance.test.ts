import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { PDFDocument } from 'pdf-lib';
import type { Response } from 'supertest';
import { decodeText, parseCsv } from '../../src/common/tabular/csv.js';
import { PerformanceService } from '../../src/modules/performance/performance.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};

async function smallPdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 100]).drawText(text, { x: 20, y: 40 });
  return Buffer.from(await doc.save());
}

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

describe('performance records (业绩) on the real PostgreSQL server', () => {
  let t: TestApp;
  let backoffice: string;
  let production: string;
  let finance: string;

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object) => t.http().post(path).auth(token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) => t.http().patch(path).auth(token, { type: 'bearer' }).send(body),
    delete: (path: string) => t.http().delete(path).auth(token, { type: 'bearer' }),
  });
  const count = async () =>
    Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM performance_records'))[0].n);
  const create = async (body: object) => {
    const res = await as(backoffice).post('/api/performance', body);
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string };
  };
  const baosteel = {
    projectName: '宝钢湛江钢铁三号高炉仪表改造项目',
    customerName: '宝钢湛江钢铁有限公司',
    industry: 'steel',
    productLine: '压力变送器',
    contractAmount: '1280000.00',
    signedDate: '2023-04-18',
    completedDate: '2024-01-30',
    location: '广东省湛江市',
    scope: '高炉本体压力、差压变送器86台，含安装指导',
  };

  beforeAll(async () => {
    t = await startTestApp('performance');
    backoffice = (await t.userWith(['backoffice'])).token;
    production = (await t.userWith(['production'])).token;
    finance = (await t.userWith(['finance'])).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, reads, updates and deletes a record, auditing each change', async () => {
    const created = await as(backoffice).post('/api/performance', baosteel);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...baosteel, currency: 'CNY', proofs: [] });
    const id = created.body.id as string;
    expect((await as(finance).get(`/api/performance/${id}`)).body).toMatchObject(baosteel);

    const updated = await as(backoffice).patch(`/api/performance/${id}`, {
      contractAmount: '1300000.5',
      location: null,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      contractAmount: '1300000.50',
      location: null,
      projectName: baosteel.projectName,
    });

    expect((await as(backoffice).patch(`/api/performance/${id}`, { completedDate: '2023-04-17' })).status).toBe(400);
    expect((await as(backoffice).patch(`/api/performance/${id}`, { projectName: null })).status).toBe(400);
    expect((await as(finance).patch(`/api/performance/${id}`, { location: 'x' })).status).toBe(403);

    expect((await as(backoffice).delete(`/api/performance/${id}`)).status).toBe(200);
    expect((await as(finance).get(`/api/performance/${id}`)).body.error.code).toBe('PERFORMANCE_RECORD_NOT_FOUND');
    const audit = await t
      .http()
      .get(`/api/audit?entityType=performance_record&entityId=${id}`)
      .auth(t.adminToken, { type: 'bearer' });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'performance.create',
      'performance.delete',
      'performance.update',
    ]);
  });

  it('keeps 12345678901234.56 exactly, and refuses amounts as JSON numbers or below zero', async () => {
    const { id } = await create({ ...baosteel, projectName: '精度测试项目', contractAmount: '12345678901234.56' });
    expect((await as(finance).get(`/api/performance/${id}`)).body.contractAmount).toBe('12345678901234.56');
    expect(
      (await t.db.query('SELECT contract_amount::text AS a FROM performance_records WHERE id = $1', [id]))[0].a,
    ).toBe('12345678901234.56');
    const listed = await as(finance).get(`/api/performance?q=${encodeURIComponent('精度测试')}`);
    expect(listed.body.items[0].contractAmount).toBe('12345678901234.56');

    const before = await count();
    const asNumber = await as(backoffice).post('/api/performance', { ...baosteel, contractAmount: 12345678901234.56 });
    expect(asNumber.status).toBe(400);
    expect(asNumber.body.error.details.fields[0].field).toBe('contractAmount');
    expect((await as(backoffice).post('/api/performance', { ...baosteel, contractAmount: '-1.00' })).status).toBe(400);
    expect((await as(backoffice).post('/api/performance', { ...baosteel, completedDate: '2023-04-17' })).status).toBe(
      400,
    );
    expect((await as(backoffice).post('/api/performance', { ...baosteel, currency: 'rmb' })).status).toBe(400);
    expect(await count()).toBe(before);
  });

  describe('search', () => {
    const tag = '检索';
    beforeAll(async () => {
      await create({
        ...baosteel,
        projectName: `${tag}宝钢湛江钢铁三号高炉仪表改造项目`,
        contractAmount: '1280000.00',
        completedDate: '2024-01-30',
      });
      await create({
        projectName: `${tag}镇海炼化常减压装置流量计项目`,
        customerName: '中国石化镇海炼化分公司',
        industry: 'petrochemical',
        productLine: '电磁流量计',
        contractAmount: '9.00',
        signedDate: '2021-03-01',
        completedDate: '2021-11-20',
        location: '浙江省宁波市',
        scope: '电磁流量计24台，100%_合格',
      });
      await create({
        projectName: `${tag}滇中引水泵站液位监测`,
        customerName: '云南滇中引水工程有限公司',
        industry: '水利',
        productLine: '雷达物位计',
        contractAmount: '10.00',
        currency: 'USD',
        signedDate: '2024-06-01',
        completedDate: null,
        location: '云南省昆明市',
        scope: '雷达物位计12台',
      });
      await create({
        ...baosteel,
        projectName: `${tag}梅钢冷轧仪表项目`,
        customerName: '上海梅山钢铁股份有限公司',
        contractAmount: '999999.99',
        signedDate: '2021-09-01',
        completedDate: '2022-06-15',
      });
    });
    const names = async (params: string, token = finance) => {
      const res = await as(token).get(`/api/performance?q=${encodeURIComponent(tag)}&${params}`);
      expect(res.status).toBe(200);
      return res.body.items.map((i: { projectName: string }) => i.projectName.replace(tag, ''));
    };
    const search = async (q: string) =>
      (await as(finance).get(`/api/performance?q=${encodeURIComponent(q)}`)).body.items.map(
        (i: { projectName: string }) => i.projectName.replace(tag, ''),
      );

    it('finds Chinese text in project name, customer, scope and location', async () => {
      expect(await search('宝钢')).toContain('宝钢湛江钢铁三号高炉仪表改造项目');
      expect(await search('镇海炼化分公司')).toEqual(['镇海炼化常减压装置流量计项目']);
      expect(await search('雷达物位计12台')).toEqual(['滇中引水泵站液位监测']);
      expect(await search('昆明')).toEqual(['滇中引水泵站液位监测']);
      // % and _ are literal characters, not wildcards.
      expect(await search('100%_合格')).toEqual(['镇海炼化常减压装置流量计项目']);
      expect(await search('100%%')).toEqual([]);
    });

    it('filters by industry (suggested or free word), product line and currency', async () => {
      expect(await names('industry=steel')).toEqual(['宝钢湛江钢铁三号高炉仪表改造项目', '梅钢冷轧仪表项目']);
      expect(await names(`industry=${encodeURIComponent('水利')}`)).toEqual(['滇中引水泵站液位监测']);
      expect(await names(`productLine=${encodeURIComponent('电磁流量计')}`)).toEqual(['镇海炼化常减压装置流量计项目']);
      expect(await names('currency=USD')).toEqual(['滇中引水泵站液位监测']);
    });

    it('compares amounts as numbers in SQL, not as text', async () => {
      // As text, "9.00" > "10.00" and "999999.99" > "1280000.00".
      expect(await names('minAmount=9.50&sort=amount&order=asc')).toEqual([
        '滇中引水泵站液位监测',
        '梅钢冷轧仪表项目',
        '宝钢湛江钢铁三号高炉仪表改造项目',
      ]);
      expect(await names('minAmount=1000000')).toEqual(['宝钢湛江钢铁三号高炉仪表改造项目']);
      expect(await names('maxAmount=999999.99&sort=amount')).toEqual([
        '梅钢冷轧仪表项目',
        '滇中引水泵站液位监测',
        '镇海炼化常减压装置流量计项目',
      ]);
      expect((await as(finance).get('/api/performance?minAmount=1e6')).status).toBe(400);
    });

    it('keeps records completed within N years of asOf, the boundary day included', async () => {
      // 2024-01-30 and 2022-06-15 completed; 2021-11-20 is more than 2 years before 2023-11-20 by one day.
      expect(await names('completedWithinYears=2&asOf=2023-11-20')).toEqual([
        '梅钢冷轧仪表项目',
        '镇海炼化常减压装置流量计项目',
      ]);
      expect(await names('completedWithinYears=2&asOf=2023-11-21')).toEqual(['梅钢冷轧仪表项目']);
      expect(await names('completedWithinYears=3&asOf=2024-06-01')).toEqual([
        '宝钢湛江钢铁三号高炉仪表改造项目',
        '梅钢冷轧仪表项目',
        '镇海炼化常减压装置流量计项目',
      ]);
    });

    it('sorts by completion (newest first, unfinished last) by default, or by amount, name or signing date; and pages', async () => {
      expect(await names('')).toEqual([
        '宝钢湛江钢铁三号高炉仪表改造项目',
        '梅钢冷轧仪表项目',
        '镇海炼化常减压装置流量计项目',
        '滇中引水泵站液位监测',
      ]);
      expect(await names('sort=amount')).toEqual([
        '宝钢湛江钢铁三号高炉仪表改造项目',
        '梅钢冷轧仪表项目',
        '滇中引水泵站液位监测',
        '镇海炼化常减压装置流量计项目',
      ]);
      expect(await names('sort=signedDate&order=asc')).toEqual([
        '镇海炼化常减压装置流量计项目',
        '梅钢冷轧仪表项目',
        '宝钢湛江钢铁三号高炉仪表改造项目',
        '滇中引水泵站液位监测',
      ]);
      expect((await names('sort=name')).length).toBe(4);
      const page2 = await as(finance).get(`/api/performance?q=${encodeURIComponent(tag)}&pageSize=3&page=2`);
      expect(page2.body).toMatchObject({ total: 4, page: 2, pageSize: 3 });
      expect(page2.body.items.map((i: { projectName: string }) => i.projectName)).toEqual([
        `${tag}滇中引水泵站液位监测`,
      ]);
    });

    it('ranks matches for a tender: most recent first, then largest', async () => {
      const { id } = await create({
        ...baosteel,
        projectName: `${tag}同日完工的小项目`,
        contractAmount: '1000000.00',
        completedDate: '2024-01-30',
      });
      const matches = await t.app
        .get(PerformanceService)
        .match({ industry: 'steel', minAmount: '1000000', completedWithinYears: 3, asOf: '2024-12-31' });
      const ours = matches.filter((m) => m.projectName.startsWith(tag));
      expect(ours.map((m) => [m.projectName.replace(tag, ''), m.contractAmount])).toEqual([
        ['宝钢湛江钢铁三号高炉仪表改造项目', '1280000.00'],
        ['同日完工的小项目', '1000000.00'],
      ]);
      await as(backoffice).delete(`/api/performance/${id}`);
    });
  });

  describe('a production user never sees an amount', () => {
    let id: string;
    beforeAll(async () => {
      ({ id } = await create({ ...baosteel, projectName: '价格隐藏测试项目', contractAmount: '7654321.09' }));
      for (const kind of ['invoice', 'acceptance_certificate', 'contract_signature_page']) {
        const res = await t
          .http()
          .post(`/api/performance/${id}/proofs`)
          .auth(backoffice, { type: 'bearer' })
          .field('kind', kind)
          .attach('file', await smallPdf(kind), `${kind}.pdf`);
        expect(res.status).toBe(201);
      }
    });

    it('in lists and single records: contractAmount is absent, not zero', async () => {
      const list = await as(production).get('/api/performance?pageSize=200');
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(3);
      expect(keysOf(list.body)).not.toContain('contractAmount');
      expect(JSON.stringify(list.body)).not.toContain('7654321.09');
      const one = await as(production).get(`/api/performance/${id}`);
      expect(one.body.projectName).toBe('价格隐藏测试项目');
      expect(Object.keys(one.body)).not.toContain('contractAmount');
      expect(JSON.stringify(one.body)).not.toContain('7654321');
      // Others do see it.
      expect((await as(finance).get(`/api/performance/${id}`)).body.contractAmount).toBe('7654321.09');
    });

    it('may not filter or sort by amount (that would reveal it)', async () => {
      for (const q of ['minAmount=7654321', 'maxAmount=1', 'sort=amount']) {
        const res = await as(production).get(`/api/performance?${q}`);
        expect([q, res.status, res.body.error.code]).toEqual([q, 403, 'PRICES_HIDDEN']);
        const file = await as(production).get(`/api/performance/export?${q}`);
        expect([q, file.status]).toEqual([q, 403]);
      }
    });

    it('sees only acceptance certificates among the proofs, and cannot download the others', async () => {
      const proofs = await as(production).get(`/api/performance/${id}/proofs`);
      expect(proofs.body.map((p: { kind: string }) => p.kind)).toEqual(['acceptance_certificate']);
      expect(
        (await as(production).get(`/api/performance/${id}`)).body.proofs.map((p: { kind: string }) => p.kind),
      ).toEqual(['acceptance_certificate']);
      const all = await as(finance).get(`/api/performance/${id}/proofs`);
      expect(all.body.map((p: { kind: string }) => p.kind)).toEqual([
        'invoice',
        'acceptance_certificate',
        'contract_signature_page',
      ]);
      const invoice = all.body[0];
      const refused = await as(production).get(`/api/performance/${id}/proofs/${invoice.id}`);
      expect([refused.status, refused.body.error.code]).toEqual([403, 'PRICES_HIDDEN']);
      const allowed = await as(production)
        .get(`/api/performance/${id}/proofs/${proofs.body[0].id}`)
        .buffer(true)
        .parse(binary);
      expect(allowed.status).toBe(200);
      expect(allowed.headers['content-type']).toBe('application/pdf');
      const forFinance = await as(finance)
        .get(`/api/performance/${id}/proofs/${invoice.id}`)
        .buffer(true)
        .parse(binary);
      expect((forFinance.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    });

    it('in CSV exports: no amount column and no amount', async () => {
      const res = await as(production)
        .get(`/api/performance/export?format=csv&q=${encodeURIComponent('价格隐藏')}`)
        .buffer(true)
        .parse(binary);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(
        /^attachment; filename="performance-records-\d{4}-\d{2}-\d{2}\.csv"/,
      );
      const records = parseCsv(decodeText(res.body as Buffer).text);
      expect(records[0]).toEqual([
        'ID', // the record's id, which a re-import matches on
        '项目名称',
        '客户名称（甲方）',
        '行业',
        '产品线',
        '币种',
        '签订日期',
        '完工日期',
        '项目地点',
        '供货范围',
      ]);
      expect(records[1].slice(1, 4)).toEqual(['价格隐藏测试项目', '宝钢湛江钢铁有限公司', '钢铁']);
      expect((res.body as Buffer).toString('utf8')).not.toMatch(/7654321|金额/);

      const forFinance = await as(finance)
        .get(`/api/performance/export?format=csv&q=${encodeURIComponent('价格隐藏')}`)
        .buffer(true)
        .parse(binary);
      const financeRecords = parseCsv(decodeText(forFinance.body as Buffer).text);
      expect(financeRecords[0]).toContain('合同金额');
      expect(financeRecords[1]).toContain('7654321.09');
    });

    it('in XLSX exports: no amount column and no amount', async () => {
      const res = await as(production)
        .get(`/api/performance/export?format=xlsx&q=${encodeURIComponent('价格隐藏')}`)
        .buffer(true)
        .parse(binary);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as unknown as ExcelJS.Buffer);
      const sheet = wb.worksheets[0];
      const cells: unknown[] = [];
      sheet.eachRow((row) => row.eachCell((cell) => cells.push(cell.value)));
      expect(sheet.getRow(1).values).toEqual([
        undefined,
        'ID',
        '项目名称',
        '客户名称（甲方）',
        '行业',
        '产品线',
        '币种',
        '签订日期',
        '完工日期',
        '项目地点',
        '供货范围',
      ]);
      expect(cells).toContain('价格隐藏测试项目');
      expect(cells.map(String).join('|')).not.toMatch(/7654321|金额/);
      expect(cells).not.toContain(7654321.09);
    });
  });

  it('refuses a proof of an unknown kind, or not a PDF/JPEG/PNG, and stores nothing', async () => {
    const { id } = await create({ ...baosteel, projectName: '证明文件测试' });
    const before = Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM stored_files'))[0].n);
    const badKind = await t
      .http()
      .post(`/api/performance/${id}/proofs`)
      .auth(backoffice, { type: 'bearer' })
      .field('kind', 'photo')
      .attach('file', await smallPdf('x'), 'x.pdf');
    expect([badKind.status, badKind.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const notPdf = await t
      .http()
      .post(`/api/performance/${id}/proofs`)
      .auth(backoffice, { type: 'bearer' })
      .field('kind', 'invoice')
      .attach('file', Buffer.from('<html>发票</html>'), '发票.pdf');
    expect([notPdf.status, notPdf.body.error.code]).toEqual([415, 'UNSUPPORTED_FILE_TYPE']);
    expect(Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM stored_files'))[0].n)).toBe(before);
  });
});
