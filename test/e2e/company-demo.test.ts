import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompanyService } from '../../src/modules/company/company.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

/** The first start of an empty database with DEMO_DATA=true: company, customers and products. */
describe('demo data for company, customers and products', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('company_demo', { DEMO_DATA: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (path: string) => t.http().get(path).auth(t.adminToken, { type: 'bearer' });

  it('loads the fictional instrument maker with both seals', async () => {
    const company = await get('/api/company');
    expect(company.body).toMatchObject({
      legalNameZh: '华东智能仪表有限公司',
      legalNameEn: 'East China Smart Instruments Co., Ltd.',
    });
    expect(company.body.seals.company).toMatchObject({ width: 240, height: 240 });
    const withSeals = await t.app.get(CompanyService).getProfileWithSeals();
    expect(withSeals.seals.contract?.bytes.length).toBeGreaterThan(100);
  });

  it('loads customers, each with a billing contact, and products with prices', async () => {
    const customers = await get('/api/customers?pageSize=200');
    expect(customers.body.total).toBeGreaterThanOrEqual(8);
    for (const c of customers.body.items)
      expect(c.billingContact).toEqual(expect.objectContaining({ email: expect.stringMatching(/\.example$/) }));
    const products = await get('/api/products?pageSize=200');
    expect(products.body.total).toBeGreaterThanOrEqual(15);
    expect(products.body.items.find((p: { code: string }) => p.code === 'NDM-137')).toMatchObject({
      nameZh: '核子密度计',
      listPrice: '198000.00',
      floorPrice: '165000.00',
    });
    // Customers and products come in through their import: one audit entry each, with the count.
    const audited = await t.db.query<{ action: string; details: Record<string, unknown> }>(
      "SELECT action, details FROM audit_log WHERE actor_name = 'system' AND action IN ('company.create', 'company.seal.upload', 'customer.import', 'product.import') ORDER BY action",
    );
    expect(audited.map((a) => a.action)).toEqual([
      'company.create',
      'company.seal.upload',
      'company.seal.upload',
      'customer.import',
      'product.import',
    ]);
    expect(audited[3].details).toMatchObject({ count: customers.body.total });
    expect(audited[4].details).toMatchObject({ count: products.body.total });
  });
});
