import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { loadConfig } from '../../src/config/app-config.js';
import type { JobContext } from '../../src/infrastructure/queue/job-queue.js';
import { PgBossJobQueue } from '../../src/infrastructure/queue/pgboss.driver.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// A database left by a release on pg-boss 10.4 (schema version 24): the schema is the SQL pg-boss 10.4.2's
// getConstructionPlans('pgboss') produced (test/fixtures/pgboss/v10-schema.sql), the jobs are rows as 10.4 wrote
// them. pg-boss 12 alone refuses that schema ("the oldest supported starting version is 25").
const FIXTURE = resolve('test/fixtures/pgboss/v10-schema.sql');

let db: TestDatabase;
let storageDir: string;

beforeAll(async () => {
  db = await createTestDatabase('pgboss_upgrade');
  storageDir = await mkdtemp(join(tmpdir(), 'td-pgboss-upgrade-'));
});

afterAll(async () => {
  await db?.drop();
  await rm(storageDir, { recursive: true, force: true });
});

const config = () => loadConfig({ DATABASE_URL: db.url, QUEUE_DRIVER: 'pgboss', STORAGE_DIR: storageDir });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('PgBossJobQueue on a pg-boss 10 database', () => {
  const queued = randomUUID();
  const active = randomUUID();
  const completed = randomUUID();
  const archived = randomUUID();
  const keyed = randomUUID();

  beforeAll(async () => {
    await db.query(await readFile(FIXTURE, 'utf8'));
    for (const name of ['render', 'mail']) {
      await db.query(`SELECT pgboss.create_queue($1, $2::json)`, [name, JSON.stringify({ policy: 'standard' })]);
    }
    const insert = `INSERT INTO pgboss.job (id, name, data, state, retry_count, singleton_key, expire_in, started_on, completed_on, output)
                    VALUES ($1, $2, $3, $4, $5, $6, interval '300 seconds', $7, $8, $9)`;
    await db.query(insert, [queued, 'render', { doc: 1 }, 'created', 0, null, null, null, null]);
    await db.query(insert, [active, 'render', { doc: 2 }, 'active', 1, null, new Date(), null, null]);
    await db.query(insert, [
      completed,
      'render',
      { doc: 3 },
      'completed',
      0,
      null,
      new Date(),
      new Date(),
      { value: 'done-3' },
    ]);
    await db.query(insert, [keyed, 'mail', { to: 'x' }, 'created', 0, 'outbox-7', null, null, null]);
    await db.query(
      // The archive is LIKE pgboss.job without its defaults: every NOT NULL column given.
      `INSERT INTO pgboss.archive (id, name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff,
                                   start_after, started_on, expire_in, created_on, completed_on, keep_until, output, archived_on)
       VALUES ($1, 'render', 0, $2, 'completed', 2, 0, 0, false, now(), now(), interval '300 seconds', now(), now(),
               now() + interval '14 days', $3, now())`,
      [archived, { doc: 4 }, { value: 'done-4' }],
    );
  });

  it('moves every job into pg-boss 12, keeps ids, results and singleton keys, and runs what was waiting', async () => {
    // Two processes starting together, like an API and a worker after the upgrade: one moves the jobs.
    const a = new PgBossJobQueue(config(), { pollingIntervalSeconds: 0.5, stopTimeoutMs: 5000 });
    const b = new PgBossJobQueue(config(), { pollingIntervalSeconds: 0.5, stopTimeoutMs: 5000 });
    await Promise.all([a.start(), b.start()]);
    try {
      const [version] = await db.query<{ version: number }>('SELECT max(version) AS version FROM pgboss.version');
      expect(version.version).toBeGreaterThanOrEqual(25);
      expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'pgboss_v10'`)).toEqual([]);

      expect(await a.getJob('render', queued)).toMatchObject({ state: 'queued', data: { doc: 1 } });
      expect(await a.getJob('render', active)).toMatchObject({ state: 'retry', data: { doc: 2 } });
      expect(await b.getJob('render', completed)).toMatchObject({ state: 'completed', output: 'done-3' });
      expect(await b.getJob('render', archived)).toMatchObject({ state: 'completed', output: 'done-4' });
      expect(await a.getJob('mail', keyed)).toMatchObject({ state: 'queued' });

      // The singleton key still holds: the same key answers with the moved job's id.
      expect(await a.send('mail', { to: 'x' }, { singletonKey: 'outbox-7' })).toBe(keyed);

      const ran: JobContext<unknown>[] = [];
      await b.work('render', { concurrency: 2 }, async (job) => {
        ran.push(job);
        return `ran-${(job.data as { doc: number }).doc}`;
      });
      for (let i = 0; i < 200 && ran.length < 2; i++) await sleep(100);
      expect(ran.map((j) => j.id).sort()).toEqual([queued, active].sort());
      for (let i = 0; i < 100 && (await a.getJob('render', active))?.state !== 'completed'; i++) await sleep(100);
      expect(await a.getJob('render', queued)).toMatchObject({ state: 'completed', output: 'ran-1' });
      expect(await a.getJob('render', active)).toMatchObject({ state: 'completed', output: 'ran-2' });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('starts again on the migrated schema without moving anything twice', async () => {
    const again = new PgBossJobQueue(config());
    await again.start();
    try {
      const [count] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job`);
      expect(Number(count.n)).toBe(5);
      expect(await again.getJob('render', archived)).toMatchObject({ state: 'completed', output: 'done-4' });
    } finally {
      await again.stop();
    }
  });
});
