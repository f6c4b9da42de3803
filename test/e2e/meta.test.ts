import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROLES, DOCUMENT_ISSUERS } from '../../src/modules/auth/roles.js';
import { RouteAccessCatalog } from '../../src/modules/auth/route-access.js';
import { DEPARTMENTS } from '../../src/modules/contact-sheets/contact-sheet.entity.js';
import { CONTRACT_STATUSES } from '../../src/modules/contracts/contract.entity.js';
import { DELIVERY_STATUSES } from '../../src/modules/deliveries/delivery.entity.js';
import { JOB_STATUSES } from '../../src/modules/jobs/job.entity.js';
import { OUTBOX_STATUSES } from '../../src/modules/outbox/outbox-message.entity.js';
import { QUOTATION_ACTIONS, QUOTATION_STATUSES } from '../../src/modules/quotations/quotation-status.js';
import { RUN_ITEM_STATUSES } from '../../src/modules/statement-runs/statement-run.entity.js';
import { STATEMENT_RESPONSES } from '../../src/modules/statements/statement.entity.js';
import { TENDER_STATUSES } from '../../src/modules/tenders/tender.entity.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { setPassword, signIn } from '../support/sign-in.js';

/**
 * GET /api/meta on the real app: every signed-in user reads it, the enumerations are the server's arrays, and
 * each role gets the rules and routes that apply to it — checked against what the API then does for that role.
 */
describe('GET /api/meta', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp('meta');
    for (const role of ROLES) tokens[role] = (await t.userWith([role])).token;
    tokens['production+finance'] = (await t.userWith(['production', 'finance'])).token;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const meta = async (who: string) => {
    const res = await t.http().get('/api/meta').auth(tokens[who]!, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as {
      enums: Record<string, string[]>;
      transitions: Record<'contract' | 'quotation' | 'tender', Record<string, string[]>>;
      statusSets: Record<string, string[]>;
      rules: Record<string, unknown>;
      routes: string[];
    };
  };

  it('needs a signed-in caller', async () => {
    expect((await t.http().get('/api/meta')).status).toBe(401);
  });

  it("answers with the server's own enumerations", async () => {
    const { enums } = await meta('sales');
    expect(enums.role).toEqual([...ROLES]);
    expect(enums.department).toEqual([...DEPARTMENTS]);
    expect(enums.tenderStatus).toEqual([...TENDER_STATUSES]);
    expect(enums.quotationStatus).toEqual([...QUOTATION_STATUSES]);
    expect(enums.contractStatus).toEqual([...CONTRACT_STATUSES]);
    expect(enums.deliveryStatus).toEqual([...DELIVERY_STATUSES]);
    expect(enums.statementResponse).toEqual([...STATEMENT_RESPONSES]);
    expect(enums.statementRunItemStatus).toEqual([...RUN_ITEM_STATUSES]);
    expect(enums.jobStatus).toEqual([...JOB_STATUSES]);
    expect(enums.outboxStatus).toEqual([...OUTBOX_STATUSES]);
  });

  it("gives the status machines' edges and the services' status sets", async () => {
    const { transitions } = await meta('sales');
    expect(transitions.contract.change).toEqual(['approved', 'active']);
    expect(transitions.contract.cancel).toEqual(['draft', 'review_failed', 'approved', 'active']);
    expect(transitions.quotation.approve).toEqual(['submitted']);
    expect(transitions.tender.submitted).toEqual(['won', 'lost', 'cancelled']);
    expect(transitions.tender.won).toEqual([]);
    const { statusSets } = await meta('production');
    expect(statusSets).toEqual({
      tenderLocked: ['submitted', 'won', 'lost', 'cancelled'],
      contractPayable: ['approved', 'active', 'completed'],
      contractInvoiceable: ['approved', 'active', 'completed'],
      contractShippable: ['approved', 'active'],
    });
  });

  it('gives each role the rules that apply to it', async () => {
    const production = await meta('production');
    expect(production.rules).toEqual({
      canSeePrices: false,
      canSeeFloorPrice: false,
      issuesDocuments: false,
      managerOverrides: false,
      issuesEverlastingTokens: false,
      departments: ['production'],
    });
    // Another role beside production shows prices again (as the services do).
    expect((await meta('production+finance')).rules).toMatchObject({
      canSeePrices: true,
      departments: ['finance', 'production'],
    });
    expect((await meta('sales')).rules).toMatchObject({
      canSeePrices: true,
      canSeeFloorPrice: false,
      managerOverrides: false,
    });
    expect((await meta('backoffice')).rules).toMatchObject({ canSeeFloorPrice: true, managerOverrides: false });
    expect((await meta('manager')).rules).toMatchObject({ canSeeFloorPrice: true, managerOverrides: true });
    // admin passes every role check but belongs to no department.
    expect((await meta('admin')).rules).toEqual({
      canSeePrices: true,
      canSeeFloorPrice: true,
      issuesDocuments: true,
      managerOverrides: true,
      issuesEverlastingTokens: true,
      departments: [],
    });
    for (const role of ROLES) {
      const issues = role === 'admin' || (DOCUMENT_ISSUERS as readonly string[]).includes(role);
      expect([role, (await meta(role)).rules.issuesDocuments]).toEqual([role, issues]);
    }
  });

  it('lists the routes each role may call, as the guard then decides', async () => {
    const all = t.app.get(RouteAccessCatalog).routes();
    const admin = await meta('admin');
    // admin: every route that is not public.
    expect(admin.routes.sort()).toEqual(
      all
        .filter((r) => r.access !== 'public')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
    const production = await meta('production');
    expect(production.routes).toContain('GET /api/meta');
    expect(production.routes).toContain('GET /api/deliveries');
    expect(production.routes).not.toContain('GET /api/tenders');
    expect(production.routes).not.toContain('POST /api/users');
    // What the answer says is what the API does: a route listed is not refused for the role, one left out is.
    for (const [role, path, listed] of [
      ['production', '/api/tenders', false],
      ['sales', '/api/tenders', true],
      ['sales', '/api/users', false],
      ['engineering', '/api/outbox', false],
      ['finance', '/api/outbox', true],
    ] as const) {
      expect([role, path, (await meta(role)).routes.includes(`GET ${path}`)]).toEqual([role, path, listed]);
      const res = await t.http().get(path).auth(tokens[role]!, { type: 'bearer' });
      expect([role, path, res.status !== 403]).toEqual([role, path, listed]);
    }
  });

  it('answers a browser session too', async () => {
    const { id } = await t.userWith(['engineering'], 'meta-browser');
    await setPassword(t.db, id, 'a long enough password 1');
    const s = await signIn(t.http, 'meta-browser', 'a long enough password 1');
    expect(s.stage).toBe('active');
    const res = await t.http().get('/api/meta').set('Cookie', s.cookie);
    expect(res.status).toBe(200);
    expect(res.body.rules).toMatchObject({ canSeePrices: true, departments: ['engineering'] });
  });

  it('is in the OpenAPI document with its schema', async () => {
    const doc = (await t.http().get('/docs-json')).body as {
      paths: Record<string, { get?: { responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.paths['/api/meta']?.get?.responses['200']).toBeDefined();
    expect(Object.keys(doc.components.schemas.MetaEnumsDto?.properties ?? {})).toEqual(
      expect.arrayContaining(['role', 'tenderStatus', 'outboxStatus', 'jobStatus']),
    );
  });

  it("names only routes that exist wherever the console asks may('METHOD /path')", async () => {
    const all = new Set(
      t.app
        .get(RouteAccessCatalog)
        .routes()
        .map((r) => `${r.method} ${r.path}`),
    );
    const root = join(import.meta.dirname, '../../src/modules/console/static');
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.js'));
    const asked = new Set<string>();
    for (const f of files) {
      const text = await readFile(join(root, f), 'utf8');
      for (const m of text.matchAll(/\bmay(?:\(\s*|:\s*)'([A-Z]+ \/[^']*)'/g)) asked.add(m[1]!);
    }
    // pages/quotations.js asks for each action of the status machine: POST /api/quotations/:id/<action>.
    for (const a of QUOTATION_ACTIONS) asked.add(`POST /api/quotations/:id/${a}`);
    expect(asked.size).toBeGreaterThan(40);
    expect([...asked].filter((r) => !all.has(r))).toEqual([]);
  });
});
