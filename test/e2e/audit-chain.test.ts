import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { AuditChain1796636156251 } from '../../src/database/migrations/1796636156251-AuditChain.js';
import { MIGRATIONS } from '../../src/database/migrations/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { MAIN, freePort, requireBuild, runNode, waitForOutput, type Running } from '../support/process.js';

const VERIFY = resolve('dist/modules/audit/audit-verify.js');

interface ChainAnswer {
  ok: boolean;
  entries: number;
  headHash?: string;
  broken?: { entryId: string | null; chainSeq: string; reason: string };
}

/** Runs `node dist/modules/audit/audit-verify.js` (what `make audit-verify` runs) against a database. */
async function auditVerify(url: string): Promise<{ code: number | null; out: string }> {
  const p = runNode(VERIFY, { DATABASE_URL: url, LOG_LEVEL: 'error' });
  const code = await p.exited;
  return { code, out: p.stdout() + p.stderr() };
}

describe('tamper-evident audit log', () => {
  let t: TestApp;
  const started: Running[] = [];
  /** As the database superuser: the append-only trigger is off for this one statement's transaction. */
  const tamper = (sql: string) =>
    t.db.query(
      `BEGIN; ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; ${sql}; ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only; COMMIT`,
    );
  const chain = async () => {
    const res = await t.http().get('/api/audit/chain').auth(t.adminToken, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as ChainAnswer;
  };

  beforeAll(async () => {
    requireBuild();
    t = await startTestApp('auditchain');
  });
  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await t.close();
  });

  it('chains entries written by concurrent transactions without a gap or a fork', async () => {
    await Promise.all(Array.from({ length: 24 }, (_, i) => t.userWith(['sales'], `并发用户${i}`)));
    const rows = await t.db.query<{ chain_seq: string; prev_hash: string; hash: string }>(
      'SELECT chain_seq, prev_hash, hash FROM audit_log ORDER BY chain_seq',
    );
    expect(rows.length).toBeGreaterThanOrEqual(25);
    rows.forEach((r, i) => {
      expect(Number(r.chain_seq)).toBe(i + 1);
      expect(r.prev_hash).toBe(i === 0 ? '0'.repeat(64) : rows[i - 1].hash);
    });
    const report = await chain();
    expect(report).toMatchObject({ ok: true, entries: rows.length, headHash: rows.at(-1)!.hash });
    const verified = await auditVerify(t.db.url);
    expect(verified.out).toContain(`audit chain OK: ${rows.length} entries`);
    expect(verified.code).toBe(0);
  });

  it('lets only an admin run the check', async () => {
    const manager = await t.userWith(['manager']);
    expect((await t.http().get('/api/audit/chain').auth(manager.token, { type: 'bearer' })).status).toBe(403);
    expect((await t.http().get('/api/audit/chain')).status).toBe(401);
  });

  it('reports the first entry whose content was changed behind the trigger, and OK again once it is restored', async () => {
    const [victim] = await t.db.query<{ id: string; chain_seq: string; actor_name: string }>(
      'SELECT id, chain_seq, actor_name FROM audit_log WHERE chain_seq = 5',
    );
    await tamper(`UPDATE audit_log SET actor_name = 'someone else' WHERE id = ${Number(victim.id)}`);
    const report = await chain();
    expect(report.ok).toBe(false);
    expect(report.broken).toMatchObject({ entryId: victim.id, chainSeq: '5' });
    expect(report.broken!.reason).toMatch(/content does not match its hash/);

    const verified = await auditVerify(t.db.url);
    expect(verified.code).toBe(1);
    expect(verified.out).toContain(`audit chain BROKEN at entry ${victim.id} (chain position 5)`);

    await tamper(
      `UPDATE audit_log SET actor_name = '${victim.actor_name.replace(/'/g, "''")}' WHERE id = ${Number(victim.id)}`,
    );
    expect((await chain()).ok).toBe(true);
  });

  it('reports the next entry when a changed entry was given a fresh hash', async () => {
    const [victim, next] = await t.db.query<{ id: string }>(
      'SELECT id FROM audit_log WHERE chain_seq IN (7, 8) ORDER BY chain_seq',
    );
    await tamper(
      `UPDATE audit_log SET details = '{"forged":true}',
         hash = audit_log_hash(audit_log_canonical(chain_seq, id, at, actor_id, actor_name, action, entity_type, entity_id,
                                                   '{"forged":true}'::jsonb, prev_hash))
       WHERE id = ${Number(victim.id)}`,
    );
    const report = await chain();
    expect(report.broken).toMatchObject({ entryId: next.id, chainSeq: '8' });
    expect(report.broken!.reason).toMatch(/prev_hash is not the hash of entry/);
  });

  it('reports deleted entries, and the service logs the first broken link at start-up', async () => {
    const [after] = await t.db.query<{ id: string }>('SELECT id FROM audit_log WHERE chain_seq = 4');
    await tamper('DELETE FROM audit_log WHERE chain_seq = 3');
    const report = await chain();
    expect(report.broken).toMatchObject({ entryId: after.id, chainSeq: '4' });
    expect(report.broken!.reason).toMatch(/positions 3..3 are missing/);

    const storage = await mkdtemp(join(tmpdir(), 'td-auditchain-main-'));
    try {
      const p = runNode(MAIN, {
        DATABASE_URL: t.db.url,
        STORAGE_DIR: storage,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        DEMO_DATA: 'false',
        ADMIN_TOKEN: t.adminToken,
      });
      started.push(p);
      const [line] = await waitForOutput(p, /audit chain BROKEN at entry \d+ \(chain position \d+\)[^\n]*/, 90_000);
      expect(line).toContain(`at entry ${after.id} (chain position 4)`);
      p.child.kill('SIGTERM');
      await p.exited;
    } finally {
      await rm(storage, { recursive: true, force: true });
    }
  });
});

describe('the AuditChain migration', () => {
  it('chains the entries written before it, in id order', async () => {
    const db = await createTestDatabase('auditchainmig');
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(AuditChain1796636156251));
    const ds = new DataSource({ ...dataSourceOptions(db.url, { embedded: false, poolSize: 1 }), migrations: before });
    try {
      await ds.initialize();
      await ds.runMigrations();
      for (let i = 0; i < 5; i++) {
        await ds.query(
          `INSERT INTO audit_log (actor_name, action, entity_type, entity_id, details) VALUES ($1, 'user.create', 'user', $2, $3)`,
          [`用户${i}`, String(i), JSON.stringify({ n: i, note: 'before the chain' })],
        );
      }
      await ds.destroy();
      const verified = await auditVerify(db.url);
      expect(verified.code).not.toBe(0); // not migrated yet: no chain to verify

      const all = new DataSource(dataSourceOptions(db.url, { embedded: false, poolSize: 1 }));
      await all.initialize();
      await all.runMigrations();
      await all.query(
        `INSERT INTO audit_log (actor_name, action, entity_type) VALUES ('system', 'after.migration', 'test')`,
      );
      await all.destroy();
      const rows = await db.query<{ id: string; chain_seq: string }>('SELECT id, chain_seq FROM audit_log ORDER BY id');
      expect(rows.map((r) => Number(r.chain_seq))).toEqual([1, 2, 3, 4, 5, 6]);
      const after = await auditVerify(db.url);
      expect(after.out).toContain('audit chain OK: 6 entries');
      expect(after.code).toBe(0);
    } finally {
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
    }
  });
});
