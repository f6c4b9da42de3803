import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { InlineJobQueue } from '../../src/infrastructure/queue/inline.driver.js';
import {
  JobQueue,
  SlotGroup,
  type JobContext,
  type JobSnapshot,
  type JobState,
} from '../../src/infrastructure/queue/job-queue.js';
import { PgBossJobQueue, type PgBossTuning } from '../../src/infrastructure/queue/pgboss.driver.js';

// The real server; each run works in a database of its own, dropped at the end.
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';
// Short polls and maintenance so that retries and expired leases show up within seconds.
const FAST: PgBossTuning = { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1, stopTimeoutMs: 5000 };

let dbName: string;
let storageDir: string;

beforeAll(async () => {
  dbName = `td_queue_${randomBytes(6).toString('hex')}`;
  storageDir = await mkdtemp(join(tmpdir(), 'td-queue-'));
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${dbName}`);
  } finally {
    await admin.end();
  }
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await rm(storageDir, { recursive: true, force: true });
});

function pgbossConfig(): AppConfig {
  return loadConfig({
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
    QUEUE_DRIVER: 'pgboss',
    STORAGE_DIR: storageDir,
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function waitForState(
  queue: JobQueue,
  name: string,
  id: string,
  state: JobState,
  timeoutMs?: number,
): Promise<JobSnapshot> {
  return waitFor(
    async () => {
      const job = await queue.getJob(name, id);
      return job?.state === state ? job : undefined;
    },
    `job ${id} in ${name} to be ${state}`,
    timeoutMs,
  );
}

const drivers: [string, () => JobQueue][] = [
  ['inline', () => new InlineJobQueue({ stopTimeoutMs: 5000 })],
  ['pgboss', () => new PgBossJobQueue(pgbossConfig(), FAST)],
];

describe.each(drivers)('JobQueue contract: %s driver', (kind, create) => {
  let queue: JobQueue;

  beforeAll(async () => {
    queue = create();
    await queue.start();
  });

  afterAll(async () => {
    await queue?.stop();
  });

  it('reports its kind', () => {
    expect(queue.kind).toBe(kind);
  });

  it('runs a job once and keeps its output', async () => {
    const name = 'echo';
    const seen: JobContext<{ n: number }>[] = [];
    await queue.work<{ n: number }>(name, { concurrency: 2 }, async (job) => {
      seen.push(job);
      return { doubled: job.data.n * 2, tags: ['a', 'b'] };
    });

    const id = await queue.send(name, { n: 21 });
    const done = await waitForState(queue, name, id, 'completed');
    await sleep(1200); // over two polls: a second delivery would have happened by now

    expect(seen).toEqual([{ id, name, data: { n: 21 }, retryCount: 0 }]);
    expect(done).toMatchObject({
      id,
      name,
      state: 'completed',
      data: { n: 21 },
      output: { doubled: 42, tags: ['a', 'b'] },
      retryCount: 0,
    });
    expect(done.error).toBeUndefined();
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(done.createdAt.getTime());
    expect(done.completedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());
  });

  it('retries a failing handler after the delay and completes on the third attempt', async () => {
    const name = 'flaky';
    const attempts: { retryCount: number; at: number }[] = [];
    await queue.work(name, { concurrency: 1 }, async (job) => {
      attempts.push({ retryCount: job.retryCount, at: Date.now() });
      if (attempts.length <= 2) throw new Error(`flaky #${attempts.length}`);
      return 'third time lucky';
    });

    const id = await queue.send(name, { doc: 1 }, { retryLimit: 2, retryDelaySeconds: 1 });
    const retrying = await waitForState(queue, name, id, 'retry');
    expect(retrying.error).toBe('flaky #1');
    const done = await waitForState(queue, name, id, 'completed');

    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(950);
    expect(done).toMatchObject({ state: 'completed', retryCount: 2, output: 'third time lucky' });
    expect(done.error).toBeUndefined();
  });

  it('doubles the retry delay with retryBackoff', async () => {
    const name = 'backoff';
    const starts: number[] = [];
    await queue.work(name, { concurrency: 1 }, async () => {
      starts.push(Date.now());
      if (starts.length <= 2) throw new Error('not yet');
      return 'done';
    });

    // Delay before retry n is 1 s * 2^n / 2 plus up to as much again: 1-2 s, then 2-4 s.
    const id = await queue.send(name, {}, { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: true });
    await waitForState(queue, name, id, 'completed', 15_000);

    const [first, second, third] = starts as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(950);
    expect(third - second).toBeGreaterThanOrEqual(1950); // without backoff it would be 1 s
  });

  it('fails a job after retryLimit + 1 attempts and keeps the last error', async () => {
    const name = 'doomed';
    let calls = 0;
    await queue.work(name, { concurrency: 1 }, async () => {
      calls += 1;
      throw new Error(`boom #${calls}`);
    });

    const id = await queue.send(name, {}, { retryLimit: 2, retryDelaySeconds: 0 });
    const failed = await waitForState(queue, name, id, 'failed');
    await sleep(1200);

    expect(calls).toBe(3);
    expect(failed).toMatchObject({ state: 'failed', retryCount: 2, error: 'boom #3' });
    expect(failed.output).toBeUndefined();
    expect(failed.completedAt).toBeInstanceOf(Date);
  });

  it('runs exactly `concurrency` handlers at once', async () => {
    const name = 'parallel';
    let running = 0;
    let peak = 0;
    await queue.work(name, { concurrency: 3 }, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(400);
      running -= 1;
    });

    const ids = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => queue.send(name, { i })));
    for (const id of ids) await waitForState(queue, name, id, 'completed');

    expect(peak).toBe(3);
  });

  it('shares a SlotGroup between queues: never more handlers at once than its size, and both queues progress', async () => {
    const slots = new SlotGroup(2);
    let running = 0;
    let peak = 0;
    const done: string[] = [];
    const handler = (queueName: string) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(200);
      running -= 1;
      done.push(queueName);
    };
    // Each queue alone would run 2 at once; together they share 2.
    await queue.work('shared-a', { concurrency: 2, slots }, handler('a'));
    await queue.work('shared-b', { concurrency: 2, slots }, handler('b'));

    const sent = await Promise.all([
      ...[1, 2, 3, 4].map((i) => queue.send('shared-a', { i }).then((id) => ['shared-a', id] as const)),
      ...[1, 2, 3, 4].map((i) => queue.send('shared-b', { i }).then((id) => ['shared-b', id] as const)),
    ]);
    for (const [name, id] of sent) await waitForState(queue, name, id, 'completed');

    expect(peak).toBe(2);
    expect(done.filter((q) => q === 'a')).toHaveLength(4);
    expect(done.filter((q) => q === 'b')).toHaveLength(4);
    // Every slot was given back; a poll in flight holds them for the length of one (empty) fetch.
    let back = 0;
    for (const until = Date.now() + 5_000; back < 2 && Date.now() < until; await sleep(20)) back += slots.take(2 - back);
    expect(back).toBe(2);
    slots.giveBack(2);
  });

  it('drains: the running handler finishes and is recorded, no job starts after, sending still works until stop', async () => {
    const own = create(); // draining is for good: not the shared instance
    await own.start();
    try {
      const name = 'drain';
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const started: number[] = [];
      await own.work<{ i: number }>(name, { concurrency: 1 }, async (job) => {
        started.push(job.data.i);
        await gate;
        return job.data.i;
      });
      const first = await own.send(name, { i: 1 });
      await waitFor(async () => (started.length === 1 ? true : undefined), 'the first job to start');

      const draining = own.drain();
      const second = await own.send(name, { i: 2 });
      release();
      await draining;
      expect(await own.getJob(name, first)).toMatchObject({ state: 'completed', output: 1 });
      await sleep(1200); // longer than a poll
      expect(started).toEqual([1]);
      expect((await own.getJob(name, second))?.state).toBe('queued');
      await expect(own.work(name + '-late', { concurrency: 1 }, async () => undefined)).rejects.toThrow(/draining/);
    } finally {
      await own.stop();
    }
  });

  it('de-duplicates by singletonKey while a job is queued or active, then frees the key', async () => {
    const name = 'single';
    // No consumer yet, so the first job stays queued; concurrent sends race for the key.
    const first = await queue.send(name, { v: 1 }, { singletonKey: 'doc-1' });
    const racing = await Promise.all([2, 3, 4, 5].map((v) => queue.send(name, { v }, { singletonKey: 'doc-1' })));
    expect(racing).toEqual([first, first, first, first]);
    const other = await queue.send(name, { v: 6 }, { singletonKey: 'doc-2' });
    expect(other).not.toBe(first);
    expect((await queue.getJob(name, first))?.state).toBe('queued');

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runs: number[] = [];
    await queue.work<{ v: number }>(name, { concurrency: 2 }, async (job) => {
      runs.push(job.data.v);
      if (job.data.v === 1) await gate;
      return job.data.v;
    });
    await waitForState(queue, name, first, 'active');
    expect(await queue.send(name, { v: 7 }, { singletonKey: 'doc-1' })).toBe(first);
    release();
    expect((await waitForState(queue, name, first, 'completed')).output).toBe(1);
    await waitForState(queue, name, other, 'completed');

    const next = await queue.send(name, { v: 8 }, { singletonKey: 'doc-1' });
    expect(next).not.toBe(first);
    expect((await waitForState(queue, name, next, 'completed')).output).toBe(8);
    expect(runs.sort((a, b) => a - b)).toEqual([1, 6, 8]);
  });

  it('keeps the singletonKey held through a retry', async () => {
    const name = 'single-retry';
    let calls = 0;
    await queue.work(name, { concurrency: 1 }, async () => {
      calls += 1;
      if (calls === 1) throw new Error('first try fails');
      return 'ok';
    });

    const id = await queue.send(name, {}, { singletonKey: 'k', retryDelaySeconds: 1 });
    await waitForState(queue, name, id, 'retry');
    expect(await queue.send(name, {}, { singletonKey: 'k' })).toBe(id);
    const done = await waitForState(queue, name, id, 'completed');

    expect(done).toMatchObject({ retryCount: 1, output: 'ok' });
    expect(calls).toBe(2);
  });

  it('counts a handler that outlives its lease as a failed attempt', async () => {
    const name = 'stuck';
    await queue.work(name, { concurrency: 1 }, () => new Promise<never>(() => undefined));

    const id = await queue.send(name, {}, { expireInSeconds: 1, retryLimit: 0 });
    const failed = await waitForState(queue, name, id, 'failed', 5000);

    expect(failed.error).toBe('handler did not finish within its lease of 1s');
    expect(failed.completedAt!.getTime() - failed.startedAt!.getTime()).toBeLessThan(3000);
  });

  it('answers null for an id it does not know', async () => {
    const name = 'echo';
    const id = await queue.send(name, { n: 1 });

    expect(await queue.getJob(name, randomUUID())).toBeNull();
    expect(await queue.getJob('never-used', randomUUID())).toBeNull();
    expect(await queue.getJob(name, 'not-a-uuid')).toBeNull();
    expect(await queue.getJob('other-queue', id)).toBeNull(); // ids belong to their queue
    expect(await queue.getJob(name, id)).not.toBeNull();
  });

  it('rejects options the engine cannot honour', async () => {
    await expect(queue.send('echo', {}, { retryDelaySeconds: 1.5 })).rejects.toThrow(RangeError);
    await expect(queue.send('echo', {}, { expireInSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(queue.work('echo-2', { concurrency: 0 }, async () => undefined)).rejects.toThrow(RangeError);
  });
});

describe('PgBossJobQueue across instances', () => {
  it('creates its queues while other instances create theirs at the same moment (workers starting together)', async () => {
    // Each queue attaches a partition to pgboss.job while inserting into pgboss.queue: two processes creating
    // different queues at once can deadlock, and a worker whose start failed on that exited (seen in CI).
    const names = Array.from({ length: 12 }, (_, i) => `together-${i}`);
    const instances = Array.from({ length: 4 }, () => new PgBossJobQueue(pgbossConfig(), FAST));
    await Promise.all(instances.map((q) => q.start()));
    try {
      const sent = await Promise.all(
        instances.map((q, k) => Promise.all((k % 2 ? [...names].reverse() : names).map((n) => q.send(n, { k })))),
      );
      expect(new Set(sent.flat()).size).toBe(instances.length * names.length);
      // Every job is in its queue, readable from any instance.
      const order = instances.map((_, k) => (k % 2 ? [...names].reverse() : names));
      for (const [k, ids] of sent.entries()) {
        for (const [i, id] of ids.entries()) expect((await instances[0]!.getJob(order[k]![i]!, id))?.state).toBe('queued');
      }
    } finally {
      await Promise.all(instances.map((q) => q.stop()));
    }
  });

  it('runs a job sent before a restart in the next instance', async () => {
    const name = 'restart';
    const a = new PgBossJobQueue(pgbossConfig(), FAST);
    await a.start();
    const id = await a.send(name, { invoice: 'INV-7' });
    await a.stop();

    const b = new PgBossJobQueue(pgbossConfig(), FAST);
    await b.start();
    try {
      expect((await b.getJob(name, id))?.state).toBe('queued');
      const seen: JobContext<{ invoice: string }>[] = [];
      await b.work<{ invoice: string }>(name, { concurrency: 1 }, async (job) => {
        seen.push(job);
        return { rendered: job.data.invoice };
      });
      const done = await waitForState(b, name, id, 'completed');

      expect(seen).toEqual([{ id, name, data: { invoice: 'INV-7' }, retryCount: 0 }]);
      expect(done.output).toEqual({ rendered: 'INV-7' });
    } finally {
      await b.stop();
    }
  });

  it('gives the job of a worker that died mid-job to another instance once the lease is over', async () => {
    const name = 'lease';
    const leaseSeconds = 3;
    const a = new PgBossJobQueue(pgbossConfig(), FAST);
    await a.start();
    const startedInA: number[] = [];
    await a.work(name, { concurrency: 1 }, () => {
      startedInA.push(Date.now());
      return new Promise<never>(() => undefined); // hangs: the worker "dies" with the job in hand
    });
    const id = await a.send(name, { step: 1 }, { expireInSeconds: leaseSeconds, retryDelaySeconds: 0 });
    await waitFor(async () => (startedInA.length === 1 ? true : undefined), 'instance A to start the job');
    await a.stop({ timeoutMs: 0 }); // no waiting: like a crash, the job is left active in the database

    const b = new PgBossJobQueue(pgbossConfig(), FAST);
    await b.start();
    try {
      expect(await b.getJob(name, id)).toMatchObject({ state: 'active', retryCount: 0 });
      const runsInB: { job: JobContext<unknown>; at: number }[] = [];
      await b.work(name, { concurrency: 1 }, async (job) => {
        runsInB.push({ job, at: Date.now() });
        return 'recovered';
      });
      const done = await waitForState(b, name, id, 'completed', 15_000);
      await sleep(1200);

      expect(startedInA).toHaveLength(1);
      expect(runsInB.map((r) => r.job)).toEqual([{ id, name, data: { step: 1 }, retryCount: 1 }]);
      // B got it only after the lease: started_on is set in the database just before A's handler ran.
      expect(runsInB[0]!.at - startedInA[0]!).toBeGreaterThanOrEqual(leaseSeconds * 1000 - 100);
      expect(done).toMatchObject({ state: 'completed', retryCount: 1, output: 'recovered' });
    } finally {
      await b.stop();
    }
  });
});
