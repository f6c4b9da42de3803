import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { usccCheckChar } from '../../src/modules/company/uscc.js';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * Issue #14, "no lost edits": every record people edit carries a version; GET gives it as a weak ETag, a write with a
 * stale If-Match gets 412 STALE_RECORD and changes nothing, and of two writers with the same If-Match only one wins.
 */

type Body = Record<string, unknown>;
interface Kind {
  type: string;
  table: string;
  /** Makes one record through the API; returns its path (GET and PATCH) and id. */
  create: () => Promise<{ path: string; id: string }>;
  /** A change of one text field, different for each i; `field` is where it shows in the view. */
  change: (i: number) => Body;
  field: string;
}

const today = todayIso();
const uscc = (first17: string) => first17 + usccCheckChar(first17);

describe('record versions: ETag, If-Match and 412 STALE_RECORD (#14)', () => {
  let t: TestApp;
  let backoffice: string;
  let customerId: string;
  let productId: string;
  const call = (method: 'get' | 'patch' | 'put' | 'delete', path: string, ifMatch?: string) => {
    const req = t.http()[method](path).auth(backoffice, { type: 'bearer' });
    return ifMatch === undefined ? req : req.set('If-Match', ifMatch);
  };
  const created = async (path: string, body: Body) => {
    const res = await t.http().post(path).auth(backoffice, { type: 'bearer' }).send(body);
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return { path: `${path}/${res.body.id as string}`, id: res.body.id as string };
  };
  const row = async (table: string, id: string) =>
    (await t.db.query(`SELECT * FROM ${table} WHERE id = $1`, [id]))[0] as Record<string, unknown>;
  const auditCount = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0].n);

  const lines = () => [
    { name: '现场安装调试', unit: '项', qty: '1', unitPrice: '5000.00', taxRate: '6' },
    { productId, qty: '2' },
  ];
  const paymentTerms = [{ percent: '100', event: 'other', days: 30, label: '验收后' }];

  const KINDS: Kind[] = [
    {
      type: 'customer',
      table: 'customers',
      create: () => created('/api/customers', { name: `版本客户 ${Math.random()}`, contacts: [{ name: '刘芳' }] }),
      change: (i) => ({ notes: `备注 ${i}` }),
      field: 'notes',
    },
    {
      type: 'product',
      table: 'products',
      create: () =>
        created('/api/products', {
          code: `VER-${Math.random().toString(36).slice(2, 8)}`,
          nameZh: '电磁流量计',
          unit: '台',
          listPrice: '8600.00',
          floorPrice: '6900.00',
        }),
      change: (i) => ({ specification: `DN${50 + i}` }),
      field: 'specification',
    },
    {
      type: 'qualification',
      table: 'qualifications',
      create: () =>
        created('/api/qualifications', {
          type: 'iso9001',
          name: '质量管理体系认证证书',
          validFrom: '2024-01-01',
          validTo: '2029-01-01',
        }),
      change: (i) => ({ notes: `备注 ${i}` }),
      field: 'notes',
    },
    {
      type: 'performance record',
      table: 'performance_records',
      create: () =>
        created('/api/performance', {
          projectName: '烧结矿浆浓度测量改造',
          customerName: '青澜钢铁集团有限公司',
          industry: 'steel',
          contractAmount: '1280000.00',
          currency: 'CNY',
          signedDate: '2023-04-18',
        }),
      change: (i) => ({ scope: `压力变送器${100 + i}台` }),
      field: 'scope',
    },
    {
      type: 'company profile',
      table: 'company_profile',
      create: async () => {
        const res = await call('put', '/api/company').send({
          legalNameZh: '华东智能仪表有限公司',
          creditCode: uscc('91320506MA1NK4RB7'),
        });
        if (res.status !== 200) throw new Error(`PUT /api/company: ${res.status} ${JSON.stringify(res.body)}`);
        return { path: '/api/company', id: res.body.id as string };
      },
      change: (i) => ({ phone: `0512-6688 ${1200 + i}` }),
      field: 'phone',
    },
    {
      type: 'tender',
      table: 'tenders',
      create: () =>
        created('/api/tenders', {
          tenderNo: `ZB-VER-${Math.random().toString(36).slice(2, 8)}`,
          projectName: '炼铁厂料位测量改造',
          buyer: '青澜钢铁集团有限公司',
          deadline: `${addDays(today, 20)}T10:00:00+08:00`,
          bidValidityDays: 90,
        }),
      change: (i) => ({ notes: `备注 ${i}` }),
      field: 'notes',
    },
    {
      type: 'quotation',
      table: 'quotations',
      create: () =>
        created('/api/quotations', {
          customerId,
          projectName: '料位测量改造',
          validUntil: addDays(today, 30),
          lines: lines(),
          paymentTerms,
        }),
      change: (i) => ({ notes: `备注 ${i}` }),
      field: 'notes',
    },
    {
      type: 'contract',
      table: 'contracts',
      create: () =>
        created('/api/contracts', {
          customerId,
          projectName: '料位测量改造',
          signingDate: today,
          lines: lines(),
          paymentTerms,
        }),
      change: (i) => ({ specialRequirements: `特殊要求 ${i}` }),
      field: 'specialRequirements',
    },
  ];

  beforeAll(async () => {
    t = await startTestApp('record_versions');
    backoffice = (await t.userWith(['backoffice'])).token;
    customerId = (await created('/api/customers', { name: '华东海晟石化有限公司' })).id;
    productId = (
      await created('/api/products', {
        code: 'LDG-50',
        nameZh: '电磁流量计',
        unit: '台',
        listPrice: '8600.00',
        floorPrice: '6900.00',
      })
    ).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * Two PATCHes with the same If-Match, made to meet: a connection of the test's own holds the record's row lock
   * until both requests are waiting on it (pg_stat_activity), then lets go. A check that read the version without
   * taking the row lock would let both through.
   */
  async function racePatches(kind: Kind, path: string, id: string, etag: string, bodies: [Body, Body]) {
    const holder = new pg.Client({ connectionString: t.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM ${kind.table} WHERE id = $1 FOR UPDATE`, [id]);
      const pending = bodies.map((body) =>
        call('patch', path, etag)
          .send(body)
          .then((res) => res),
      );
      let waiting = 0;
      for (let i = 0; i < 400 && waiting < 2; i++) {
        await new Promise((r) => setTimeout(r, 25));
        const rows = await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        waiting = rows.rows[0].n;
      }
      await holder.query('COMMIT');
      expect(waiting).toBe(2); // both requests were at the lock together: the race really happened
      return await Promise.all(pending);
    } finally {
      await holder.end();
    }
  }

  describe.each(KINDS.map((k) => [k.type, k] as const))('%s', (_type, kind) => {
    let path: string;
    let id: string;

    beforeAll(async () => {
      ({ path, id } = await kind.create());
    });

    it('GET answers the version as a weak ETag, and a PATCH with it succeeds with the next one', async () => {
      const got = await call('get', path);
      expect(got.status).toBe(200);
      expect(typeof got.body.version).toBe('number');
      expect(got.headers.etag).toBe(`W/"${got.body.version}"`);
      expect(got.headers['cache-control']).toBe('private, no-store');

      const patched = await call('patch', path, got.headers.etag).send(kind.change(1));
      expect(patched.status).toBe(200);
      expect(patched.body[kind.field]).toBe(kind.change(1)[kind.field]);
      expect(patched.body.version).toBe(got.body.version + 1);
      expect(patched.headers.etag).toBe(`W/"${got.body.version + 1}"`);
      expect((await call('get', path)).headers.etag).toBe(patched.headers.etag);
    });

    it('refuses a PATCH with a stale If-Match: 412 STALE_RECORD with the current version, nothing written', async () => {
      const current = await call('get', path);
      const stale = `W/"${current.body.version - 1}"`;
      const before = await row(kind.table, id);
      const audits = await auditCount();

      const res = await call('patch', path, stale).send(kind.change(2));
      expect(res.status).toBe(412);
      expect(res.body.error).toMatchObject({
        code: 'STALE_RECORD',
        details: { currentVersion: current.body.version, currentETag: current.headers.etag },
      });
      expect(await row(kind.table, id)).toEqual(before);
      expect(await auditCount()).toBe(audits);
      const after = await call('get', path);
      expect(after.body[kind.field]).toBe(current.body[kind.field]);
      expect(after.headers.etag).toBe(current.headers.etag);
    });

    it('lets only one of two concurrent PATCHes with the same If-Match through; the other gets 412', async () => {
      const current = await call('get', path);
      const [a, b] = await racePatches(kind, path, id, current.headers.etag as string, [
        kind.change(3),
        kind.change(4),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 412]);
      const [won, lost] = a.status === 200 ? [a, b] : [b, a];
      expect(lost.body.error).toMatchObject({
        code: 'STALE_RECORD',
        details: { currentVersion: current.body.version + 1 },
      });
      const after = await call('get', path);
      expect(after.body.version).toBe(current.body.version + 1);
      expect(after.body[kind.field]).toBe(won.body[kind.field]);
    });

    it('takes the strong form "n" too, and a PATCH without If-Match still goes through (clients that never send it)', async () => {
      const current = await call('get', path);
      const strong = await call('patch', path, `"${current.body.version}"`).send(kind.change(5));
      expect(strong.status).toBe(200);
      const none = await call('patch', path).send(kind.change(6));
      expect(none.status).toBe(200);
      expect(none.body.version).toBe(current.body.version + 2);
    });
  });

  it('refuses an If-Match that is no ETag of ours with 400 INVALID_IF_MATCH, changing nothing', async () => {
    const { path, id } = await KINDS[0].create();
    const before = await row('customers', id);
    for (const bad of ['abc', 'W/"x"', '"1', '"-1"', `"${'9'.repeat(12)}"`, 'W/"1", junk']) {
      const res = await call('patch', path, bad).send({ notes: 'x' });
      expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({
        bad,
        status: 400,
        code: 'INVALID_IF_MATCH',
      });
    }
    expect(await row('customers', id)).toEqual(before);
  });

  it('accepts a list of ETags when one of them is current, and * as "any version"', async () => {
    const { path } = await KINDS[0].create();
    const v = (await call('get', path)).body.version as number;
    expect((await call('patch', path, `W/"${v + 7}", W/"${v}"`).send({ notes: 'a' })).status).toBe(200);
    expect((await call('patch', path, '*').send({ notes: 'b' })).status).toBe(200);
  });

  it('checks If-Match on DELETE too: a stale one neither archives a customer nor deletes a qualification', async () => {
    const customer = await KINDS[0].create();
    const v = (await call('get', customer.path)).body.version as number;
    await call('patch', customer.path).send({ notes: 'changed meanwhile' });
    const archive = await call('delete', customer.path, `W/"${v}"`);
    expect(archive.status).toBe(412);
    expect((await row('customers', customer.id)).archived).toBe(false);
    const current = await call('get', customer.path);
    const archived = await call('delete', customer.path, current.headers.etag as string);
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ archived: true, version: current.body.version + 1 });

    const q = await KINDS[2].create();
    const qv = (await call('get', q.path)).body.version as number;
    const refused = await call('delete', q.path, `W/"${qv + 1}"`);
    expect(refused.status).toBe(412);
    expect(await row('qualifications', q.id)).toBeDefined();
    expect((await call('delete', q.path, `W/"${qv}"`)).status).toBe(200);
    expect(await row('qualifications', q.id)).toBeUndefined();
  });

  it("raises a customer's version when only its contacts change", async () => {
    const { path } = await KINDS[0].create();
    const current = await call('get', path);
    const res = await call('patch', path, current.headers.etag as string).send({
      contacts: [{ name: '周敏', billing: true }],
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(current.body.version + 1);
    expect((await call('patch', path, current.headers.etag as string).send({ notes: 'late' })).status).toBe(412);
  });

  it('a submitted quotation: a stale If-Match makes no new revision; the current one does (revision 2)', async () => {
    const { path, id } = await KINDS[6].create();
    const draft = await call('get', path);
    const submitted = await t.http().post(`${path}/submit`).auth(backoffice, { type: 'bearer' });
    expect(submitted.status).toBe(200);
    expect(submitted.body.version).toBe(draft.body.version + 1); // a status change is a change too
    const refused = await call('patch', path, draft.headers.etag as string).send({ notes: '改价' });
    expect(refused.status).toBe(412);
    expect((await t.db.query('SELECT id FROM quotation_revisions WHERE quotation_id = $1', [id])).length).toBe(1);
    const revised = await call('patch', path, `W/"${submitted.body.version}"`).send({ notes: '改价' });
    expect(revised.status).toBe(200);
    expect(revised.body).toMatchObject({ revision: 2, status: 'draft', version: submitted.body.version + 1 });
  });
});

describe('REQUIRE_IF_MATCH=true', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp('record_versions_required', { REQUIRE_IF_MATCH: 'true' });
    token = (await t.userWith(['backoffice'])).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a versioned write without If-Match with 428 IF_MATCH_REQUIRED, and takes one with it', async () => {
    const made = await t
      .http()
      .post('/api/customers')
      .auth(token, { type: 'bearer' })
      .send({ name: '必须带版本的客户' });
    expect(made.status).toBe(201);
    const path = `/api/customers/${made.body.id as string}`;
    const without = await t.http().patch(path).auth(token, { type: 'bearer' }).send({ notes: 'x' });
    expect(without.status).toBe(428);
    expect(without.body.error.code).toBe('IF_MATCH_REQUIRED');
    const got = await t.http().get(path).auth(token, { type: 'bearer' });
    expect(got.body.notes).toBeNull();
    const withTag = await t
      .http()
      .patch(path)
      .auth(token, { type: 'bearer' })
      .set('If-Match', got.headers.etag as string)
      .send({ notes: 'x' });
    expect(withTag.status).toBe(200);
  });
});
