import { describe, expect, it } from '@jest/globals';
import { compare } from '../../common/money.js';
import { validateTable } from '../../common/tabular/import-table.js';
import { readTable } from '../../common/tabular/read-table.js';
import { DEMO_PRODUCTS, DEMO_PRODUCTS_CSV } from './demo-data.js';
import { PRODUCT_TABLE } from './products.table.js';

describe('demo products', () => {
  it('are a sheet the import takes without a single row error', async () => {
    const { report } = await validateTable(PRODUCT_TABLE, await readTable(Buffer.from(DEMO_PRODUCTS_CSV, 'utf8')));
    expect(report.errors).toEqual([]);
    expect(report.rows).toBe(DEMO_PRODUCTS.length);
  });

  it('have unique codes and floor prices not above list prices', () => {
    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(15);
    for (const p of DEMO_PRODUCTS)
      expect({ code: p.code, floorAboveList: compare(p.floorPrice, p.listPrice) > 0 }).toEqual({
        code: p.code,
        floorAboveList: false,
      });
    expect(new Set(DEMO_PRODUCTS.map((p) => p.code)).size).toBe(DEMO_PRODUCTS.length);
  });
});
