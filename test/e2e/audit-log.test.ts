import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';

interface Entry {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string | null;
}
interface Page {
  items: Entry[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * The audit log's list (what the console's audit page filters with): by record, actor, action (exact or a prefix),
 * and a time range, paged newest first; bad filters are a 400 with a stable code; admins and managers only.
 */
describe('audit log: filters', () => {
  let t: TestApp;
  let clerk: { id: string; token: string };
  let manager: { id: string; token: string };
  let userId: string;

  const list = async (query: Record<string, string | number>, token = t.adminToken) => {
    const res = await t.http().get('/api/audit').query(query).auth(token, { type: 'bearer' });
    return res;
  };
  const ok = async (query: Record<string, string | number>) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    return res.body as Page;
  };

  beforeAll(async () => {
    t = await startTestApp('auditlog');
    clerk = await t.userWith(['backoffice'], '内勤张敏');
    manager = await t.userWith(['manager'], '王总');
    userId = (await t.userWith(['sales'], '业务员李明')).id;
    const as = (token: string) => ({
      put: (path: string, body: object) => t.http().put(path).auth(token, { type: 'bearer' }).send(body),
      patch: (path: string, body: object) => t.http().patch(path).auth(token, { type: 'bearer' }).send(body),
    });
    expect(
      (
        await as(clerk.token).put('/api/company', {
          legalNameZh: '华东智能仪表有限公司',
          creditCode: '91350100M000100Y43',
        })
      ).status,
    ).toBe(200);
    expect((await as(clerk.token).patch('/api/company', { phone: '0512-6688 1200' })).status).toBe(200);
    expect((await as(t.adminToken).patch(`/api/users/${userId}`, { roles: ['sales', 'finance'] })).status).toBe(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('filters by actor: only what that user did', async () => {
    const page = await ok({ actorId: clerk.id });
    expect(page.items.map((e) => e.action)).toEqual(['company.update', 'company.create']);
    expect(new Set(page.items.map((e) => e.actorName))).toEqual(new Set(['内勤张敏']));
  });

  it('filters by action, exactly or by a prefix ending in .*', async () => {
    expect((await ok({ action: 'company.update' })).items.map((e) => e.actorId)).toEqual([clerk.id]);
    expect((await ok({ action: 'company.*' })).items.map((e) => e.action)).toEqual([
      'company.update',
      'company.create',
    ]);
    // The prefix ends at the dot: user.* is every user.… action and nothing else.
    const users = await ok({ action: 'user.*' });
    expect(new Set(users.items.map((e) => e.action))).toEqual(new Set(['user.create', 'user.update']));
    expect((await ok({ action: 'company' })).total).toBe(0);
    // Combined with the actor.
    expect((await ok({ action: 'user.*', actorId: clerk.id })).total).toBe(0);
  });

  it('filters by record type and id', async () => {
    const page = await ok({ entityType: 'user', entityId: userId });
    // Creating a user also issues their invitation link, recorded on the user.
    expect(page.items.map((e) => e.action)).toEqual(['user.update', 'invitation.created', 'user.create']);
    expect(page.items.every((e) => e.entityId === userId)).toBe(true);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const [update] = (await ok({ action: 'company.update' })).items;
    const at = update!.at;
    expect((await ok({ action: 'company.*', from: at })).items.map((e) => e.action)).toContain('company.update');
    expect((await ok({ action: 'company.*', to: at })).items.map((e) => e.action)).not.toContain('company.update');
    const later = new Date(Date.now() + 60_000).toISOString();
    expect((await ok({ from: later })).total).toBe(0);
    const all = await ok({});
    expect((await ok({ from: '2000-01-01T00:00:00Z', to: later })).total).toBe(all.total);
  });

  it('pages newest first', async () => {
    const all = await ok({ pageSize: 200 });
    expect(all.total).toBeGreaterThanOrEqual(6);
    const ids = all.items.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))).toEqual(ids);
    const second = await ok({ page: 2, pageSize: 2 });
    expect(second).toMatchObject({ page: 2, pageSize: 2, total: all.total });
    expect(second.items.map((e) => e.id)).toEqual(all.items.slice(2, 4).map((e) => e.id));
  });

  it('refuses bad filters with a 400 and a stable code', async () => {
    for (const [query, code, field] of [
      [{ actorId: 'wang.li' }, 'VALIDATION_FAILED', 'actorId'],
      [{ from: 'yesterday' }, 'VALIDATION_FAILED', 'from'],
      [{ to: '2026-13-45' }, 'VALIDATION_FAILED', 'to'],
      [{ action: 'Company Update' }, 'VALIDATION_FAILED', 'action'],
      [{ action: '*' }, 'VALIDATION_FAILED', 'action'],
      [{ action: 'company.*.update' }, 'VALIDATION_FAILED', 'action'],
      [{ entityType: 'x'.repeat(65) }, 'VALIDATION_FAILED', 'entityType'],
      [{ pageSize: 500 }, 'VALIDATION_FAILED', 'pageSize'],
    ] as const) {
      const res = await list(query);
      expect({ query, status: res.status, code: res.body.error.code }).toEqual({ query, status: 400, code });
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const swapped = await list({ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(swapped.status).toBe(400);
    expect(swapped.body.error.code).toBe('AUDIT_RANGE_INVALID');
    const empty = await list({ from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(empty.body.error.code).toBe('AUDIT_RANGE_INVALID');
  });

  it('is for admins and managers only', async () => {
    expect((await list({ actorId: clerk.id }, manager.token)).status).toBe(200);
    const refused = await list({}, clerk.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
  });
});
