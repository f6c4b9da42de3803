import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  MAIN,
  freePort,
  requireBuild,
  runNode,
  startWorker,
  waitForHttp,
  waitForOutput,
  type Running,
} from '../support/process.js';
import { adminTokenFromFirstStart } from '../support/sign-in.js';

/**
 * Logs, metrics and health as an operator sees them: the real `node dist/main.js` (enqueueing only) and real
 * `node dist/worker.js` processes on the real PostgreSQL (pg-boss), their stdout read line by line, their /metrics
 * scraped over HTTP before and after a document is rendered through a job.
 */
const METRICS_TOKEN = 'observability-metrics-token-0123456789';
const SAMPLE = JSON.parse(readFileSync('templates/customer-statement/sample.json', 'utf8')) as unknown;

type Line = Record<string, unknown>;

/** Every stdout line as JSON (a line that does not parse fails the test, naming it). */
function lines(proc: Running): Line[] {
  return proc
    .stdout()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as Line;
      } catch {
        throw new Error(`a stdout line is not JSON: ${l}`);
      }
    });
}

/** The value of one sample of a Prometheus text exposition (0 when absent: nothing counted yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return 0;
}

describe('observability: JSON logs with request and job ids, /metrics, liveness and readiness', () => {
  let db: TestDatabase;
  let storageDir: string;
  let env: Record<string, string>;
  let base: string;
  let api: Running;
  let worker: Running;
  let workerBase: string;
  let adminToken: string;
  /** The first start's one-time link (its token): a credential too, on stderr only. */
  let firstLink: string;
  let userToken: string;
  const processes: Running[] = [];
  /** A statement link's token as the service makes them (32 random bytes, base64url): it must reach no log line. */
  const linkToken = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    requireBuild();
    db = await createTestDatabase('observability');
    storageDir = await mkdtemp(join(tmpdir(), 'td-observability-'));
    env = {
      DATABASE_URL: db.url,
      QUEUE_DRIVER: 'pgboss',
      STORAGE_DIR: storageDir,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'log',
      HOST: '127.0.0.1',
      METRICS_TOKEN,
    };
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // No ADMIN_TOKEN: the first start prints a one-time link to choose the admin's password, once.
    api = runNode(MAIN, { ...env, PORT: String(port), API_RUNS_JOBS: 'false' });
    processes.push(api);
    await waitForHttp(`${base}/health/live`, api);
    firstLink = (await waitForOutput(api, /\/app\/invitation#(td_i_[A-Za-z0-9_-]{43})/))[1]!;
    adminToken = await adminTokenFromFirstStart(base, firstLink);
    const workerPort = await freePort();
    workerBase = `http://127.0.0.1:${workerPort}`;
    worker = await startWorker({ ...env, WORKER_HTTP_PORT: String(workerPort) });
    processes.push(worker);
    const created = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'clerk', roles: ['backoffice'], apiToken: true }),
    });
    expect(created.status).toBe(201);
    userToken = ((await created.json()) as { token: string }).token;
  }, 120_000);

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await db?.drop();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("prints the first admin's one-time link once, on stderr, and in no log line", () => {
    expect(api.stderr().match(new RegExp(firstLink, 'g'))?.length).toBe(1);
    expect(api.stdout()).not.toContain(firstLink);
    expect(lines(api).some((l) => /first admin user/.test(String(l.msg)))).toBe(true);
  });

  it('takes the caller’s X-Request-Id, returns it and logs it on the request’s access line; makes one otherwise', async () => {
    const given = `obs-${randomBytes(6).toString('hex')}`;
    const mine = await get(`${base}/api/users/me`, { ...bearer(userToken), 'x-request-id': given });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('x-request-id')).toBe(given);

    const anonymous = await get(`${base}/api/users/me`);
    expect(anonymous.status).toBe(401);
    const made = anonymous.headers.get('x-request-id')!;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);

    // Not usable as an id (spaces, too long): replaced, not echoed.
    const odd = await get(`${base}/health/live`, { 'x-request-id': 'two words' });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const long = await get(`${base}/health/live`, { 'x-request-id': 'x'.repeat(200) });
    expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    await waitForOutput(api, new RegExp(`"requestId":"${made}"`));
    const access = (id: string) => lines(api).filter((l) => l.requestId === id && l.context === 'HTTP');
    expect(access(given)).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'GET /api/users/me 200',
        req: expect.objectContaining({ method: 'GET', url: '/api/users/me', route: '/api/users/me' }),
        res: { statusCode: 200 },
        responseTimeMs: expect.any(Number),
      }),
    ]);
    expect(access(made)).toEqual([expect.objectContaining({ level: 'warn', msg: 'GET /api/users/me 401' })]);
  });

  it('logs a statement link without its token', async () => {
    const page = await get(`${base}/statements/confirm/${linkToken}`, { 'x-request-id': 'obs-link' });
    expect(page.status).toBe(404);
    await waitForOutput(api, /"requestId":"obs-link"/);
    const [line] = lines(api).filter((l) => l.requestId === 'obs-link');
    expect(line).toMatchObject({ req: { url: '/statements/confirm/[redacted]', route: '/statements/confirm/:token' } });
  });

  it('answers /health with up or down only, and the details to an admin; /health/live and /health/ready apart', async () => {
    const anonymous = await get(`${base}/health`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'up' });
    const asUser = await get(`${base}/health`, bearer(userToken));
    expect(await asUser.json()).toEqual({ status: 'up' });
    const asAdmin = (await (await get(`${base}/health`, bearer(adminToken))).json()) as {
      checks: Record<string, { status: string; kind: string }>;
    };
    expect(asAdmin.checks).toMatchObject({
      database: { status: 'up', kind: 'postgres' },
      storage: { status: 'up', kind: 'filesystem' },
      browser: { status: 'up', kind: '/usr/lib/chromium/chromium-headless-shell' },
      queue: { status: 'up', kind: 'pgboss' },
    });
    const live = await get(`${base}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'up' }]);
    const ready = await get(`${base}/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { status: 'up', checks: { database: 'up', storage: 'up', browser: 'up', queue: 'up' } },
    ]);

    const workerLive = await get(`${workerBase}/health/live`);
    expect([workerLive.status, await workerLive.json()]).toEqual([200, { status: 'up' }]);
    const workerReady = await get(`${workerBase}/health/ready`);
    expect([workerReady.status, await workerReady.json()]).toEqual([
      200,
      { status: 'up', checks: { database: 'up', storage: 'up', browser: 'up', queue: 'up' } },
    ]);
    expect((await get(`${workerBase}/api/users`)).status).toBe(404);
  });

  it('serves /metrics only for METRICS_TOKEN or an admin, on the API and on the worker’s port', async () => {
    for (const url of [`${base}/metrics`, `${workerBase}/metrics`]) {
      const none = await get(url);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      expect((await get(url, bearer(userToken))).status).toBe(401);
      expect((await get(url, bearer('wrong-token-of-the-same-length-012345'))).status).toBe(401);
      const scraped = await get(url, bearer(METRICS_TOKEN));
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await scraped.text()).toContain('tenderdesk_process_cpu_seconds_total');
      expect((await get(url, bearer(adminToken))).status).toBe(200);
    }
  });

  it('shows a render moving through the metrics, and the job’s id and type on every line of its attempt', async () => {
    const scrape = async (url: string) => (await get(url, bearer(METRICS_TOKEN))).text();
    const renders = { type: 'document.render' };
    const apiBefore = await scrape(`${base}/metrics`);
    const workerBefore = await scrape(`${workerBase}/metrics`);

    const posted = await fetch(`${base}/api/documents`, {
      method: 'POST',
      headers: { ...bearer(userToken), 'content-type': 'application/json', 'x-request-id': 'obs-render' },
      body: JSON.stringify({ template: 'customer-statement', data: SAMPLE, formats: ['pdf'], sign: false }),
    });
    expect(posted.status).toBe(202);
    const jobId = ((await posted.json()) as { id: string }).id;
    let status = '';
    for (let i = 0; i < 300 && status !== 'succeeded' && status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const job = await get(`${base}/api/jobs/${jobId}`, bearer(userToken));
      status = ((await job.json()) as { status: string }).status;
    }
    expect(status).toBe('succeeded');

    const apiAfter = await scrape(`${base}/metrics`);
    const workerAfter = await scrape(`${workerBase}/metrics`);
    const delta = (before: string, after: string, name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    // The API took the request (and renders nothing: API_RUNS_JOBS=false) ...
    const posts = { method: 'POST', route: '/api/documents', status: '202' };
    expect(delta(apiBefore, apiAfter, 'tenderdesk_http_request_duration_seconds_count', posts)).toBe(1);
    expect(sample(apiAfter, 'tenderdesk_http_request_duration_seconds_bucket', { ...posts, le: '+Inf' })).toBe(1);
    expect(sample(apiAfter, 'tenderdesk_jobs_total', { ...renders, state: 'succeeded' })).toBe(0);
    // ... the worker ran the job and printed through its browser pool.
    expect(delta(workerBefore, workerAfter, 'tenderdesk_jobs_total', { ...renders, state: 'started' })).toBe(1);
    expect(delta(workerBefore, workerAfter, 'tenderdesk_jobs_total', { ...renders, state: 'succeeded' })).toBe(1);
    expect(
      delta(workerBefore, workerAfter, 'tenderdesk_job_duration_seconds_count', { ...renders, outcome: 'succeeded' }),
    ).toBe(1);
    expect(delta(workerBefore, workerAfter, 'tenderdesk_job_queue_wait_seconds_count', renders)).toBe(1);
    expect(delta(workerBefore, workerAfter, 'tenderdesk_render_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(delta(workerBefore, workerAfter, 'tenderdesk_render_queue_wait_seconds_count')).toBe(1);
    expect(delta(workerBefore, workerAfter, 'tenderdesk_browser_pool_events_total', { event: 'renders' })).toBe(1);
    expect(sample(workerAfter, 'tenderdesk_browser_pool', { state: 'size' })).toBe(2);
    expect(sample(workerAfter, 'tenderdesk_browser_pool', { state: 'busy' })).toBe(0);
    expect(sample(workerAfter, 'tenderdesk_browser_pool', { state: 'browsers' })).toBeGreaterThanOrEqual(1);
    // Read from the jobs table: nothing of that type waits any more.
    expect(sample(workerAfter, 'tenderdesk_jobs', { ...renders, status: 'queued' })).toBe(0);

    const jobLines = lines(worker).filter((l) => l.jobId === jobId);
    expect(jobLines.length).toBeGreaterThanOrEqual(2);
    expect(jobLines.every((l) => l.jobType === 'document.render' && l.role === 'worker')).toBe(true);
    expect(jobLines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/attempt 1\/\d+ started$/),
        expect.stringMatching(/attempt 1 succeeded/),
      ]),
    );
    expect(lines(api).filter((l) => l.requestId === 'obs-render')).toEqual([
      expect.objectContaining({ msg: 'POST /api/documents 202' }),
    ]);
  }, 90_000);

  it('reads the outbox backlog and failures and the statement runs in progress from the database at each scrape', async () => {
    const scrape = async (url: string) => (await get(url, bearer(METRICS_TOKEN))).text();
    // Rows as the outbox and a statement run leave them (a failed message is never sent again by itself).
    for (const [key, status] of [
      ['obs:1', 'failed'],
      ['obs:2', 'failed'],
      ['obs:3', 'sent'],
    ]) {
      await db.query(
        `INSERT INTO outbox_messages (key, subject_type, subject_id, audience, "to", subject, text, message_id, status)
         VALUES ($1, 'statement', gen_random_uuid(), 'customer', '["a@example.com"]', 's', 't', $1, $2)`,
        [key, status],
      );
    }
    const [run] = await db.query<{ id: string }>(
      `INSERT INTO statement_runs (period_to, trigger, status, total, created_by_name)
       VALUES ('2026-11-30', 'manual', 'running', 4, 'obs') RETURNING id`,
    );
    for (const status of ['pending', 'skipped', 'skipped', 'failed']) {
      await db.query(
        `INSERT INTO statement_run_items (run_id, customer_id, customer_name, status) VALUES ($1, gen_random_uuid(), 'c', $2)`,
        [run!.id, status],
      );
    }
    for (const text of [await scrape(`${base}/metrics`), await scrape(`${workerBase}/metrics`)]) {
      expect(sample(text, 'tenderdesk_outbox_messages', { status: 'failed' })).toBe(2);
      expect(sample(text, 'tenderdesk_outbox_messages', { status: 'sent' })).toBe(1);
      expect(sample(text, 'tenderdesk_statement_run_progress_percent', { run: run!.id })).toBe(75);
      expect(sample(text, 'tenderdesk_statement_run_items', { run: run!.id, status: 'skipped' })).toBe(2);
      expect(sample(text, 'tenderdesk_statement_run_items', { run: run!.id, status: 'pending' })).toBe(1);
      expect(text).toContain('# TYPE tenderdesk_mail_send_duration_seconds histogram');
    }
    await db.query(`UPDATE statement_runs SET status = 'completed' WHERE id = $1`, [run!.id]);
    expect(sample(await scrape(`${base}/metrics`), 'tenderdesk_statement_run_progress_percent', { run: run!.id })).toBe(
      0,
    );
  });

  it('says a worker whose browser cannot start is not ready, while it stays live', async () => {
    const port = await freePort();
    const broken = await startWorker({ ...env, WORKER_HTTP_PORT: String(port), CHROMIUM_PATH: '/bin/false' });
    processes.push(broken);
    const live = await get(`http://127.0.0.1:${port}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'up' }]);
    const ready = await get(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'down',
      checks: { database: 'up', storage: 'up', browser: 'down', queue: 'up' },
    });
    const details = (await (await get(`http://127.0.0.1:${port}/health/ready`, bearer(adminToken))).json()) as {
      checks: { browser: { status: string; kind: string; error: string } };
    };
    expect(details.checks.browser).toMatchObject({ status: 'down', kind: '/bin/false', error: expect.any(String) });
    broken.child.kill('SIGTERM');
    expect(await broken.exited).toBe(0);
    expect(lines(broken).length).toBeGreaterThan(0);
  }, 60_000);

  it('writes only JSON lines on stdout, none holding a token or secret', async () => {
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await worker.exited).toBe(0);
    for (const proc of processes) {
      const parsed = lines(proc);
      expect(parsed.length).toBeGreaterThan(10);
      for (const line of parsed)
        expect(line).toMatchObject({ level: expect.any(String), time: expect.any(String), pid: proc.child.pid });
      for (const secret of [adminToken, firstLink, userToken, METRICS_TOKEN, linkToken])
        expect(proc.stdout()).not.toContain(secret);
    }
    expect(lines(api).some((l) => /SIGTERM: closing/.test(String(l.msg)))).toBe(true);
  }, 60_000);
});
