import { describe, expect, it } from '@jest/globals';
import { validateTable } from '../../common/tabular/import-table.js';
import { readTable } from '../../common/tabular/read-table.js';
import { isUscc } from '../company/uscc.js';
import { CUSTOMER_TABLE } from './customers.table.js';
import { DEMO_CUSTOMERS, DEMO_CUSTOMERS_CSV } from './demo-data.js';

describe('demo customers', () => {
  it('are a sheet the import takes without a single row error', async () => {
    const { report } = await validateTable(CUSTOMER_TABLE, await readTable(Buffer.from(DEMO_CUSTOMERS_CSV, 'utf8')));
    expect(report.errors).toEqual([]);
    expect(report.rows).toBe(DEMO_CUSTOMERS.length);
  });

  it('each have a valid credit code, a billing contact with a mail address under .example, and a unique name', () => {
    expect(DEMO_CUSTOMERS.length).toBeGreaterThanOrEqual(8);
    for (const c of DEMO_CUSTOMERS) {
      expect({ name: c.name, uscc: isUscc(c.taxId) }).toEqual({ name: c.name, uscc: true });
      expect(c.billingContactEmail).toMatch(/\.example$/);
    }
    expect(new Set(DEMO_CUSTOMERS.map((c) => c.name)).size).toBe(DEMO_CUSTOMERS.length);
  });
});
