// What the load and scale benchmarks share: a throw-away database on the local PostgreSQL, the real API and
// workers (dist/main.js, dist/worker.js) as child processes, and memory readings from /proc. Not part of `npm test`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = fileURLToPath(new URL('../../', import.meta.url));
/** The compiled sources: dist/ after `npm run build`, or another build of src/ (BENCH_DIST=/path/to/dist). */
export const dist = process.env.BENCH_DIST ?? join(root, 'dist');
/** A maintenance connection to the PostgreSQL server the throw-away databases are made on. */
export const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const say = (line = '') => console.log(line);
export const mib = (bytes) => `${Math.round(bytes / 1048576)} MiB`;
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
export const machine = () =>
  `${cpus().length} × ${cpus()[0].model.trim()}, ${mib(totalmem())} RAM, Node ${process.versions.node}`;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function requireDist(...files) {
  for (const file of ['main.js', ...files]) {
    if (!existsSync(join(dist, file))) {
      console.error(`${join(dist, file)} is missing: run \`npm run build\` first`);
      process.exit(1);
    }
  }
}

/** Every setting the service reads (src/config/config.schema.ts): none may leak in from the shell running the bench. */
const SERVICE_VARIABLES =
  /^(NODE_ENV|HOST|PORT|LOG_LEVEL|BODY_LIMIT|UPLOAD_LIMIT|PUBLIC_URL|DATABASE_\w+|STORAGE_DIR|S3_\w+|SMTP_URL|MAIL_\w+|QUEUE_DRIVER|API_RUNS_JOBS|JOB_\w+|ADMIN_TOKEN|SECRETS_KEY|DEMO_DATA|RENDER_\w+|SIGNING_\w+|TSA_URL|PROJECT_NUMBER_PATTERN|\w+_EMAIL)$/;

/**
 * A fresh database and storage directory, and the environment for the API and workers on them. `cleanup()`
 * stops every process started through `spawnService`, drops the database and removes the directory.
 */
export async function createDeployment(label, settings = {}) {
  const name = `td_bench_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${name}`;
  const storageDir = await mkdtemp(join(tmpdir(), `td-bench-${label}-`));
  const port = await freePort();
  const token = `td_bench_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`.padEnd(32, 'x');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SERVICE_VARIABLES.test(k)));
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl.href,
    QUEUE_DRIVER: 'pgboss',
    STORAGE_DIR: storageDir,
    ADMIN_TOKEN: token,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    ...settings,
  });
  const children = new Set();
  const deployment = {
    name,
    databaseUrl: databaseUrl.href,
    storageDir,
    token,
    base: `http://127.0.0.1:${port}`,
    env,
    children,
    /** A pg client on the deployment's database (for reading the jobs table; the bench never writes). */
    async db() {
      const client = new pg.Client({ connectionString: databaseUrl.href });
      await client.connect();
      return client;
    },
    spawn(script, extraEnv = {}) {
      const child = spawnService(script, { ...env, ...extraEnv });
      children.add(child);
      child.exited.then(() => children.delete(child));
      return child;
    },
    async cleanup() {
      await Promise.all([...children].map((c) => stopService(c)));
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
  return deployment;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * `node <dist>/<script>` in its own process group (so that a forced stop also ends its Chromium), with the
 * last lines of its output kept for the error message when it dies early.
 */
function spawnService(script, env) {
  // BENCH_NODE_ARGS: extra node flags for the service (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(dist, script)], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const watchers = new Set();
  const keep = (chunk) => {
    const lines = chunk.toString('utf8').split('\n').filter(Boolean);
    tail.push(...lines);
    tail.splice(0, Math.max(0, tail.length - 40));
    for (const w of watchers) if (lines.some((l) => w.pattern.test(l))) w.resolve();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.output = () => tail.join('\n');
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  /** Resolves when the process prints a line matching `pattern`; rejects when it exits first or after timeoutMs. */
  child.waitForLine = (pattern, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const watcher = { pattern, resolve: () => done(resolve) };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${tail.join('\n')}`))),
        timeoutMs,
      );
      const onExit = () =>
        done(() => reject(new Error(`exited with ${child.exitCode} before printing ${pattern}:\n${tail.join('\n')}`)));
      function done(settle) {
        clearTimeout(timer);
        watchers.delete(watcher);
        child.off('exit', onExit);
        settle();
      }
      watchers.add(watcher);
      child.once('exit', onExit);
    });
  return child;
}

/** SIGTERM (the service's graceful shutdown), then SIGKILL to its process group after 40 s. */
export async function stopService(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 40_000);
  await child.exited;
  clearTimeout(timer);
}

/** Waits until the API answers an authenticated request (migrations, first admin and demo data are done by then). */
export async function waitForApi(deployment, child, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${child.output()}`);
    try {
      const res = await fetch(`${deployment.base}/api/users/me`, {
        headers: { authorization: `Bearer ${deployment.token}` },
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the API did not answer within ${timeoutMs} ms:\n${child.output()}`);
}

/** JSON request to the API with the admin token; throws on a non-2xx answer. */
export async function call(deployment, method, path, body) {
  const init = { method, headers: { authorization: `Bearer ${deployment.token}` } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${deployment.base}${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

/** The customer-statement sample as a stored-document request (signed PDF, as the README's example). */
export function statementRequest() {
  const data = JSON.parse(readFileSync(join(root, 'templates/customer-statement/sample.json'), 'utf8'));
  return { template: 'customer-statement', data, formats: ['pdf'], sign: true };
}

/**
 * Memory of a process and all its descendants (Chromium and its helpers): summed RSS and PSS, and the RSS of
 * the process itself. PSS counts pages shared between the processes once, so it is the sum that adds up.
 */
export function treeMemory(pid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parents.set(Number(entry), Number(fields[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, parent] of parents) {
      if (!tree.has(p) && tree.has(parent)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  const total = { rss: 0, pss: 0, ownRss: 0, processes: 0 };
  for (const p of tree) {
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      const rss = Number(/^Rss:\s+(\d+)/m.exec(rollup)[1]) * 1024;
      total.rss += rss;
      total.pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)[1]) * 1024;
      if (p === pid) total.ownRss = rss;
      total.processes++;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Samples treeMemory of each pid every `ms` until stop(); peak() gives the highest sums seen (per pid and in all). */
export function memorySampler(pids, ms = 200) {
  const peak = { rss: 0, pss: 0, perProcess: new Map(pids.map((p) => [p, { rss: 0, pss: 0, ownRss: 0 }])) };
  const sample = () => {
    let rss = 0;
    let pss = 0;
    for (const pid of pids) {
      const m = treeMemory(pid);
      const own = peak.perProcess.get(pid);
      own.rss = Math.max(own.rss, m.rss);
      own.pss = Math.max(own.pss, m.pss);
      own.ownRss = Math.max(own.ownRss, m.ownRss);
      rss += m.rss;
      pss += m.pss;
    }
    peak.rss = Math.max(peak.rss, rss);
    peak.pss = Math.max(peak.pss, pss);
  };
  const timer = setInterval(sample, ms);
  sample();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/**
 * CPU seconds used so far by a process and by its descendants, from /proc (clock ticks of 1/100 s): `own` is the
 * process itself; `descendants` the live ones plus those that exited and were waited for (cutime/cstime). Take it
 * before and after a timed window and subtract.
 */
export function cpuTimes(pid) {
  const read = (p) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after the name start at state (3): utime 14, stime 15, cutime 16, cstime 17 -> indexes 11..14 here
    return { parent: Number(f[1]), own: (Number(f[11]) + Number(f[12])) / 100, reaped: (Number(f[13]) + Number(f[14])) / 100 };
  };
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), read(entry));
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, s] of stats) {
      if (!tree.has(p) && tree.has(s.parent)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  const root = stats.get(pid) ?? { own: 0, reaped: 0 };
  let descendants = root.reaped;
  for (const p of tree) if (p !== pid) descendants += stats.get(p).own + stats.get(p).reaped;
  return { own: root.own, descendants };
}

/** Percentile (0..100) of a list of numbers, nearest rank. */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
