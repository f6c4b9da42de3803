// Statement run benchmark: one monthly-style statement run over BENCH_CUSTOMERS customers (default 1,000) through the
// real service (dist/main.js consuming its own jobs, pg-boss, filesystem storage) on a throw-away database, mailing
// every statement to an SMTP server on loopback that counts what it receives. Not part of `npm test`.
//   npm run build && npm run bench:statement-run        (BENCH_CUSTOMERS=n to override)
//
// Set-up (not timed): customers imported in one CSV with a billing contact each, one payment each without a contract,
// and every 20th customer a manual contract (approved) signed in the period. Timed: from POST /api/statement-runs to
// the run's finishedAt (the last item or message that changed), read from the database. Memory: the API's process
// tree (node + Chromium), sampled every 200 ms while the run goes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import {
  call,
  createDeployment,
  load,
  machine,
  memorySampler,
  cpuTimes,
  mib,
  percentile,
  requireDist,
  say,
  sleep,
  waitForApi,
} from '../api-load/service.mjs';

requireDist();
// BENCH_PROFILE=dir: V8 CPU profiles of the API's threads (main and the DOCX thread) into dir, and the run's window on
// the monotonic clock the profiles stamp their samples with (dir/runs.json), for bench/tender-package/profile-summary.mjs.
if (process.env.BENCH_PROFILE) {
  process.env.BENCH_NODE_ARGS = [
    process.env.BENCH_NODE_ARGS ?? '',
    '--cpu-prof',
    `--cpu-prof-dir=${process.env.BENCH_PROFILE}`,
  ].join(' ');
}
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1000);
const CONTRACT_EVERY = 20;
const started = Date.now();

// ---- the SMTP server: counts messages, keeps envelope recipients and Message-IDs ----
const received = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 50 * 1024 * 1024,
  onData(stream, session, callback) {
    let bytes = 0;
    let head = '';
    let carry = '';
    let pdfPart = false;
    stream.on('data', (chunk) => {
      bytes += chunk.length;
      const text = chunk.toString('latin1');
      if (head.length < 16_384) head += text;
      // The attachment's part header, wherever it falls (a chunk boundary may split it: keep the end of the last one).
      if (!pdfPart) pdfPart = /content-type:\s*application\/pdf/i.test(carry + text);
      carry = text.slice(-64);
    });
    stream.on('end', () => {
      const headers = head.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
      const messageId = /^message-id:\s*(.+)$/im.exec(headers)?.[1].trim() ?? '';
      received.push({
        messageId,
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
        bytes,
        pdfPart,
        at: Date.now(),
      });
      callback();
    });
  },
});
await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const smtpPort = smtp.server.address().port;

/** CPU seconds of the PostgreSQL servers on this machine (postmasters and their backends, exited ones included). */
function postgresCpu() {
  const comm = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || comm(entry) !== 'postgres') continue;
    const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    if (comm(parent) === 'postgres') continue; // a backend: counted in its postmaster's tree
    const t = cpuTimes(Number(entry));
    total += t.own + t.descendants;
  }
  return total;
}

/**
 * CPU seconds per process, sampled every `ms` during the run, of (a) the API's process tree (node, Chromium and what it
 * starts) and (b) the PostgreSQL backends serving this run's database (their process title names it). Each process
 * counts from its value at the start (0 if born during the run) to its last sample, so processes that exit during the
 * run count too (up to their last sample), whoever reaps them. The PostgreSQL line of cpuTimes-style accounting sums
 * every postmaster on the machine, other helpers' tests included; this one is ours only (the server's shared
 * background processes, WAL writer and checkpointer, are left out).
 */
function processSampler(rootPid, database, ms) {
  const seen = new Map(); // pid -> { first, last, kind, parent, gone }
  const read = () => {
    const stats = new Map();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        stats.set(Number(entry), { name, parent: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / 100 });
      } catch {
        // exited meanwhile
      }
    }
    const tree = new Set([rootPid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [p, st] of stats) {
        if (!tree.has(p) && tree.has(st.parent)) {
          tree.add(p);
          grew = true;
        }
      }
    }
    const now = new Map();
    for (const [p, st] of stats) {
      if (tree.has(p)) now.set(p, { ...st, kind: p === rootPid ? 'node' : 'chromium' });
      else if (st.name === 'postgres') {
        try {
          if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(` ${database} `)) now.set(p, { ...st, kind: 'db' });
        } catch {
          // exited meanwhile
        }
      }
    }
    return now;
  };
  const sample = (initial) => {
    const now = read();
    for (const [p, st] of now) {
      const s = seen.get(p);
      if (s) s.last = st.cpu;
      else seen.set(p, { first: initial ? st.cpu : 0, last: st.cpu, kind: st.kind, parent: st.parent, gone: false });
    }
    for (const [p, s] of seen) if (!now.has(p)) s.gone = true;
  };
  sample(true);
  const timer = setInterval(() => sample(false), ms);
  return {
    stop() {
      clearInterval(timer);
      sample(false);
      const out = { node: 0, chromium: 0, db: 0, exited: { chromium: 0, db: 0 }, exitedCpu: { chromium: 0, db: 0 } };
      for (const s of seen.values()) {
        out[s.kind] += s.last - s.first;
        if (s.gone && s.kind !== 'node') {
          out.exited[s.kind]++;
          out.exitedCpu[s.kind] += s.last - s.first;
        }
      }
      return out;
    },
  };
}

/** Busy and total jiffies of the whole machine (/proc/stat), to tell our share from other load on the machine. */
function machineCpu() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = f[3] + f[4];
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

const pad = (n) => String(n).padStart(4, '0');
const nameOf = (n) => `基准对账客户${pad(n)}有限公司`;
const emailOf = (n) => `ar${pad(n)}@bench-customer${pad(n)}.example`;
const dateIso = (d) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const daysFromToday = (days) => {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return dateIso(d);
};

/**
 * NODE_ENV=production refuses the development certificate: a throw-away RSA key and self-signed certificate as a
 * PKCS#12 (what a deployment configures with SIGNING_P12_BASE64), made with openssl for this run.
 */
function throwAwayP12() {
  const dir = mkdtempSync(join(tmpdir(), 'td-bench-p12-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const p12 = join(dir, 'signer.p12');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=Tenderdesk bench signer/O=Bench',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', p12, '-passout', 'pass:bench'], {
      stdio: 'ignore',
    });
    return readFileSync(p12).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

say(`machine: ${machine()}, load average ${load()} at start`);
const deployment = await createDeployment('stmtrun', {
  DEMO_DATA: 'false',
  PUBLIC_URL: 'https://tenderdesk.bench.example',
  SIGNING_P12_BASE64: throwAwayP12(),
  SIGNING_P12_PASSWORD: 'bench',
  API_RUNS_JOBS: 'true',
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  ...(process.env.RENDER_CONCURRENCY ? { RENDER_CONCURRENCY: process.env.RENDER_CONCURRENCY } : {}),
  ...(process.env.STATEMENT_RUN_CONCURRENCY
    ? { STATEMENT_RUN_CONCURRENCY: process.env.STATEMENT_RUN_CONCURRENCY }
    : {}),
  ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
});
say(
  `database ${deployment.name}, queue pgboss, storage filesystem (${deployment.storageDir}), SMTP on 127.0.0.1:${smtpPort}; ` +
    `RENDER_CONCURRENCY ${process.env.RENDER_CONCURRENCY ?? '2 (default)'}, STATEMENT_RUN_CONCURRENCY ` +
    `${process.env.STATEMENT_RUN_CONCURRENCY ?? '(default)'}, MAIL_CONCURRENCY 4 (default), CHROMIUM_PATH ` +
    `${process.env.CHROMIUM_PATH ?? '(default)'}; ${CUSTOMERS} customers`,
);
const db = await deployment.db();
let exitCode = 0;
let window = { label: 'statement run', start: 0, end: 0 };
try {
  const api = deployment.spawn('main.js');
  await waitForApi(deployment, api);

  // ---- set-up ----
  const setupStart = Date.now();
  await call(deployment, 'PUT', '/api/company', {
    legalNameZh: '华东智能仪表有限公司',
    legalNameEn: 'East China Smart Instruments Co., Ltd.',
    creditCode: '91350100M000100Y43',
    addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
    phone: '0512-6688 1200',
    email: 'sales@ecsi.example',
    bankAccounts: [
      {
        bankName: '中国工商银行',
        branch: '苏州吴中支行',
        accountName: '华东智能仪表有限公司',
        accountNumber: '1102 0206 0900 0088 123',
      },
    ],
  });
  const csv = [
    '客户名称,开票联系人,开票联系人邮箱',
    ...Array.from({ length: CUSTOMERS }, (_, i) => `${nameOf(i + 1)},财务${i + 1},${emailOf(i + 1)}`),
  ].join('\n');
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'customers.csv');
  const imported = await call(deployment, 'POST', '/api/customers/import', form);
  if (imported.written !== CUSTOMERS) throw new Error(`import wrote ${imported.written} customers`);
  const { rows: customers } = await db.query(`SELECT id, name FROM customers ORDER BY name`);
  const number = (name) => Number(/基准对账客户(\d{4})/.exec(name)[1]);
  const from = daysFromToday(-20);
  const to = daysFromToday(0);
  for (let i = 0; i < customers.length; i += 8) {
    await Promise.all(
      customers.slice(i, i + 8).map(async (c) => {
        const n = number(c.name);
        if (n % CONTRACT_EVERY === 0) {
          const contract = await call(deployment, 'POST', '/api/contracts', {
            customerId: c.id,
            projectName: `在线分析仪 ${n}`,
            signingDate: daysFromToday(-10),
            lines: [{ name: '在线水质分析仪', unit: '台', qty: '2', unitPrice: '31850.00', taxRate: '13' }],
            paymentTerms: [
              { percent: '30', event: 'contract_signed', days: 7 },
              { percent: '70', event: 'before_delivery' },
            ],
          });
          await call(deployment, 'POST', `/api/contracts/${contract.id}/review`, {}).catch(() => undefined);
          const approved = await call(deployment, 'POST', `/api/contracts/${contract.id}/approve`, {
            reason: '基准测试：手工合同',
          });
          if (approved.status !== 'approved') throw new Error(`contract ${contract.id}: ${approved.status}`);
        }
        await call(deployment, 'POST', '/api/payments', {
          customerId: c.id,
          date: daysFromToday(-3),
          amount: `${1000 + n}.50`,
          method: 'bank_transfer',
          nature: 'other',
          reference: `HX${pad(n)}`,
        });
      }),
    );
  }
  await db.query('VACUUM ANALYZE');
  say(
    `set-up: ${CUSTOMERS} customers imported, ${CUSTOMERS} payments, ${Math.floor(CUSTOMERS / CONTRACT_EVERY)} contracts, in ${s(Date.now() - setupStart)}`,
  );

  // ---- the run ----
  // Every second: reading smaps_rollup of the Chromium processes five times a second took a fifth of a core (kernel time).
  const memory = memorySampler([api.pid], Number(process.env.BENCH_SAMPLE_MS ?? 1000));
  const processes = processSampler(api.pid, deployment.name, Number(process.env.BENCH_SAMPLE_MS ?? 1000));
  window = { label: 'statement run', start: monotonicUs(), end: 0 };
  const cpu0 = {
    api: cpuTimes(api.pid),
    bench: process.cpuUsage(),
    db: postgresCpu(),
    machine: machineCpu(),
  };
  const t0 = Date.now();
  const run = await call(deployment, 'POST', '/api/statement-runs', { from, to });
  let view;
  let lastSay = 0;
  for (;;) {
    view = await call(deployment, 'GET', `/api/statement-runs/${run.id}?itemsPageSize=1`);
    if (view.status === 'completed' || view.status === 'failed') break;
    if (Date.now() - lastSay > 30_000) {
      lastSay = Date.now();
      say(
        `  ${s(Date.now() - t0)}: ${view.progress} % (${JSON.stringify(view.counts)}), ${received.length} mails received, load ${load()}`,
      );
    }
    if (Date.now() - t0 > 30 * 60_000) throw new Error(`run not completed after 30 minutes: ${JSON.stringify(view)}`);
    await sleep(1000);
  }
  const wallMs = Date.now() - t0;
  window.end = monotonicUs();
  const peak = memory.stop();
  const perProcess = processes.stop();
  const cpu1 = {
    api: cpuTimes(api.pid),
    bench: process.cpuUsage(),
    db: postgresCpu(),
    machine: machineCpu(),
  };
  const machineBusy = ((cpu1.machine.busy - cpu0.machine.busy) / (cpu1.machine.total - cpu0.machine.total)) * 2;
  const cpu = {
    node: cpu1.api.own - cpu0.api.own,
    chromium: cpu1.api.descendants - cpu0.api.descendants,
    bench: (cpu1.bench.user + cpu1.bench.system - cpu0.bench.user - cpu0.bench.system) / 1e6,
    db: cpu1.db - cpu0.db,
  };

  // ---- figures, from the database ----
  const {
    rows: [r],
  } = await db.query(`SELECT created_at, finished_at, total FROM statement_runs WHERE id = $1`, [run.id]);
  const { rows: items } = await db.query(
    `SELECT i.status, i.email, i.updated_at, m.status AS mail_status, m.attempts, m.message_id, m.sent_at, m."to"
       FROM statement_run_items i LEFT JOIN outbox_messages m ON m.id = i.outbox_message_id WHERE i.run_id = $1`,
    [run.id],
  );
  const { rows: jobs } = await db.query(
    `SELECT started_at, finished_at, attempts, status FROM jobs WHERE name = 'statement-run.item' AND finished_at IS NOT NULL`,
  );
  const runMs = r.finished_at - r.created_at;
  if (process.env.BENCH_TIMELINE) {
    // Per item job, seconds from the run's creation: created, started, finished, attempts.
    const { rows: timeline } = await db.query(
      `SELECT created_at, started_at, finished_at, attempts FROM jobs WHERE name = 'statement-run.item' ORDER BY started_at`,
    );
    const at = (d) => (d ? ((d.getTime() - r.created_at.getTime()) / 1000).toFixed(2) : '-');
    for (const j of timeline) say(`    ${at(j.created_at)} ${at(j.started_at)} ${at(j.finished_at)} ${j.attempts}`);
  }
  const issued = items.filter((i) => i.message_id).length;
  const lastRender = Math.max(...jobs.map((j) => j.finished_at.getTime()));
  const renderTimes = jobs.map((j) => j.finished_at - j.started_at);

  // Every statement mailed once: one received message per outbox message, to its address, no Message-ID twice.
  const expected = new Map(items.filter((i) => i.message_id).map((i) => [i.message_id, i]));
  const seen = new Map();
  for (const m of received) seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
  const problems = [];
  if (view.status !== 'completed') problems.push(`run ${view.status}: ${view.error}`);
  if (r.total !== CUSTOMERS) problems.push(`run total ${r.total}, expected ${CUSTOMERS}`);
  if (issued !== CUSTOMERS) problems.push(`${issued} statements issued with a message, expected ${CUSTOMERS}`);
  if (received.length !== issued) problems.push(`${received.length} mails received for ${issued} statements`);
  const twice = [...seen].filter(([, n]) => n > 1);
  if (twice.length) problems.push(`${twice.length} Message-IDs received more than once`);
  const unknown = received.filter((m) => !expected.has(m.messageId));
  if (unknown.length) problems.push(`${unknown.length} received messages match no statement`);
  const missing = [...expected.keys()].filter((id) => !seen.has(id));
  if (missing.length) problems.push(`${missing.length} statements never received`);
  const misaddressed = received.filter((m) => {
    const item = expected.get(m.messageId);
    return item && (m.rcptTo.length !== 1 || m.rcptTo[0] !== item.email);
  });
  if (misaddressed.length) problems.push(`${misaddressed.length} messages to the wrong address`);
  const withoutPdf = received.filter((m) => !m.pdfPart).length;
  if (withoutPdf) problems.push(`${withoutPdf} messages without a PDF attachment`);
  const notSent = items.filter((i) => i.mail_status !== 'sent').length;
  if (notSent) problems.push(`${notSent} items whose message is not sent`);
  if (view.counts.failed) {
    const failed = await call(deployment, 'GET', `/api/statement-runs/${run.id}?status=failed&itemsPageSize=3`);
    problems.push(`failed items, e.g. ${failed.items.items.map((i) => `${i.customerName}: ${i.reason}`).join('; ')}`);
  }

  say('');
  say(`statement run over ${CUSTOMERS} customers (${from}..${to}):`);
  say(`  total time            ${s(runMs)} (run created -> finishedAt; ${s(wallMs)} as the client polled it)`);
  say(`  renders done after    ${s(lastRender - r.created_at)} (last statement-run.item job finished)`);
  say(`  statements/s          ${(issued / (runMs / 1000)).toFixed(2)} (${issued} statements, PDF + DOCX, signed)`);
  say(
    `  render job time       p50 ${s(percentile(renderTimes, 50))}, p99 ${s(percentile(renderTimes, 99))}; ` +
      `item jobs retried ${jobs.filter((j) => j.attempts > 1).length}, failed ${jobs.filter((j) => j.status === 'failed').length}`,
  );
  say(
    `  mails received        ${received.length} (${mib(received.reduce((a, m) => a + m.bytes, 0))} in all), distinct Message-IDs ${seen.size}; ` +
      `send attempts > 1: ${items.filter((i) => i.attempts > 1).length}`,
  );
  say(`  report                ${JSON.stringify(view.counts)}, progress ${view.progress} %`);
  say(
    `  peak memory           RSS ${mib(peak.rss)}, PSS ${mib(peak.pss)} (API process tree: node + Chromium; node alone RSS ${mib(peak.perProcess.get(api.pid).ownRss)})`,
  );
  const perStatement = (sec) => `${((sec * 1000) / Math.max(1, issued)).toFixed(0)} ms`;
  say(
    `  CPU during the run    API node ${cpu.node.toFixed(1)} s (${perStatement(cpu.node)}/statement), Chromium ${cpu.chromium.toFixed(1)} s ` +
      `(${perStatement(cpu.chromium)}), PostgreSQL ${cpu.db.toFixed(1)} s (${perStatement(cpu.db)}), this bench with its SMTP server ` +
      `${cpu.bench.toFixed(1)} s; ${((cpu.node + cpu.chromium + cpu.db + cpu.bench) / (wallMs / 1000)).toFixed(2)} of 2 cores busy`,
  );
  say(
    `  CPU by process        API node ${perProcess.node.toFixed(1)} s (${perStatement(perProcess.node)}), Chromium ${perProcess.chromium.toFixed(1)} s ` +
      `(${perStatement(perProcess.chromium)}), this run's PostgreSQL backends ${perProcess.db.toFixed(1)} s (${perStatement(perProcess.db)}); ` +
      `${(perProcess.node + perProcess.chromium + perProcess.db).toFixed(1)} s = ${perStatement(perProcess.node + perProcess.chromium + perProcess.db)}/statement ` +
      `(sampled per process every ${process.env.BENCH_SAMPLE_MS ?? 1000} ms; exited during the run and counted: ` +
      `${perProcess.exited.chromium} of Chromium's, ${perProcess.exitedCpu.chromium.toFixed(1)} s, ${perProcess.exited.db} backends, ${perProcess.exitedCpu.db.toFixed(1)} s)`,
  );
  say(
    `  machine               ${machineBusy.toFixed(2)} of 2 cores busy (/proc/stat, everything on the machine: the rest of it is other load)`,
  );
  say(
    `  target                under 60 s (issue #16): ${runMs < 60_000 ? 'met' : 'NOT met'}; under 5 minutes (before): ${runMs < 300_000 ? 'met' : 'NOT met'}`,
  );
  say(`  every statement mailed once: ${problems.length ? `NO: ${problems.join('; ')}` : 'yes'}`);
  if (problems.length) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  if (process.env.BENCH_PROFILE) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(process.env.BENCH_PROFILE, 'runs.json'), JSON.stringify([window]));
  }
  await db.end();
  await deployment.cleanup();
  await new Promise((resolve) => smtp.close(resolve));
  say(`load average at the end: ${load()}; total ${Math.round((Date.now() - started) / 1000)} s`);
}
process.exit(exitCode);

function s(msValue) {
  return `${(msValue / 1000).toFixed(1)} s`;
}
