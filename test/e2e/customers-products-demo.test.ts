import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CUSTOMERS } from '../../src/modules/customers/demo-data.js';
import { DEMO_PRODUCTS } from '../../src/modules/products/demo-data.js';
import { startTestApp, type TestApp } from '../support/app.js';

interface Row {
  [key: string]: unknown;
}

/** The first start with DEMO_DATA=true: customers and products come in through their import, like a user's sheet. */
describe('demo customers and products, loaded through the import', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('customers_products_demo', { DEMO_DATA: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (path: string) => t.http().get(path).auth(t.adminToken, { type: 'bearer' });

  it('was written by one audited import per record type, by the system', async () => {
    for (const [action, count, file] of [
      ['customer.import', DEMO_CUSTOMERS.length, 'customers.demo.csv'],
      ['product.import', DEMO_PRODUCTS.length, 'products.demo.csv'],
    ] as const) {
      const audit = await get(`/api/audit?action=${action}`);
      expect(audit.body.items).toEqual([
        expect.objectContaining({ actorName: 'system', details: { count, created: count, changed: [], file } }),
      ]);
    }
    const created = await t.db.query("SELECT id FROM audit_log WHERE action IN ('customer.create', 'product.create')");
    expect(created).toEqual([]);
  });

  it('keeps both contacts of a demo customer, the billing one marked', async () => {
    const customers = await get('/api/customers?pageSize=200');
    expect(customers.body.total).toBe(DEMO_CUSTOMERS.length);
    const qinglan = customers.body.items.find((c: Row) => c.name === '青澜钢铁集团有限公司');
    expect(qinglan.contacts.map((c: Row) => [c.name, c.title, c.billing])).toEqual([
      ['赵志强', '设备部 仪表主管', false],
      ['刘芳', '财务部 会计', true],
    ]);
    expect(qinglan).toMatchObject({ taxId: '91320500MA1W8K7C2W', nameEn: 'Qinglan Iron & Steel Group Co., Ltd.' });
  });

  it('has the price list with its prices and tax rates', async () => {
    const products = await get('/api/products?pageSize=200');
    expect(products.body.total).toBe(DEMO_PRODUCTS.length);
    const byCode = new Map(products.body.items.map((p: Row) => [p.code, p]));
    expect(byCode.get('NDM-137')).toMatchObject({ listPrice: '198000.00', floorPrice: '165000.00', taxRate: '13.00' });
    expect(byCode.get('SRV-RAD')).toMatchObject({ taxRate: '6.00', unit: '次' });
    expect(byCode.get('RVVP-2X1.0')).toMatchObject({ listPrice: '6.50', floorPrice: '5.20' });
  });
});
