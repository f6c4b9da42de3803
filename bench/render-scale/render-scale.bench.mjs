// Render scaling benchmark: document.render jobs (the customer-statement sample, signed PDF) through the real
// service on a throw-away database on the local PostgreSQL, consumed by (1) the API itself (API_RUNS_JOBS=true,
// the baseline), (2) one worker process and (3) two worker processes (node dist/worker.js; the API with
// API_RUNS_JOBS=false). Not part of `npm test`.
//   npm run build && npm run bench:render-scale       (BENCH_JOBS=n jobs per setup, default 40)
//
// Each setup: warm-up jobs first (every consumer's browser launched), then N jobs enqueued at once through
// POST /api/documents (202). The figures come from the jobs table: docs/s = N / (last finished_at − first
// created_at), and from the first started_at (without the idle consumer's pickup delay); latency = finished_at −
// created_at (queueing included, since all N wait at once); run time = finished_at − started_at. Memory: the
// consumers' process trees (node + Chromium), sampled every 200 ms.
import {
  call,
  createDeployment,
  load,
  machine,
  memorySampler,
  mib,
  percentile,
  requireDist,
  say,
  sleep,
  statementRequest,
  stopService,
  waitForApi,
} from '../api-load/service.mjs';

requireDist('worker.js');
const JOBS = Number(process.env.BENCH_JOBS ?? 40);
const started = Date.now();
const request = statementRequest();

say(`machine: ${machine()}, load average ${load()} at start`);
const deployment = await createDeployment('scale', { DEMO_DATA: 'false' });
say(
  `database ${deployment.name}, queue pgboss, storage filesystem (${deployment.storageDir}); RENDER_CONCURRENCY ${process.env.RENDER_CONCURRENCY ?? '2 (default)'}; ` +
    `${JOBS} jobs per setup: customer-statement sample.json, formats [pdf], signed`,
);
const db = await deployment.db();
const results = [];
let exitCode = 0;
try {
  const concurrency = process.env.RENDER_CONCURRENCY ? { RENDER_CONCURRENCY: process.env.RENDER_CONCURRENCY } : {};

  // 1. The baseline: the API consumes its own jobs.
  let api = deployment.spawn('main.js', { API_RUNS_JOBS: 'true', ...concurrency });
  await waitForApi(deployment, api);
  results.push(await measure('in-process (API_RUNS_JOBS=true)', [api.pid]));
  await stopService(api);

  // 2. and 3. The API only enqueues; one worker, then a second one beside it.
  api = deployment.spawn('main.js', { API_RUNS_JOBS: 'false', ...concurrency });
  await waitForApi(deployment, api);
  const workers = [];
  for (const count of [1, 2]) {
    while (workers.length < count) {
      const worker = deployment.spawn('worker.js', { LOG_LEVEL: 'log', ...concurrency });
      await worker.waitForLine(/consuming jobs/);
      workers.push(worker);
    }
    results.push(
      await measure(
        `${count} worker${count > 1 ? 's' : ''} (API_RUNS_JOBS=false)`,
        workers.map((w) => w.pid),
      ),
    );
  }

  say('');
  say(
    row([
      'setup',
      'docs/s',
      'vs in-proc',
      'from start',
      'first start',
      'latency p50',
      'latency p99',
      'run p50',
      'run p99',
      'failed',
      'retried',
      'peak RSS',
      'peak PSS',
    ]),
  );
  const base = results[0];
  for (const r of results) {
    say(
      row([
        r.label,
        r.docsPerSecond.toFixed(2),
        `${(r.docsPerSecond / base.docsPerSecond).toFixed(2)}×`,
        r.busyDocsPerSecond.toFixed(2),
        s(r.pickupMs),
        s(r.latencyP50),
        s(r.latencyP99),
        s(r.runP50),
        s(r.runP99),
        r.failed,
        r.retried,
        mib(r.peak.rss),
        mib(r.peak.pss),
      ]),
    );
  }
  say('');
  say("peak RSS / PSS columns: the consumers' process trees summed (node + Chromium); per process (node RSS alone):");
  for (const r of results) {
    const each = [...r.peak.perProcess.values()].map(
      (p) => `RSS ${mib(p.rss)}, PSS ${mib(p.pss)} (node ${mib(p.ownRss)})`,
    );
    say(`  ${r.label}: ${each.join('; ')}`);
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await db.end();
  await deployment.cleanup();
  say(`load average at the end: ${load()}; total ${Math.round((Date.now() - started) / 1000)} s`);
}
process.exit(exitCode);

/** Warm-up, then JOBS jobs enqueued at once; figures from the jobs table, memory of the consumers' trees. */
async function measure(label, consumerPids) {
  const warm = await enqueue(4 * consumerPids.length);
  await finished(warm);
  const memory = memorySampler(consumerPids, 200);
  const t0 = performance.now();
  const ids = await enqueue(JOBS);
  const enqueueMs = performance.now() - t0;
  const rows = await finished(ids);
  const peak = memory.stop();
  const created = Math.min(...rows.map((r) => r.created_at.getTime()));
  const last = Math.max(...rows.map((r) => r.finished_at.getTime()));
  const firstStart = Math.min(...rows.map((r) => r.started_at.getTime()));
  const latency = rows.map((r) => r.finished_at - r.created_at);
  const run = rows.map((r) => r.finished_at - r.started_at);
  if (process.env.BENCH_TIMELINE) {
    // Per job, seconds from the first created_at: created, started, finished (for reading gaps between jobs).
    const at = (d) => ((d.getTime() - created) / 1000).toFixed(2);
    for (const r of [...rows].sort((a, b) => a.started_at - b.started_at))
      say(`    ${at(r.created_at)} ${at(r.started_at)} ${at(r.finished_at)}`);
  }
  const result = {
    label,
    docsPerSecond: JOBS / ((last - created) / 1000),
    // From the first job's start: without the time an idle consumer takes to notice the first job.
    busyDocsPerSecond: JOBS / ((last - firstStart) / 1000),
    pickupMs: firstStart - created,
    latencyP50: percentile(latency, 50),
    latencyP99: percentile(latency, 99),
    runP50: percentile(run, 50),
    runP99: percentile(run, 99),
    failed: rows.filter((r) => r.status !== 'succeeded').length,
    retried: rows.filter((r) => r.attempts > 1).length,
    peak,
  };
  say(
    `${label}: ${JOBS} jobs enqueued in ${Math.round(enqueueMs)} ms, first started after ${s(result.pickupMs)}, all finished after ${s(last - created)}: ` +
      `${result.docsPerSecond.toFixed(2)} docs/s (${result.busyDocsPerSecond.toFixed(2)} from the first start), ` +
      `latency p50 ${s(result.latencyP50)} p99 ${s(result.latencyP99)}, run time p50 ${s(result.runP50)} p99 ${s(result.runP99)}, ` +
      `failed ${result.failed}, retried ${result.retried}; peak RSS ${mib(peak.rss)}, PSS ${mib(peak.pss)}; load average ${load()}`,
  );
  return result;
}

async function enqueue(n) {
  const ids = [];
  // A few requests at a time, as several users pressing "generate" would.
  for (let i = 0; i < n; i += 4) {
    const jobs = await Promise.all(
      Array.from({ length: Math.min(4, n - i) }, () => call(deployment, 'POST', '/api/documents', request)),
    );
    ids.push(...jobs.map((j) => j.id));
  }
  return ids;
}

/** Polls the jobs table (not the API, which is busy) until every job has succeeded or failed. */
async function finished(ids, timeoutMs = 15 * 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(
      `SELECT id, status, attempts, created_at, started_at, finished_at FROM jobs WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    if (rows.length === ids.length && rows.every((r) => r.status === 'succeeded' || r.status === 'failed')) return rows;
    if (Date.now() > deadline)
      throw new Error(`jobs not finished after ${timeoutMs} ms: ${JSON.stringify(rows.map((r) => r.status))}`);
    await sleep(100);
  }
}

function s(msValue) {
  return `${(msValue / 1000).toFixed(2)} s`;
}
function row(cells) {
  return '  ' + cells.map((c, i) => (i === 0 ? String(c).padEnd(34) : String(c).padStart(11))).join(' ');
}
