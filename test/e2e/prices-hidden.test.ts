import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { RouteAccessCatalog } from '../../src/modules/auth/route-access.js';
import { startTestApp, type TestApp } from '../support/app.js';

// Keys that carry a commercial figure. `taxRate` is a rate, not a price, and stays visible.
const PRICE_KEY = /price|amount|discount|total|subtotal|^net$|^tax$|taxAmount|balance|paid|outstanding/i;
const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * A production user never sees a price: walk every GET route production may call, on the demo data, with
 * real ids, plus every export as CSV and XLSX, and look for price keys and for any price value in the database.
 */
describe('production users see no price anywhere', () => {
  let t: TestApp;
  let prod: string;
  let secrets: string[];

  beforeAll(async () => {
    t = await startTestApp('prices', { DEMO_DATA: 'true' });
    prod = (await t.userWith(['production'])).token;
    // Every value of every money-like numeric column, as the API would print it.
    const cols = await t.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type = 'numeric' AND column_name !~ '(rate|percent|qty|quantity)'`,
    );
    const values = new Set<string>();
    for (const c of cols) {
      for (const row of await t.db.query<{ v: string }>(`SELECT DISTINCT "${c.column_name}"::text AS v FROM "${c.table_name}" WHERE "${c.column_name}" IS NOT NULL`)) {
        // Small figures (13.00, 5000) also occur as non-prices (rates, phone numbers); from ¥100,000 up a
        // number identifies a price.
        if (/^-?\d{6,}/.test(row.v)) values.add(row.v);
      }
    }
    secrets = [...values];
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  // A price as a number of its own (not digits inside a phone number): 1234500.00, 1234500 or 1,234,500.00.
  function leaks(text: string): string[] {
    return secrets.filter((s) => {
      const [int, frac] = s.split('.');
      const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
      const forms = [s, frac === '00' ? int : null, `${grouped}.${frac}`].filter((f): f is string => f !== null);
      return forms.some((f) => new RegExp(`(?<![\\d.,])${f.replace(/[.,]/g, '\\$&')}(?![\\d]|\\.\\d)`).test(text));
    });
  }
  function priceKeys(value: unknown, path = ''): string[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => priceKeys(v, `${path}[${i}]`));
    if (value && typeof value === 'object') {
      // A page's `total` is a count of items, not money; a boolean (/api/meta's `rules.canSeePrices`: false for
      // production) says whether one may see prices, it is not one.
      const isPage = 'items' in value && 'pageSize' in value;
      return Object.entries(value).flatMap(([k, v]) => [
        ...(PRICE_KEY.test(k) && !(isPage && k === 'total') && typeof v !== 'boolean' ? [`${path}.${k}`] : []),
        ...priceKeys(v, `${path}.${k}`),
      ]);
    }
    return [];
  }

  it('has demo data with prices to hide', () => {
    expect(secrets.length).toBeGreaterThan(20);
  });

  it('finds no price key or value on any route production may read', async () => {
    const routes = t.app
      .get(RouteAccessCatalog)
      .routes()
      .filter((r) => r.method === 'GET' && r.access !== 'public' && (r.access?.includes('*') || r.access?.includes('production')));
    expect(routes.length).toBeGreaterThan(10);
    const admin = (path: string) => t.http().get(path).auth(t.adminToken, { type: 'bearer' });
    const visited: string[] = [];
    for (const route of routes) {
      let path = route.path;
      // Fill ids from the matching list (as admin), else a well-formed unknown id.
      const [, base] = /^(\/api\/[a-z-]+)\/:id/.exec(path) ?? [];
      if (base) {
        const list = await admin(base);
        const id = (list.body.items ?? list.body)?.[0]?.id as string | undefined;
        path = path.replace(':id', id ?? ZERO_UUID);
      }
      path = path.replace(/:[A-Za-z]+/g, ZERO_UUID);
      const urls = /\/export$/.test(path) ? [`${path}?format=csv`, `${path}?format=xlsx`] : [path];
      for (const url of urls) {
        const res = await t.http().get(url).auth(prod, { type: 'bearer' }).buffer(true).parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
        visited.push(`${res.status} ${url}`);
        const body = res.body as Buffer;
        let text = body.toString('utf8');
        if (url.endsWith('xlsx') && res.status === 200) {
          const wb = new ExcelJS.Workbook();
          await wb.xlsx.load(body as unknown as ArrayBuffer);
          text = wb.worksheets.map((ws) => ws.getSheetValues().map((r) => JSON.stringify(r)).join('\n')).join('\n');
        }
        expect({ url, leaks: leaks(text) }).toEqual({ url, leaks: [] });
        if ((res.headers['content-type'] ?? '').includes('json')) {
          expect({ url, keys: priceKeys(JSON.parse(text)) }).toEqual({ url, keys: [] });
        }
      }
    }
    // The walk really read records, not only errors.
    expect(visited.filter((v) => v.startsWith('200 ')).length).toBeGreaterThan(8);
  }, 120_000);
});
