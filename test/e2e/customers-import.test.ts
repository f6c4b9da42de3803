import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { decodeText, parseCsv } from '../../src/common/tabular/csv.js';
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

const withoutId = ({ id: _id, ...rest }: Row) => rest;

/** A customer as data: without ids and timestamps, the sales owner by name. */
const data = ({ id: _id, createdAt: _c, updatedAt: _u, salesOwner, contacts, billingContact, ...rest }: Row) => ({
  ...rest,
  salesOwner: (salesOwner as { name: string } | null)?.name ?? null,
  contacts: (contacts as Row[]).map(withoutId),
  billingContact: billingContact ? withoutId(billingContact as Row) : null,
});

describe('import and export of customers', () => {
  let t: TestApp;
  let backoffice: string;
  let owner: { id: string; token: string };

  const importFile = (bytes: Buffer, name: string, query = '', app = t, token = backoffice) =>
    app.http().post(`/api/customers/import${query}`).auth(token, { type: 'bearer' }).attach('file', bytes, name);
  const exportFile = (query: string, app = t, token = backoffice) =>
    app.http().get(`/api/customers/export${query}`).auth(token, { type: 'bearer' }).buffer(true).parse(binary);
  const snapshot = async (app = t) => ({
    customers: Number((await app.db.query<{ n: string }>('SELECT count(*) AS n FROM customers'))[0].n),
    contacts: Number((await app.db.query<{ n: string }>('SELECT count(*) AS n FROM customer_contacts'))[0].n),
    audit: Number((await app.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0].n),
  });
  const all = async (app = t): Promise<Row[]> =>
    (await app.http().get('/api/customers?pageSize=200').auth(app.adminToken, { type: 'bearer' })).body.items
      .map(data)
      .sort((a: Row, b: Row) => String(a.name).localeCompare(String(b.name)));

  beforeAll(async () => {
    t = await startTestApp('customers_import');
    backoffice = (await t.userWith(['backoffice'])).token;
    owner = await t.userWith(['sales'], '王磊');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a CSV with bad rows with 422, naming each row and field, and writes nothing', async () => {
    const before = await snapshot();
    const res = await importFile(await fixture('customers-bad.csv'), 'customers-bad.csv');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IMPORT_INVALID');
    expect(res.body.error.message).toBe('5 row(s) of 6 have errors; nothing was imported');
    expect(res.body.error.details.errors.map((e: Row) => [e.row, e.field, e.column])).toEqual([
      [3, 'taxId', '税号'],
      [4, 'salesOwner', '销售负责人'],
      [5, 'billingContactEmail', '开票联系人邮箱'],
      [6, 'billingContactName', '开票联系人'],
      [7, 'name', '客户名称'],
    ]);
    const messages = res.body.error.details.errors.map((e: Row) => e.message);
    expect(messages[0]).toMatch(/check character/);
    expect(messages[1]).toBe('No user is called "查无此人"');
    expect(await snapshot()).toEqual(before);
  });

  it('imports a GB18030 CSV with Chinese headers, resolving the sales owner by name, audited once', async () => {
    const bytes = await fixture('customers-gb18030.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const dry = await importFile(bytes, '客户.csv', '?dryRun=true');
    expect(dry.body).toMatchObject({
      format: 'csv',
      encoding: 'gb18030',
      rows: 3,
      errors: [],
      dryRun: true,
      written: 0,
    });
    expect(dry.body.totals).toEqual({ new: 3, changed: 0, unchanged: 0, error: 0 });

    const before = await snapshot();
    const res = await importFile(bytes, '客户.csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ encoding: 'gb18030', rows: 3, written: 3, errors: [] });
    expect(await snapshot()).toEqual({
      customers: before.customers + 3,
      contacts: before.contacts + 4,
      audit: before.audit + 1,
    });

    const wanbei = (await all()).find((c) => c.name === '皖北煤电集团有限责任公司');
    expect(wanbei).toEqual({
      name: '皖北煤电集团有限责任公司',
      nameEn: 'Wanbei Coal & Power Group Co., Ltd.',
      taxId: '91341300MA2N8WB4X1',
      address: '安徽省宿州市埇桥区淮河西路1号',
      phone: '0557-391 0000',
      locale: null,
      salesOwner: '王磊',
      notes: '井下仪表须为本安型；"煤安"标志齐全',
      archived: false,
      contacts: [
        {
          name: '李建国',
          title: '机电科 科长',
          phone: '138 5570 1234',
          email: 'li.jg@wanbei-coal.example',
          billing: false,
        },
        { name: '陈静', title: null, phone: '0557-391 0088', email: 'finance@wanbei-coal.example', billing: true },
      ],
      billingContact: expect.objectContaining({ name: '陈静', billing: true }),
      version: 1,
    });
    const others = (await all()).filter((c) => c.name !== '皖北煤电集团有限责任公司');
    expect(others.map((c) => [c.name, c.taxId, c.salesOwner, (c.billingContact as Row | null)?.name ?? null])).toEqual([
      ['Pacific Copper S.A.', '96-790-240-3', '王磊', null],
      ['常熟新材料化工有限公司', '91320582MA1X6PR7KB', null, '顾晓燕'],
    ]);
    const ownedByWang = await t
      .http()
      .get(`/api/customers?salesOwnerId=${owner.id}`)
      .auth(backoffice, { type: 'bearer' });
    expect(ownedByWang.body.total).toBe(2);

    const audit = await t.http().get('/api/audit?action=customer.import').auth(t.adminToken, { type: 'bearer' });
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'customer.import',
        details: { count: 3, created: 3, changed: [], file: '客户.csv' },
      }),
    ]);
  });

  it('imports an XLSX with English headers and number cells', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Customers');
    sheet.addRow(['name', 'taxId', 'salesOwner', 'billingContactName', 'billingContactPhone', 'billingContactEmail']);
    sheet.addRow([
      '=青岛港机装备有限公司',
      '91320200MA1Y2RT5HJ',
      '王磊',
      '孙悦',
      13912345678,
      'sun.yue@qd-crane.example',
    ]);
    sheet.addRow(['宁夏宁东能源化工有限公司', null, null, null, null, null]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await importFile(bytes, 'customers.xlsx');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: 'xlsx', rows: 2, written: 2 });
    const qd = (await all()).find((c) => c.taxId === '91320200MA1Y2RT5HJ');
    expect(qd).toMatchObject({
      name: '=青岛港机装备有限公司',
      salesOwner: '王磊',
      contacts: [{ name: '孙悦', title: null, phone: '13912345678', email: 'sun.yue@qd-crane.example', billing: true }],
    });
  });

  it("keeps production out; a sales user's sheet may touch only their own customers", async () => {
    const production = (await t.userWith(['production'])).token;
    const before = await snapshot();
    const bytes = await fixture('customers-gb18030.csv');
    const refused = await importFile(bytes, 'c.csv', '', t, production);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
    // The sheet was imported above: its rows match by tax id. Row 3's customer has no sales owner, so not 王磊's.
    const res = await importFile(bytes, 'c.csv', '', t, owner.token);
    expect([res.status, res.body.error.code]).toEqual([422, 'IMPORT_INVALID']);
    expect(res.body.error.details.errors).toEqual([
      expect.objectContaining({
        row: 3,
        code: 'NOT_YOUR_RECORD',
        message: 'This customer belongs to another sales owner',
      }),
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('exports the filtered list with Chinese headers, as CSV with a BOM', async () => {
    const res = await exportFile(`?format=csv&q=${encodeURIComponent('煤电')}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/filename="customers-\d{4}-\d{2}-\d{2}\.csv"/);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(decodeText(body).text);
    expect(header).toEqual([
      'ID',
      '客户名称',
      '英文名称',
      '税号',
      '地址',
      '电话',
      '文档语言',
      '销售负责人',
      '联系人',
      '联系人职务',
      '联系人电话',
      '联系人邮箱',
      '开票联系人',
      '开票联系人职务',
      '开票联系人电话',
      '开票联系人邮箱',
      '备注',
    ]);
    expect(rows.map((r) => [r[1], r[7], r[8], r[12]])).toEqual([
      ['皖北煤电集团有限责任公司', '王磊', '李建国', '陈静'],
    ]);
    // A production user reads customers, so may export them (customers carry no prices).
    const prod = await exportFile('?format=xlsx', t, (await t.userWith(['production'])).token);
    expect(prod.status).toBe(200);
  });

  it('round-trips: CSV and XLSX exports import into a fresh app as the same customers', async () => {
    // A customer made through the API, with a main and a billing contact, round-trips too.
    const created = await t
      .http()
      .post('/api/customers')
      .auth(backoffice, { type: 'bearer' })
      .send({
        name: '甬江多行备注有限公司',
        notes: '第一行\n第二行, 带逗号',
        locale: 'en', // the document language's column round-trips too
        contacts: [
          { name: '+86 前缀联系人', phone: '+86 574 1234 5678' },
          { name: '钱开票', email: 'qian@yongjiang.example', billing: true },
        ],
      });
    expect(created.status).toBe(201);
    const source = await all();
    for (const format of ['csv', 'xlsx']) {
      const file = await exportFile(`?format=${format}`);
      expect(file.status).toBe(200);
      const fresh = await startTestApp(`customers_rt_${format}`);
      try {
        await fresh.userWith(['sales'], '王磊');
        const res = await importFile(file.body as Buffer, `c.${format}`, '', fresh, fresh.adminToken);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ format, written: source.length });
        expect(await all(fresh)).toEqual(source);
      } finally {
        await fresh.close();
      }
    }
  });
});
