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

const data = ({ id: _id, createdAt: _c, updatedAt: _u, ...rest }: Row) => rest;

/** The cells of an exported sheet, CSV or XLSX, as text: header first. */
async function cells(format: string, body: Buffer): Promise<string[][]> {
  if (format === 'csv') return parseCsv(decodeText(body).text);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
}

describe('import and export of products', () => {
  let t: TestApp;
  let backoffice: string;
  let manager: string;

  const importFile = (bytes: Buffer, name: string, query = '', app = t, token = backoffice) =>
    app.http().post(`/api/products/import${query}`).auth(token, { type: 'bearer' }).attach('file', bytes, name);
  const exportFile = (query: string, token = backoffice) =>
    t.http().get(`/api/products/export${query}`).auth(token, { type: 'bearer' }).buffer(true).parse(binary);
  const snapshot = async () => ({
    products: await t.db.query('SELECT * FROM products ORDER BY id'),
    audit: Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0].n),
  });
  const all = async (app = t): Promise<Row[]> =>
    (await app.http().get('/api/products?pageSize=200').auth(app.adminToken, { type: 'bearer' })).body.items.map(data);

  beforeAll(async () => {
    t = await startTestApp('products_import');
    backoffice = (await t.userWith(['backoffice'])).token;
    manager = (await t.userWith(['manager'])).token;
    const exists = await t
      .http()
      .post('/api/products')
      .auth(backoffice, { type: 'bearer' })
      .send({ code: 'EXIST-1', nameZh: '已有产品', unit: '台', listPrice: '100.00', floorPrice: '80.00' });
    expect(exists.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a CSV with a negative price, a floor above list, a code twice and a bad rate; writes nothing', async () => {
    const before = await snapshot();
    const res = await importFile(await fixture('products-bad.csv'), 'products-bad.csv');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IMPORT_INVALID');
    expect(res.body.error.message).toBe('4 row(s) of 6 have errors; nothing was imported');
    expect(res.body.error.details.errors.map((e: Row) => [e.row, e.field, e.column, e.code])).toEqual([
      [3, 'listPrice', '目录价', 'IMPORT_ROW_INVALID'],
      [4, 'floorPrice', '最低价', 'FLOOR_ABOVE_LIST'],
      [5, 'code', '产品编码', 'IMPORT_ROW_DUPLICATE'],
      [7, 'taxRate', '税率', 'IMPORT_ROW_INVALID'],
    ]);
    expect(res.body.error.details.errors.map((e: Row) => e.message).slice(0, 3)).toEqual([
      expect.stringContaining('not below 0'),
      'The floor price 100.01 is above the list price 100.00',
      '产品编码 "OK-1" is already used in row 2',
    ]);
    // A code already in the table is no error any more: the row updates that product (here: its name).
    expect(res.body.error.details.results.find((r: Row) => r.row === 6)).toMatchObject({
      status: 'changed',
      changes: [{ field: 'nameZh', column: '产品名称', old: '已有产品', new: '表中已有的编码' }],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('imports a GB18030 CSV with Chinese headers, ¥ and grouped amounts, 13% and 停用, audited once', async () => {
    const bytes = await fixture('products-gb18030.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const dry = await importFile(bytes, '价格表.csv', '?dryRun=true', t, manager);
    expect(dry.body).toMatchObject({
      format: 'csv',
      encoding: 'gb18030',
      rows: 3,
      errors: [],
      dryRun: true,
      written: 0,
    });
    expect(dry.body.totals).toEqual({ new: 3, changed: 0, unchanged: 0, error: 0 });

    const res = await importFile(bytes, '价格表.csv', '', t, manager);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 3, written: 3 });
    const byCode = new Map((await all()).map((p) => [p.code, p]));
    expect(byCode.get('HDP-3051')).toEqual({
      code: 'HDP-3051',
      nameZh: '智能压力变送器',
      nameEn: 'Smart pressure transmitter',
      specification: '量程 0~40 MPa，精度 0.075 级，4-20mA/HART, Ex db IIC T6 Gb',
      unit: '台',
      listPrice: '4680.00',
      floorPrice: '3900.00',
      taxRate: '13.00',
      currency: 'CNY',
      productLine: '压力仪表',
      active: true,
      version: 1,
    });
    expect(byCode.get('HDM-300/DN100')).toMatchObject({ listPrice: '12800.00', floorPrice: '10500.50', active: false });
    expect(byCode.get('SRV-CAL')).toMatchObject({ taxRate: '6.00', currency: 'CNY', active: true });
    const audit = await t.http().get('/api/audit?action=product.import').auth(t.adminToken, { type: 'bearer' });
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'product.import',
        details: { count: 3, created: 3, changed: [], file: '价格表.csv' },
      }),
    ]);
  });

  it('imports an XLSX with English headers and number cells, keeping 16-digit prices exact', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Price list');
    sheet.addRow(['code', 'name', 'unit', 'listPrice', 'floorPrice', 'taxRate', 'currency']);
    sheet.addRow(['BIG-1', '大型成套计量系统', '套', '12345678901234.56', '12345678901234.55', 9, 'usd']);
    sheet.addRow(['CBL-1', '补偿导线', 'm', 12.5, 9.8, 13, null]);
    const res = await importFile(Buffer.from(await wb.xlsx.writeBuffer()), 'p.xlsx');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: 'xlsx', rows: 2, written: 2 });
    const byCode = new Map((await all()).map((p) => [p.code, p]));
    expect(byCode.get('BIG-1')).toMatchObject({
      listPrice: '12345678901234.56',
      floorPrice: '12345678901234.55',
      taxRate: '9.00',
      currency: 'USD',
    });
    expect(byCode.get('CBL-1')).toMatchObject({ listPrice: '12.50', floorPrice: '9.80', taxRate: '13.00' });
  });

  it('keeps imports to admin, backoffice and manager', async () => {
    const tokens = [(await t.userWith(['sales'])).token, (await t.userWith(['production'])).token];
    const before = await snapshot();
    for (const token of tokens) {
      const res = await importFile(await fixture('products-gb18030.csv'), 'p.csv', '', t, token);
      expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('gives production an export without any price column or value, as CSV and as XLSX', async () => {
    const production = (await t.userWith(['production'])).token;
    const prices = (await all()).flatMap((p) => [p.listPrice, p.floorPrice]) as string[];
    for (const format of ['csv', 'xlsx']) {
      const res = await exportFile(`?format=${format}`, production);
      expect(res.status).toBe(200);
      const [header, ...rows] = await cells(format, res.body as Buffer);
      expect(header).toEqual([
        'ID',
        '产品编码',
        '产品名称',
        '英文名称',
        '规格型号',
        '单位',
        '税率',
        '币种',
        '产品线',
        '状态',
      ]);
      expect(rows).toHaveLength(prices.length / 2);
      const values = rows.flat();
      for (const price of prices) {
        expect(values).not.toContain(price);
        expect(values).not.toContain(String(Number(price)));
      }
      expect((res.body as Buffer).toString('latin1')).not.toContain('12345678901234');
    }
  });

  it('gives sales the list price column but not the floor price; backoffice both', async () => {
    const sales = (await t.userWith(['sales'])).token;
    const [forSales] = await cells('csv', (await exportFile('?format=csv', sales)).body as Buffer);
    expect(forSales).toContain('目录价');
    expect(forSales).not.toContain('最低价');
    const [forBackoffice] = await cells('xlsx', (await exportFile('?format=xlsx')).body as Buffer);
    expect(forBackoffice.slice(6, 8)).toEqual(['目录价', '最低价']);
  });

  it('exports the filtered list', async () => {
    const res = await exportFile(`?format=csv&productLine=${encodeURIComponent('压力仪表')}`);
    const [, ...rows] = await cells('csv', res.body as Buffer);
    expect(rows.map((r) => r[1])).toEqual(['HDP-3051']);
    expect((await exportFile('?format=pdf')).status).toBe(400);
  });

  it('round-trips: CSV and XLSX exports import into a fresh app as the same products, 16-digit prices exact', async () => {
    const source = await all();
    expect(source.find((p) => p.code === 'BIG-1')).toMatchObject({ listPrice: '12345678901234.56' });
    for (const format of ['csv', 'xlsx']) {
      const file = await exportFile(`?format=${format}`);
      expect(file.status).toBe(200);
      const fresh = await startTestApp(`products_rt_${format}`);
      try {
        const res = await importFile(file.body as Buffer, `p.${format}`, '', fresh, fresh.adminToken);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ format, written: source.length });
        expect(await all(fresh)).toEqual(source);
      } finally {
        await fresh.close();
      }
    }
  });
});
