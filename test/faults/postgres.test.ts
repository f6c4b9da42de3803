import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TemplateEngine } from '../../src/rendering/templates/template-engine.js';
import { sleep, startPrivatePostgres, until, within, type PrivatePostgres } from '../support/faults.js';
import { MAIN, freePort, requireBuild, runNode, waitForHttp, type Running } from '../support/process.js';

// Fault: PostgreSQL restarts under load. The real API process (dist/main.js, pg-boss consuming jobs in it) runs on
// a private PostgreSQL 15 cluster of this test (never the shared server), which is stopped and started again.
// During the outage requests must fail fast with the error shape, not hang; afterwards the API recovers by itself.

const ADMIN_TOKEN = 'fault-postgres-admin-token-0123456789';
const REQUEST_LIMIT_MS = 5_000;

interface Sample {
  at: number;
  ms: number;
  status: number; // 0: no answer (timeout or connection error)
  code?: string;
}

describe('fault: PostgreSQL restarted under load', () => {
  let pgc: PrivatePostgres;
  let api: Running;
  let base: string;
  let storageDir: string;

  beforeAll(async () => {
    requireBuild();
    pgc = await startPrivatePostgres();
    await pgc.createDatabase('tenderdesk');
    storageDir = await mkdtemp(join(tmpdir(), 'td-fault-pg-storage-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = runNode(MAIN, {
      DATABASE_URL: pgc.url('tenderdesk'),
      PORT: String(port),
      HOST: '127.0.0.1',
      STORAGE_DIR: storageDir,
      ADMIN_TOKEN,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
    });
    await waitForHttp(`${base}/health`, api, 60_000);
  }, 90_000);

  afterAll(async () => {
    if (api && api.child.exitCode === null) {
      api.child.kill('SIGTERM');
      const exited = await within(
        api.exited.then(() => true),
        15_000,
      );
      if (!exited) api.child.kill('SIGKILL');
    }
    await pgc?.destroy();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  }, 30_000);

  /** One request, timed; never longer than 10 s (a hang shows as status 0 and ms ≥ 10 000). */
  const call = async (path: string, init: RequestInit = {}): Promise<Sample & { body: unknown }> => {
    const started = Date.now();
    try {
      const res = await fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers },
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      return { at: started, ms: Date.now() - started, status: res.status, code: body?.error?.code, body };
    } catch {
      return { at: started, ms: Date.now() - started, status: 0, body: null };
    }
  };

  it('answers errors quickly while the database is down, and recovers by itself when it is back', async () => {
    const samples: Sample[] = [];
    let running = true;
    // Load: four clients reading customers back to back for the whole test.
    const clients = Array.from({ length: 4 }, async () => {
      while (running) {
        const { body: _ignored, ...sample } = await call('/api/customers');
        samples.push(sample);
        if (sample.status !== 200) await sleep(50);
      }
    });
    const created = await call('/api/customers', { method: 'POST', body: JSON.stringify({ name: '故障前客户' }) });
    expect(created.status).toBe(201);
    await sleep(1_500);
    const healthy = samples.length;
    expect(healthy).toBeGreaterThan(4);
    expect(samples.every((s) => s.status === 200)).toBe(true);

    // Down: sessions are terminated, new connections refused.
    const stoppedAt = Date.now();
    await pgc.stop('fast');
    const downAt = Date.now();
    await sleep(4_000);
    const health = await call('/health');
    expect(health.status).toBe(503);
    expect(health.ms).toBeLessThan(REQUEST_LIMIT_MS);
    // The admin's token cannot be checked without the database: up or down only.
    expect(health.body).toEqual({ status: 'down' });
    const write = await call('/api/customers', { method: 'POST', body: JSON.stringify({ name: '故障中客户' }) });
    expect(write.status).toBeGreaterThanOrEqual(500);
    expect(write.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(write.ms).toBeLessThan(REQUEST_LIMIT_MS);

    // Up again, without touching the API.
    const restartAt = Date.now();
    await pgc.start();
    const upAt = Date.now();
    const recovered = await until(
      'a request succeeding again',
      async () => samples.filter((s) => s.at > upAt && s.status === 200).length,
      (n) => n >= 8,
      20_000,
      100,
    );
    expect(recovered).toBeGreaterThanOrEqual(8);
    running = false;
    await Promise.all(clients);

    // During the outage: errors (5xx with the error shape), each answered fast; none hung.
    const during = samples.filter((s) => s.at >= downAt && s.at + s.ms < restartAt);
    expect(during.length).toBeGreaterThan(10);
    for (const s of during) {
      expect(s.status).toBe(503);
      expect(s.code).toBe('DATABASE_UNAVAILABLE');
      expect(s.ms).toBeLessThan(REQUEST_LIMIT_MS);
    }
    expect(Math.max(...samples.map((s) => s.ms))).toBeLessThan(REQUEST_LIMIT_MS);
    // Recovered by itself: every request started a few seconds after the restart succeeded.
    const firstOk = Math.min(...samples.filter((s) => s.at > upAt && s.status === 200).map((s) => s.at));
    expect(firstOk - upAt).toBeLessThan(10_000);
    expect(samples.filter((s) => s.at > firstOk + 2_000).every((s) => s.status === 200)).toBe(true);

    // Writes, health and the job queue (pg-boss in this process) work again.
    const after = await call('/api/customers', { method: 'POST', body: JSON.stringify({ name: '故障后客户' }) });
    expect(after.status).toBe(201);
    const list = await call('/api/customers?pageSize=100');
    expect((list.body as { items: { name: string }[] }).items.map((c) => c.name).sort()).toEqual(
      ['故障前客户', '故障后客户'].sort(),
    );
    const healthAfter = await until(
      'health ok',
      () => call('/health'),
      (h) => h.status === 200,
      15_000,
      250,
    );
    expect(healthAfter.body).toMatchObject({ status: 'up', checks: { database: { status: 'up' } } });
    const sample = new TemplateEngine().sample('customer-statement');
    const posted = await call('/api/documents', {
      method: 'POST',
      body: JSON.stringify({ template: 'customer-statement', data: sample, formats: ['pdf'], sign: false }),
    });
    expect(posted.status).toBe(202);
    const jobId = (posted.body as { id: string }).id;
    const done = await until(
      'the job finished',
      () => call(`/api/jobs/${jobId}`),
      (j) => ['succeeded', 'failed'].includes((j.body as { status: string }).status),
      30_000,
      250,
    );
    expect(done.body).toMatchObject({ status: 'succeeded' });

    // The process lived through it all: no crash, no unhandled 'error' event or rejection.
    expect(api.child.exitCode).toBeNull();
    expect(`${api.stdout()}${api.stderr()}`).not.toMatch(
      /uncaughtException|unhandledRejection|Unhandled 'error' event|UnhandledPromiseRejection/,
    );
    expect(downAt - stoppedAt).toBeLessThan(10_000);
  }, 60_000);
});
