import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProductsService } from '../../src/modules/products/products.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

const DENSITY_METER = {
  code: 'NDM-137',
  nameZh: '核子密度计',
  nameEn: 'Radiometric density gauge',
  specification: 'Cs-137 密封放射源 1.85 GBq，铅屏蔽源容器，DN100–DN600',
  unit: '套',
  listPrice: '198000.00',
  floorPrice: '165000.00',
  productLine: '核子仪表',
};

/** Every string anywhere in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('products and the price list', () => {
  let t: TestApp;
  let backoffice: string;
  let manager: string;
  let finance: string;
  let sales: string;
  let production: string;
  let engineering: string;
  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
    patch: (path: string) => t.http().patch(path).auth(token, { type: 'bearer' }),
    delete: (path: string) => t.http().delete(path).auth(token, { type: 'bearer' }),
  });
  const snapshot = async () => ({
    products: await t.db.query('SELECT * FROM products ORDER BY id'),
    audit: (await t.db.query('SELECT id FROM audit_log')).length,
  });

  beforeAll(async () => {
    t = await startTestApp('products');
    backoffice = (await t.userWith(['backoffice'])).token;
    manager = (await t.userWith(['manager'])).token;
    finance = (await t.userWith(['finance'])).token;
    sales = (await t.userWith(['sales'])).token;
    production = (await t.userWith(['production'])).token;
    engineering = (await t.userWith(['engineering'])).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a product with defaults and audits it', async () => {
    const res = await as(backoffice).post('/api/products').send(DENSITY_METER);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...DENSITY_METER, taxRate: '13.00', currency: 'CNY', active: true });
    const audit = await t.db.query<{ details: { after: Record<string, unknown> } }>(
      "SELECT details FROM audit_log WHERE action = 'product.create' AND entity_id = $1",
      [res.body.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].details.after).toMatchObject({ code: 'NDM-137', listPrice: '198000.00' });
  });

  it('keeps money a float cannot hold exactly, and normalises to two places', async () => {
    const res = await as(manager)
      .post('/api/products')
      .send({
        code: 'BIG-1',
        nameZh: '大型成套计量系统',
        unit: '套',
        listPrice: '12345678901234.56',
        floorPrice: '9999999999999.9',
        taxRate: '9',
        currency: 'USD',
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      listPrice: '12345678901234.56',
      floorPrice: '9999999999999.90',
      taxRate: '9.00',
      currency: 'USD',
    });
    const read = await as(finance).get(`/api/products/${res.body.id}`);
    expect(read.body.listPrice).toBe('12345678901234.56');
    expect(read.text).toContain('"listPrice":"12345678901234.56"');
    expect(await t.db.query('SELECT list_price::text AS p FROM products WHERE id = $1', [res.body.id])).toEqual([
      { p: '12345678901234.56' },
    ]);
  });

  it('refuses a JSON number for a price, naming the field, and changes nothing', async () => {
    const before = await snapshot();
    const res = await as(backoffice)
      .post('/api/products')
      .send({ ...DENSITY_METER, code: 'NUM-1', listPrice: 198000 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.fields).toEqual([
      { field: 'listPrice', messages: [expect.stringMatching(/decimal string/)] },
    ]);
    const tax = await as(backoffice)
      .post('/api/products')
      .send({ ...DENSITY_METER, code: 'NUM-2', taxRate: '130' });
    expect(tax.body.error.details.fields).toEqual([expect.objectContaining({ field: 'taxRate' })]);
    const negative = await as(backoffice)
      .post('/api/products')
      .send({ ...DENSITY_METER, code: 'NUM-3', floorPrice: '-1.00' });
    expect(negative.body.error.details.fields).toEqual([expect.objectContaining({ field: 'floorPrice' })]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a floor price above the list price, on create and on update', async () => {
    const before = await snapshot();
    const create = await as(backoffice)
      .post('/api/products')
      .send({ ...DENSITY_METER, code: 'FLOOR-1', floorPrice: '198000.01' });
    expect(create.status).toBe(400);
    expect(create.body.error).toMatchObject({
      code: 'FLOOR_ABOVE_LIST',
      details: { listPrice: '198000.00', floorPrice: '198000.01' },
    });
    const { id } = (await as(backoffice).get('/api/products?q=NDM')).body.items[0];
    const update = await as(backoffice).patch(`/api/products/${id}`).send({ listPrice: '150000.00' });
    expect(update.status).toBe(400);
    expect(update.body.error.code).toBe('FLOOR_ABOVE_LIST');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a duplicate code with PRODUCT_CODE_EXISTS', async () => {
    const before = await snapshot();
    const res = await as(backoffice).post('/api/products').send(DENSITY_METER);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'PRODUCT_CODE_EXISTS', details: { code: 'NDM-137' } });
    const { id } = (await as(backoffice).get('/api/products?q=BIG-1')).body.items[0];
    const rename = await as(backoffice).patch(`/api/products/${id}`).send({ code: 'NDM-137' });
    expect(rename.status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it('updates a product and audits before and after', async () => {
    const { id } = (await as(backoffice).get('/api/products?q=NDM')).body.items[0];
    const res = await as(manager)
      .patch(`/api/products/${id}`)
      .send({ listPrice: '205000', floorPrice: '170000.5', specification: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      listPrice: '205000.00',
      floorPrice: '170000.50',
      specification: null,
      nameZh: '核子密度计',
    });
    const audit = await t.db.query<{ details: Record<string, Record<string, unknown>> }>(
      "SELECT details FROM audit_log WHERE action = 'product.update' AND entity_id = $1",
      [id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({
      before: { listPrice: '198000.00' },
      after: { listPrice: '205000.00', floorPrice: '170000.50' },
    });
    const nullPrice = await as(manager).patch(`/api/products/${id}`).send({ listPrice: null });
    expect(nullPrice.status).toBe(400);
    expect(nullPrice.body.error.details.fields[0].field).toBe('listPrice');
  });

  it('keeps writes to admin, backoffice and manager', async () => {
    const before = await snapshot();
    for (const token of [sales, finance, production, engineering]) {
      const res = await as(token)
        .post('/api/products')
        .send({ ...DENSITY_METER, code: 'NOPE-1' });
      expect(res.status).toBe(403);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('shows production users products without any price field', async () => {
    const list = await as(production).get('/api/products');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThanOrEqual(2);
    for (const item of list.body.items) {
      expect(item).not.toHaveProperty('listPrice');
      expect(item).not.toHaveProperty('floorPrice');
      expect(item).toHaveProperty('taxRate');
    }
    const one = await as(production).get(`/api/products/${list.body.items[0].id}`);
    expect(Object.keys(one.body)).not.toEqual(expect.arrayContaining(['listPrice']));
    expect(Object.keys(one.body)).not.toEqual(expect.arrayContaining(['floorPrice']));

    const prices = ['205000', '170000', '12345678901234', '9999999999999'];
    for (const body of [list.body, one.body]) {
      const text = JSON.stringify(body);
      for (const price of prices) expect(text).not.toContain(price);
      for (const s of strings(body)) expect(s).not.toMatch(/^\d{4,}\.\d{2}$/);
    }
  });

  it('shows sales the list price but not the floor price; finance and manager both', async () => {
    const forSales = (await as(sales).get('/api/products?q=NDM')).body.items[0];
    expect(forSales.listPrice).toBe('205000.00');
    expect(forSales).not.toHaveProperty('floorPrice');
    expect(JSON.stringify(forSales)).not.toContain('170000');
    const forEngineering = (await as(engineering).get('/api/products?q=NDM')).body.items[0];
    expect(forEngineering).toHaveProperty('listPrice');
    expect(forEngineering).not.toHaveProperty('floorPrice');
    for (const token of [finance, manager, backoffice, t.adminToken]) {
      const item = (await as(token).get('/api/products?q=NDM')).body.items[0];
      expect(item).toMatchObject({ listPrice: '205000.00', floorPrice: '170000.50' });
    }
  });

  it('searches Chinese text and specifications, filters by product line and active, sorts and pages', async () => {
    const more = [
      {
        code: 'LDG-50',
        nameZh: '电磁流量计',
        specification: 'DN50 PN16，PTFE 衬里',
        unit: '台',
        listPrice: '8600.00',
        floorPrice: '6900.00',
        productLine: '流量仪表',
      },
      {
        code: 'LDG-200',
        nameZh: '电磁流量计',
        specification: 'DN200 PN10，氯丁橡胶衬里',
        unit: '台',
        listPrice: '16800.00',
        floorPrice: '13500.00',
        productLine: '流量仪表',
      },
      {
        code: 'RVVP-2X1.0',
        nameZh: '屏蔽信号电缆',
        unit: 'm',
        listPrice: '6.50',
        floorPrice: '5.20',
        productLine: '辅材',
      },
    ];
    for (const p of more) expect((await as(backoffice).post('/api/products').send(p)).status).toBe(201);

    const byName = await as(production).get(`/api/products?q=${encodeURIComponent('流量')}`);
    expect(byName.body.items.map((p: { code: string }) => p.code)).toEqual(['LDG-200', 'LDG-50']);
    const bySpec = await as(production).get(`/api/products?q=${encodeURIComponent('氯丁橡胶')}`);
    expect(bySpec.body.items.map((p: { code: string }) => p.code)).toEqual(['LDG-200']);
    const byLine = await as(production).get(`/api/products?productLine=${encodeURIComponent('核子仪表')}`);
    expect(byLine.body.items.map((p: { code: string }) => p.code)).toEqual(['NDM-137']);
    const newest = await as(production).get('/api/products?sort=createdAt&order=desc&pageSize=2');
    expect(newest.body).toMatchObject({ total: 5, pageSize: 2 });
    expect(newest.body.items.map((p: { code: string }) => p.code)).toEqual(['RVVP-2X1.0', 'LDG-200']);
    const page3 = await as(production).get('/api/products?sort=code&pageSize=2&page=3');
    expect(page3.body.items.map((p: { code: string }) => p.code)).toEqual(['RVVP-2X1.0']);
    expect((await as(production).get('/api/products?sort=listPrice')).status).toBe(400);
  });

  it('deactivates on DELETE, and the active filter tells them apart', async () => {
    const { id } = (await as(backoffice).get('/api/products?q=RVVP')).body.items[0];
    const del = await as(manager).delete(`/api/products/${id}`);
    expect(del.status).toBe(200);
    expect(del.body.active).toBe(false);
    expect(
      (await as(sales).get('/api/products?active=true')).body.items.map((p: { code: string }) => p.code),
    ).not.toContain('RVVP-2X1.0');
    expect((await as(sales).get('/api/products?active=false')).body.items.map((p: { code: string }) => p.code)).toEqual(
      ['RVVP-2X1.0'],
    );
    expect(
      await t.db.query("SELECT id FROM audit_log WHERE action = 'product.deactivate' AND entity_id = $1", [id]),
    ).toHaveLength(1);
    const back = await as(manager).patch(`/api/products/${id}`).send({ active: true });
    expect(back.body.active).toBe(true);
    expect((await as(sales).get('/api/products/00000000-0000-4000-8000-000000000000')).body.error.code).toBe(
      'PRODUCT_NOT_FOUND',
    );
  });

  it('offers findByIds with every field to other modules', async () => {
    const ids = (await as(backoffice).get('/api/products?pageSize=200')).body.items.map((p: { id: string }) => p.id);
    const found = await t.app.get(ProductsService).findByIds([ids[0], ids[0], ids[1]]);
    expect(found).toHaveLength(2);
    for (const p of found)
      expect(p).toEqual(expect.objectContaining({ listPrice: expect.any(String), floorPrice: expect.any(String) }));
  });
});
