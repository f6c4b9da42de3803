import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import pg from 'pg';
import type { Response } from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { until } from '../support/faults.js';

/**
 * The Excel round-trip (#21): export XLSX, edit cells with exceljs as a user would in Excel, re-import with a dry run
 * (the changes listed row by row, nothing written), then for real (the records updated, none added twice).
 */

const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};

interface Result {
  row: number;
  status: string;
  id: string | null;
  changes: { field: string; column: string; old: string | null; new: string | null }[];
  errors: { row: number; field: string | null; column?: string; code?: string; message: string }[];
}

/** The sheet's rows as header -> cell, and a way to change cells by header. */
class Sheet {
  constructor(
    readonly workbook: ExcelJS.Workbook,
    readonly sheet: ExcelJS.Worksheet,
  ) {}

  static async load(body: Buffer): Promise<Sheet> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
    return new Sheet(wb, wb.worksheets[0]);
  }

  col(header: string): number {
    const values = this.sheet.getRow(1).values as unknown[];
    const i = values.indexOf(header);
    if (i < 1) throw new Error(`no column ${header} in ${JSON.stringify(values)}`);
    return i;
  }

  /** The row number whose `header` cell is `value`. */
  find(header: string, value: string): number {
    const c = this.col(header);
    for (let r = 2; r <= this.sheet.rowCount; r++) if (this.sheet.getRow(r).getCell(c).value === value) return r;
    throw new Error(`no row with ${header} = ${value}`);
  }

  set(row: number, header: string, value: ExcelJS.CellValue): this {
    this.sheet.getRow(row).getCell(this.col(header)).value = value;
    return this;
  }

  get(row: number, header: string): unknown {
    return this.sheet.getRow(row).getCell(this.col(header)).value;
  }

  /** A new row at the end from header -> value. */
  add(values: Record<string, ExcelJS.CellValue>): number {
    const r = this.sheet.rowCount + 1;
    for (const [h, v] of Object.entries(values)) this.set(r, h, v);
    return r;
  }

  async bytes(): Promise<Buffer> {
    return Buffer.from(await this.workbook.xlsx.writeBuffer());
  }
}

describe('Excel round-trip: export, edit, re-import (dry run, then apply)', () => {
  let t: TestApp;
  let backoffice: string;
  let sales1: { id: string; token: string };
  let sales2: { id: string; token: string };

  const post = (path: string, body: object, token = backoffice) =>
    t.http().post(path).auth(token, { type: 'bearer' }).send(body);
  const exportXlsx = async (path: string, token = backoffice) => {
    const res = await t
      .http()
      .get(`${path}/export?format=xlsx`)
      .auth(token, { type: 'bearer' })
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    return Sheet.load(res.body as Buffer);
  };
  const importXlsx = async (path: string, sheet: Sheet, query = '', token = backoffice) =>
    t
      .http()
      .post(`${path}/import${query}`)
      .auth(token, { type: 'bearer' })
      .attach('file', await sheet.bytes(), 'edited.xlsx');
  /** Everything an import could change: the table's rows and the audit log's length. */
  const snapshot = async (table: string) => ({
    rows: await t.db.query(`SELECT * FROM ${table} ORDER BY id`),
    audit: Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0].n),
  });
  const count = async (table: string) =>
    Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const byRow = (results: Result[], row: number) => results.find((r) => r.row === row)!;

  beforeAll(async () => {
    t = await startTestApp('excel_round_trip');
    backoffice = (await t.userWith(['backoffice'])).token;
    sales1 = await t.userWith(['sales'], '王销售');
    sales2 = await t.userWith(['sales'], '李销售');
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('customers', () => {
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      for (const [name, taxId, owner] of [
        ['甲钢铁有限公司', 'TX-A-0001', sales1.id],
        ['乙化工有限公司', 'TX-B-0002', sales2.id],
        ['丙水务集团', null, sales1.id],
      ] as const) {
        const res = await post('/api/customers', {
          name,
          taxId,
          salesOwnerId: owner,
          phone: '0512-0000 0000',
          contacts: [
            { name: `${name.slice(0, 1)}联系人`, phone: '138 0000 0000' },
            { name: `${name.slice(0, 1)}会计`, email: 'ap@example.com', billing: true },
            { name: `${name.slice(0, 1)}总工`, title: '总工程师' },
          ],
        });
        expect(res.status).toBe(201);
        ids[name] = res.body.id as string;
      }
    });

    it('lists the changes on a dry run and writes nothing; applies them without adding anyone twice', async () => {
      const sheet = await exportXlsx('/api/customers');
      expect(sheet.get(1, 'ID')).toBe('ID');
      const a = sheet.find('客户名称', '甲钢铁有限公司');
      expect(sheet.get(a, 'ID')).toBe(ids['甲钢铁有限公司']);
      sheet.set(a, '电话', '0512-6655 3021').set(a, '开票联系人邮箱', 'finance@jia.example');
      const c = sheet.find('客户名称', '丙水务集团');
      sheet.set(c, '备注', '年底对账');
      const d = sheet.add({ 客户名称: '丁矿业有限公司', 税号: 'TX-D-0004', 销售负责人: '王销售', 联系人: '丁工' });
      const before = await snapshot('customers');

      const dry = await importXlsx('/api/customers', sheet, '?dryRun=true');
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({
        format: 'xlsx',
        rows: 4,
        dryRun: true,
        written: 0,
        errors: [],
        totals: { new: 1, changed: 2, unchanged: 1, error: 0 },
      });
      const results = dry.body.results as Result[];
      expect(byRow(results, a)).toEqual({
        row: a,
        status: 'changed',
        id: ids['甲钢铁有限公司'],
        errors: [],
        changes: [
          { field: 'phone', column: '电话', old: '0512-0000 0000', new: '0512-6655 3021' },
          { field: 'billingContactEmail', column: '开票联系人邮箱', old: 'ap@example.com', new: 'finance@jia.example' },
        ],
      });
      expect(byRow(results, c).changes).toEqual([{ field: 'notes', column: '备注', old: null, new: '年底对账' }]);
      expect(byRow(results, sheet.find('客户名称', '乙化工有限公司')).status).toBe('unchanged');
      expect(byRow(results, d)).toMatchObject({ status: 'new', id: null });
      expect(await snapshot('customers')).toEqual(before);

      const res = await importXlsx('/api/customers', sheet);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ dryRun: false, written: 3, totals: { new: 1, changed: 2, unchanged: 1 } });
      expect(await count('customers')).toBe(4);
      const jia = await t.http().get(`/api/customers/${ids['甲钢铁有限公司']}`).auth(backoffice, { type: 'bearer' });
      expect(jia.body).toMatchObject({ phone: '0512-6655 3021', version: 2 });
      // The billing contact changed; the main contact and the third one (no column in the sheet) are kept.
      expect(jia.body.contacts.map((ct: { name: string; email: string | null }) => [ct.name, ct.email])).toEqual([
        ['甲联系人', null],
        ['甲会计', 'finance@jia.example'],
        ['甲总工', null],
      ]);
      // update()'s own audit entry, with before and after.
      const audits = await t.db.query<{ action: string }>(
        `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`,
        [ids['甲钢铁有限公司']],
      );
      expect(audits.map((r) => r.action)).toEqual(['customer.create', 'customer.update']);

      // The same file again: the new row now matches 丁 by its tax id; nothing changes, nobody is added.
      const again = await importXlsx('/api/customers', sheet);
      expect(again.body).toMatchObject({ written: 0, totals: { new: 0, changed: 0, unchanged: 4, error: 0 } });
      expect(await count('customers')).toBe(4);
    });

    it('refuses the file with STALE_RECORD when a record changes between the import matching it and writing it', async () => {
      const id = ids['乙化工有限公司'];
      const sheet = await exportXlsx('/api/customers');
      const b = sheet.find('客户名称', '乙化工有限公司');
      sheet.set(b, '电话', '0512-1111 2222');
      const c = sheet.find('客户名称', '丙水务集团');
      sheet.set(c, '备注', '一份过时的表格');
      const before = await snapshot('customers');
      // Someone else's write, holding 乙's row: the import matches 乙 at its version without waiting, then waits for
      // the row to update it, while the other writer commits a new version of 乙.
      const other = new pg.Client({ connectionString: t.db.url });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [id]);
        const applying = importXlsx('/api/customers', sheet);
        await until(
          'the import waiting for the row',
          async () =>
            (
              await t.db.query<{ n: number }>(
                "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
              )
            )[0].n,
          (n) => n > 0,
          60_000,
          50,
        );
        await other.query("UPDATE customers SET notes = '电话已核实', version = version + 1 WHERE id = $1", [id]);
        await other.query('COMMIT');
        const res = await applying;
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('IMPORT_INVALID');
        expect(res.body.error.details).toMatchObject({ dryRun: false, errors: [{ row: b, code: 'STALE_RECORD' }] });
        expect(byRow(res.body.error.details.results as Result[], b)).toMatchObject({ status: 'error', id });
      } finally {
        await other.end();
      }
      // Nothing of the file was written (丙's notes neither): only the other writer's change is there.
      expect(await snapshot('customers')).toEqual({
        ...before,
        rows: before.rows.map((r) => (r.id === id ? { ...r, notes: '电话已核实', version: Number(r.version) + 1 } : r)),
      });
    });

    it('refuses a row whose ID and tax id name two different customers, and writes nothing', async () => {
      const sheet = await exportXlsx('/api/customers');
      const a = sheet.find('客户名称', '甲钢铁有限公司');
      sheet.set(a, '税号', 'TX-B-0002').set(a, '电话', '010-1');
      const c = sheet.find('客户名称', '丙水务集团');
      sheet.set(c, '备注', '改了');
      const before = await snapshot('customers');
      for (const query of ['?dryRun=true', '']) {
        const res = await importXlsx('/api/customers', sheet, query);
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('IMPORT_INVALID');
        const results = res.body.error.details.results as Result[];
        expect(byRow(results, a)).toMatchObject({
          status: 'error',
          errors: [{ row: a, field: 'taxId', column: '税号', code: 'IMPORT_ROW_AMBIGUOUS' }],
        });
        expect(byRow(results, c).status).toBe('changed');
        expect(res.body.error.details.totals).toMatchObject({ error: 1, changed: 1 });
        expect(await snapshot('customers')).toEqual(before);
      }
    });

    it("refuses a sales user's row for another owner's customer, showing none of its fields, and writes nothing", async () => {
      const sheet = await exportXlsx('/api/customers');
      const b = sheet.find('客户名称', '乙化工有限公司');
      sheet.set(b, '电话', '021-9999');
      const a = sheet.find('客户名称', '甲钢铁有限公司');
      sheet.set(a, '备注', '王销售改的');
      const before = await snapshot('customers');
      const res = await importXlsx('/api/customers', sheet, '', sales1.token);
      expect(res.status).toBe(422);
      const row = byRow(res.body.error.details.results as Result[], b);
      expect(row).toMatchObject({ status: 'error', changes: [], errors: [{ code: 'NOT_YOUR_RECORD' }] });
      expect(JSON.stringify(res.body)).not.toContain('021-9999');
      expect(await snapshot('customers')).toEqual(before);

      // Their own customers only (their export has just these): applied.
      const own = await exportXlsx('/api/customers', sales1.token);
      expect(own.sheet.rowCount).toBe(4); // header, 甲, 丙, 丁
      own.set(own.find('客户名称', '甲钢铁有限公司'), '备注', '王销售改的');
      const ok = await importXlsx('/api/customers', own, '', sales1.token);
      expect(ok.status).toBe(200);
      expect(ok.body.totals).toEqual({ new: 0, changed: 1, unchanged: 2, error: 0 });

      // Nor may they hand one of theirs to another owner.
      own.set(own.find('客户名称', '丙水务集团'), '销售负责人', '李销售');
      const give = await importXlsx('/api/customers', own, '?dryRun=true', sales1.token);
      expect(give.status).toBe(422);
      expect(give.body.error.details.errors).toEqual([
        expect.objectContaining({ field: 'salesOwner', code: 'NOT_YOUR_RECORD' }),
      ]);
    });
  });

  describe('products', () => {
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      for (const [code, listPrice] of [
        ['RT-1', '8600.00'],
        ['RT-2', '1200.00'],
      ]) {
        const res = await post('/api/products', {
          code,
          nameZh: `产品${code}`,
          unit: '台',
          listPrice,
          floorPrice: '100.00',
        });
        expect(res.status).toBe(201);
        ids[code] = res.body.id as string;
      }
    });

    it('lists the changes on a dry run and writes nothing; applies them without duplicating any code', async () => {
      const sheet = await exportXlsx('/api/products');
      const p1 = sheet.find('产品编码', 'RT-1');
      expect(sheet.get(p1, 'ID')).toBe(ids['RT-1']);
      sheet.set(p1, '目录价', 9100.5).set(p1, '状态', '停用').set(p1, '税率', '13%');
      const p3 = sheet.add({ 产品编码: 'RT-3', 产品名称: '新产品', 单位: '套', 目录价: 50, 最低价: 40 });
      const before = await snapshot('products');

      const dry = await importXlsx('/api/products', sheet, '?dryRun=true');
      expect(dry.status).toBe(200);
      expect(dry.body.totals).toEqual({ new: 1, changed: 1, unchanged: 1, error: 0 });
      expect(byRow(dry.body.results as Result[], p1).changes).toEqual([
        { field: 'listPrice', column: '目录价', old: '8600.00', new: '9100.50' },
        { field: 'active', column: '状态', old: '启用', new: '停用' },
      ]);
      expect(byRow(dry.body.results as Result[], p3).status).toBe('new');
      expect(await snapshot('products')).toEqual(before);

      const res = await importXlsx('/api/products', sheet);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ written: 2, totals: { new: 1, changed: 1, unchanged: 1, error: 0 } });
      expect(await count('products')).toBe(3);
      const p = await t.http().get(`/api/products/${ids['RT-1']}`).auth(backoffice, { type: 'bearer' });
      expect(p.body).toMatchObject({ listPrice: '9100.50', active: false, taxRate: '13.00', version: 2 });

      // Re-imported as is (RT-3's row has no ID: its code finds it now).
      const again = await importXlsx('/api/products', sheet);
      expect(again.body.totals).toEqual({ new: 0, changed: 0, unchanged: 3, error: 0 });
      expect(await count('products')).toBe(3);
    });

    it('matches by code when the sheet has no ID column', async () => {
      const res = await t
        .http()
        .post('/api/products/import?dryRun=true')
        .auth(backoffice, { type: 'bearer' })
        .attach('file', Buffer.from('产品编码,产品名称,单位,目录价,最低价\nRT-2,改名,台,1200,100\n', 'utf8'), 'p.csv');
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        {
          row: 2,
          status: 'changed',
          id: ids['RT-2'],
          errors: [],
          changes: [{ field: 'nameZh', column: '产品名称', old: '产品RT-2', new: '改名' }],
        },
      ]);
    });

    it('refuses a row whose ID and code name two products, or two rows for one product, and writes nothing', async () => {
      const sheet = await exportXlsx('/api/products');
      const p1 = sheet.find('产品编码', 'RT-1');
      sheet.set(p1, '产品编码', 'RT-2');
      const p3 = sheet.find('产品编码', 'RT-3');
      const twice = sheet.add({ 产品编码: 'RT-3', 产品名称: '又一行', 单位: '套', 目录价: 50, 最低价: 40 });
      const before = await snapshot('products');
      const res = await importXlsx('/api/products', sheet);
      expect(res.status).toBe(422);
      const results = res.body.error.details.results as Result[];
      expect(byRow(results, p1).errors).toEqual([
        expect.objectContaining({ code: 'IMPORT_ROW_AMBIGUOUS', field: 'code' }),
      ]);
      expect(byRow(results, p3).status).toBe('unchanged');
      expect(byRow(results, twice).errors).toEqual([
        expect.objectContaining({
          code: 'IMPORT_ROW_DUPLICATE',
          message: expect.stringContaining(`Row ${p3} already`),
        }),
      ]);
      expect(await snapshot('products')).toEqual(before);
    });

    it('takes an ID that names no product (another installation, a deleted record) as no ID: the code decides', async () => {
      const sheet = await exportXlsx('/api/products');
      const p2 = sheet.find('产品编码', 'RT-2');
      sheet.set(p2, 'ID', '00000000-0000-4000-8000-000000000000');
      const p9 = sheet.add({
        ID: '00000000-0000-4000-8000-000000000009',
        产品编码: 'RT-9',
        产品名称: '九',
        单位: '台',
        目录价: 9,
        最低价: 9,
      });
      const res = await importXlsx('/api/products', sheet, '?dryRun=true');
      expect(res.status).toBe(200);
      expect(byRow(res.body.results as Result[], p2)).toMatchObject({ status: 'unchanged', id: ids['RT-2'] });
      expect(byRow(res.body.results as Result[], p9)).toMatchObject({ status: 'new', id: null });
    });
  });

  describe('qualifications and performance records', () => {
    it('round-trips qualifications matched by ID and certificate number', async () => {
      const q = await post('/api/qualifications', {
        type: 'iso9001',
        name: '质量管理体系认证',
        number: 'CQC-0001',
        validFrom: '2024-01-01',
        validTo: '2027-01-01',
      });
      expect(q.status).toBe(201);
      const sheet = await exportXlsx('/api/qualifications');
      const r = sheet.find('证书编号', 'CQC-0001');
      sheet.set(r, '有效期至', new Date('2030-01-01T00:00:00Z'));
      sheet.add({
        资质类型: '营业执照',
        资质名称: '营业执照',
        证书编号: 'BL-1',
        有效期起: '2020-01-01',
        有效期至: '长期',
      });
      const before = await snapshot('qualifications');
      const dry = await importXlsx('/api/qualifications', sheet, '?dryRun=true');
      expect(dry.status).toBe(200);
      expect(byRow(dry.body.results as Result[], r).changes).toEqual([
        { field: 'validTo', column: '有效期至', old: '2027-01-01', new: '2030-01-01' },
      ]);
      expect(dry.body.totals).toEqual({ new: 1, changed: 1, unchanged: 0, error: 0 });
      expect(await snapshot('qualifications')).toEqual(before);
      expect((await importXlsx('/api/qualifications', sheet)).status).toBe(200);
      expect(await count('qualifications')).toBe(2);
      const again = await importXlsx('/api/qualifications', sheet);
      expect(again.body.totals).toEqual({ new: 0, changed: 0, unchanged: 2, error: 0 });
      expect(await count('qualifications')).toBe(2);
    });

    it('round-trips performance records matched by ID and by project + customer', async () => {
      const p = await post('/api/performance', {
        projectName: '一号高炉改造',
        customerName: '甲钢铁有限公司',
        industry: 'steel',
        contractAmount: '1300000.00',
        signedDate: '2023-03-01',
      });
      expect(p.status).toBe(201);
      const sheet = await exportXlsx('/api/performance');
      const r = sheet.find('项目名称', '一号高炉改造');
      sheet.set(r, '合同金额', 1350000).set(r, '项目地点', '苏州');
      const before = await snapshot('performance_records');
      const dry = await importXlsx('/api/performance', sheet, '?dryRun=true');
      expect(dry.status).toBe(200);
      expect(byRow(dry.body.results as Result[], r).changes).toEqual([
        { field: 'contractAmount', column: '合同金额', old: '1300000.00', new: '1350000.00' },
        { field: 'location', column: '项目地点', old: null, new: '苏州' },
      ]);
      expect(await snapshot('performance_records')).toEqual(before);
      expect((await importXlsx('/api/performance', sheet)).body).toMatchObject({ written: 1 });
      expect(await count('performance_records')).toBe(1);

      // Without the ID: the project and customer find the record.
      sheet.set(r, 'ID', null).set(r, '供货范围', '电磁流量计 20 台');
      const byKey = await importXlsx('/api/performance', sheet);
      expect(byKey.body.results).toEqual([expect.objectContaining({ status: 'changed', id: p.body.id })]);
      expect(await count('performance_records')).toBe(1);
    });
  });
});
