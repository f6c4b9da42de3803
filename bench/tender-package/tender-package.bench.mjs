// Tender package benchmark: a ~200-page package with 50 appended scans, through the code the service runs
// (buildPackageModel -> TenderPackageComposer: Chromium renders of every section, a long table in parts of
// ROWS_PER_RENDER rows joined into its section, the table of contents, pdf-lib assembly with outline, page numbers
// and seal, PAdES signing, the DOCX), compiled to dist/. Not part of `npm test`. Settings: README.md beside this file.
//   npm run build && npm run bench:tender-package        (BENCH_RUNS=n warm runs, default 3)
import 'reflect-metadata';
import { execFile, spawnSync } from 'node:child_process';
import { once as onceEvent } from 'node:events';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

// The V8 flags the API and the worker start with (NODE_MEMORY_FLAGS in the Makefile, Dockerfile,
// docker-compose.yml), unless BENCH_NODE_FLAGS says otherwise ("" for none). Node refuses them in NODE_OPTIONS,
// so the bench starts itself again with them.
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '--heap-growing-percent=20 --max-semi-space-size=4')
  .split(' ')
  .filter(Boolean);
// BENCH_PROFILE=dir: V8 CPU profiles of this process's threads (main and the DOCX thread) into dir, and the monotonic
// time window of each run in dir/runs.json, for profile-summary.mjs beside this file (which reads one run's window).
if (process.env.BENCH_PROFILE) NODE_FLAGS.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`);
if (!process.env.BENCH_CHILD) {
  const child = spawnSync(process.execPath, [...NODE_FLAGS, ...process.execArgv, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_CHILD: '1' },
  });
  process.exit(child.status ?? 1);
}

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const dist = process.env.BENCH_DIST ? pathToFileURL(`${process.env.BENCH_DIST}/`) : new URL('dist/', root);
if (!existsSync(new URL('modules/tenders/package/tender-package.composer.js', dist))) {
  console.error(`${dist.pathname}modules/tenders/package is missing: run \`npm run build\` first`);
  process.exit(1);
}
const { cpuTimes } = await import('../api-load/service.mjs');
const { loadConfig } = await import(new URL('config/app-config.js', dist).href);
const { ConfigModule } = await import(new URL('config/config.module.js', dist).href);
const { RenderingModule } = await import(new URL('rendering/rendering.module.js', dist).href);
const { BrowserPool } = await import(new URL('rendering/pdf/browser-pool.js', dist).href);
const { processTree } = await import(new URL('rendering/pdf/process-tree.js', dist).href);
const { TenderPackageComposer } = await import(
  new URL('modules/tenders/package/tender-package.composer.js', dist).href
);
const { buildPackageModel, packageLayout, packageTitle } = await import(
  new URL('modules/tenders/package/tender-package.builder.js', dist).href
);
const { demoSealPng } = await import(new URL('modules/company/demo-data.js', dist).href);
const { TENDER_SECTIONS } = await import(new URL('modules/tenders/tender.entity.js', dist).href);
Logger.overrideLogger(['error', 'warn']);

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// BENCH_SAVE=dir: the last package's PDF and DOCX are written there, to look at.
// Rows of a long table per Chromium render: the composer's default unless set (to compare values).
const ROWS_PER_RENDER = process.env.BENCH_ROWS_PER_RENDER ? Number(process.env.BENCH_ROWS_PER_RENDER) : undefined;
const work = await mkdtemp(join(tmpdir(), 'td-bench-package-'));
const mib = (b) => `${Math.round(b / 1048576)} MiB`;
const pct = (part, whole) => `${Math.round((100 * part) / whole)}%`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const say = (line) => console.log(line);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
say(`machine: ${cpus().length} × ${cpus()[0].model.trim()}, ${mib(totalmem())} RAM, load average ${load()} at start`);

// ---- the records: a large tender (as many rows as a big bid has), 50 scans ----
const INDUSTRIES = ['钢铁', '石油化工', '电力', '水务', '矿山', '化工'];
const PRODUCTS = ['压力变送器', '电磁流量计', '雷达物位计', '核子密度计', '分析仪表', '温度变送器'];
const pick = (list, i) => list[i % list.length];
const day = (offset) => new Date(Date.UTC(2026, 10, 23) + offset * 86_400_000).toISOString().slice(0, 10);

/** A scanned page: text drawn with pdf-lib, then rasterised by poppler (as a scanner's JPEG or PNG would be). */
async function scanImage(i, kind) {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const page = doc.addPage([595.28, 841.89]);
  page.drawRectangle({ x: 40, y: 40, width: 515, height: 760, borderColor: rgb(0.2, 0.2, 0.5), borderWidth: 3 });
  page.drawText(`CERTIFICATE No. ${1000 + i}`, { x: 120, y: 700, size: 28, font });
  for (let l = 0; l < 30; l++)
    page.drawText(`Scope line ${l + 1}: pressure transmitters, flow meters, level meters.`, {
      x: 70,
      y: 640 - l * 18,
      size: 11,
      font,
    });
  const pdf = join(work, `scan-${i}.pdf`);
  await writeFile(pdf, await doc.save());
  const out = join(work, `scan-${i}`);
  await run('pdftoppm', [
    '-singlefile',
    '-r',
    '150',
    ...(kind === 'jpeg' ? ['-jpeg', '-jpegopt', 'quality=80'] : ['-png', '-gray']),
    pdf,
    out,
  ]);
  return readFile(`${out}.${kind === 'jpeg' ? 'jpg' : 'png'}`);
}

/** A scanned multi-page PDF (what a scanner makes: every page an image). */
async function scanPdf(i, pages) {
  const doc = await PDFDocument.create();
  const jpeg = await doc.embedJpg(await scanImage(i, 'jpeg'));
  for (let p = 0; p < pages; p++)
    doc.addPage([595.28, 841.89]).drawImage(jpeg, { x: 0, y: 0, width: 595.28, height: 841.89 });
  return Buffer.from(await doc.save());
}

// 50 scans: 35 PDFs of 1–4 pages, 8 JPEG and 7 PNG pictures.
const scans = [];
for (let i = 0; i < 50; i++) {
  const kind = i < 35 ? 'pdf' : i < 43 ? 'jpeg' : 'png';
  const pages = kind === 'pdf' ? 1 + (i % 4) : 1;
  scans.push({
    id: `scan-${i}`,
    kind,
    pages,
    bytes: kind === 'pdf' ? await scanPdf(i, pages) : await scanImage(i, kind),
  });
}
const scanView = (scan) => ({ id: scan.id, originalName: `${scan.id}.${scan.kind}` });
// 60 qualifications (20 with a scan), 5 credit certificates (a scan each), 140 references (25 scans among the first).
const qualifications = Array.from({ length: 60 }, (_, i) => ({
  id: `q${i}`,
  type: pick(['business_licence', 'iso9001', 'iso14001', 'industry_permit', 'product_certificate', 'other'], i),
  name: `${pick(PRODUCTS, i)}产品认证证书（第 ${i + 1} 号）`,
  number: `CERT-2026-${String(i + 1).padStart(4, '0')}`,
  issuer: '中国质量认证中心',
  grade: `${pick(PRODUCTS, i)} 全系列`,
  validFrom: day(-700),
  validTo: i % 5 ? day(400 + i) : null,
  scans: [],
}));
const credit = Array.from({ length: 5 }, (_, i) => ({
  ...qualifications[i],
  id: `c${i}`,
  type: 'credit_rating',
  name: `AAA 级信用企业证书 ${i + 1}`,
  scans: [],
}));
const records = Array.from({ length: 140 }, (_, i) => ({
  id: `p${i}`,
  projectName: `${pick(INDUSTRIES, i)}集团第 ${i + 1} 号装置${pick(PRODUCTS, i)}改造项目`,
  customerName: `${pick(INDUSTRIES, i)}集团有限公司`,
  industry: pick(INDUSTRIES, i),
  productLine: pick(PRODUCTS, i),
  contractAmount: `${(500000 + i * 137531).toFixed(0)}.00`,
  currency: 'CNY',
  signedDate: day(-900 + i * 10),
  completedDate: day(-600 + i * 10),
  location: '江苏省苏州市',
  scope: `${pick(PRODUCTS, i)} ${20 + i} 台及安装调试、培训、质保两年`,
  proofs: [],
}));
// Scans in list order: qualifications take 20, credit 5, references 25 (some records two).
let next = 0;
for (const q of qualifications) if (next < 20 && Number(q.id.slice(1)) % 3 !== 2) q.scans.push(scanView(scans[next++]));
for (const c of credit) c.scans.push(scanView(scans[next++]));
for (const [i, r] of records.entries()) {
  if (next < 50 && i % 3 === 0) r.proofs.push(scanView(scans[next++]));
  if (next < 50 && i % 3 === 0) r.proofs.push(scanView(scans[next++]));
}
for (const r of records) if (next < 50) r.proofs.push(scanView(scans[next++]));
if (next !== 50) throw new Error(`bench: ${next} scans placed, not 50`);
const byId = new Map(scans.map((x) => [x.id, x]));
const attachmentsOf = (list, field) =>
  list.flatMap((item) => item[field].map((f) => ({ name: f.originalName, bytes: byId.get(f.id).bytes })));

const lines = Array.from({ length: 1000 }, (_, i) => {
  const net = (10000 + i * 37).toFixed(2);
  const tax = ((10000 + i * 37) * 0.13).toFixed(2);
  return {
    line: i + 1,
    productId: null,
    productCode: `HD-${1000 + i}`,
    name: pick(PRODUCTS, i),
    specification: `DN${25 + (i % 20) * 25} PN16 4-20mA HART 防爆 Ex d IIC T6`,
    qty: '1',
    unit: '台',
    unitPrice: net,
    discount: '0',
    taxRate: '13',
    net,
    tax,
    total: (Number(net) + Number(tax)).toFixed(2),
  };
});
const sum = (k) => (lines.reduce((n, l) => n + Math.round(Number(l[k]) * 100), 0) / 100).toFixed(2);
const quotation = {
  number: 'Q2026-1000',
  revision: 1,
  lines,
  subtotal: sum('net'),
  taxTotal: sum('tax'),
  total: sum('total'),
  paymentTerms: [
    { percent: '30', event: 'contract_signed', days: 7, label: null },
    { percent: '60', event: 'before_delivery', days: null, label: null },
    { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
  ],
  deliveryTerms: { daysAfterAdvance: 45, date: null, place: '江苏省苏州市', incoterm: 'DAP' },
};
const tender = {
  id: 'bench',
  tenderNo: 'BENCH-ZB-2026-0200',
  projectName: '炼铁厂全厂仪表更新改造工程',
  lot: '第一标段（仪表）',
  buyer: '青澜钢铁集团有限公司',
  agency: '江苏中诚招标代理有限公司',
  deadline: new Date('2026-12-15T01:30:00Z'),
  deadlineDate: '2026-12-15',
  bidValidityDays: 90,
  validityEndDate: '2027-03-15',
  bidBond: { amount: '200000.00', form: 'bank_guarantee', bank: '中国银行苏州分行', status: 'to_pay' },
  currency: 'CNY',
  quotation: { id: 'q', number: quotation.number },
  salesOwner: { id: 'u', name: '李明', email: null },
  language: 'zh-CN',
  requirements: {
    qualificationTypes: [],
    performance: null,
    sections: [...TENDER_SECTIONS],
    deviations: Array.from({ length: 640 }, (_, i) => ({
      clause: `第五章 技术要求 ${Math.floor(i / 10) + 1}.${(i % 10) + 1}`,
      requirement: `${pick(PRODUCTS, i)}测量精度优于 ±0.${(i % 5) + 1}%，防护等级不低于 IP65，具备 HART 通讯`,
      response: `满足：精度 ±0.0${(i % 5) + 1}%，IP67，HART 7`,
      deviation: i % 7 ? 'none' : 'positive',
      note: i % 11 ? null : '见附件技术说明',
    })),
  },
  selection: { qualificationIds: null, performanceIds: null },
  representative: { name: '陈晓东', title: '销售经理', idNumber: '320501198801012345', phone: '13912345678' },
  status: 'preparing',
  notes: null,
  createdAt: new Date(),
  updatedAt: new Date(),
};
const company = {
  profile: {
    legalNameZh: '华东智能仪表有限公司',
    legalNameEn: 'East China Smart Instruments Co., Ltd.',
    creditCode: '91320594MA1W8Q3K2T',
    addressZh: '江苏省苏州市工业园区星湖街88号',
    addressEn: null,
    postalCode: '215000',
    phone: '0512-6688 1200',
    fax: '0512-6688 1299',
    email: 'sales@ecsi.example',
    legalRepresentative: '周建华',
    bankAccounts: [
      {
        bankName: '中国工商银行',
        branch: '苏州吴中支行',
        accountName: '华东智能仪表有限公司',
        accountNumber: '1102 0206 0900 1234 567',
      },
    ],
  },
  seals: { company: { bytes: demoSealPng('company') }, contract: null },
};
const input = { tender, qualifications, credit, performance: records, blocking: [], missingTypes: [] };

// ---- the app: configuration + rendering (Chromium pool, templates, signer) + the composer, as the service has them ----
// CHROMIUM_PATH and RENDER_CONCURRENCY from the environment (e.g. CHROMIUM_PATH=/usr/bin/chromium-headless-shell).
const passed = Object.fromEntries(
  ['CHROMIUM_PATH', 'RENDER_CONCURRENCY'].filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
);
const config = loadConfig({ STORAGE_DIR: join(work, 'storage'), LOG_LEVEL: 'error', ...passed });
say(`printer: ${config.chromiumPath}, RENDER_CONCURRENCY ${config.render.concurrency}`);
const app = await NestFactory.createApplicationContext(
  {
    module: class TenderPackageBench {},
    imports: [ConfigModule.forRoot(config), RenderingModule],
    providers: [TenderPackageComposer],
  },
  { logger: ['error', 'warn'] },
);
const composer = app.get(TenderPackageComposer);
const pool = app.get(BrowserPool);

/**
 * Memory of this process and of Chromium's process tree, sampled every 100 ms from /proc/<pid>/smaps_rollup:
 * the peak of the summed RSS (pages the processes share, such as Chromium's binary, counted once per process:
 * an overstatement) and of the summed PSS (shared pages split among the processes mapping them, so it falls
 * when other programs map the same files: another Chromium on the machine lowers ours). And, every 500 ms in
 * a worker thread, the pages resident in any of the processes, each counted once (their physical page
 * numbers from /proc/<pid>/pagemap, readable by root only): what the package really holds in RAM, whatever
 * else runs.
 */
function memorySampler() {
  if (process.env.BENCH_MEMORY === '0') {
    // No meter (it costs CPU of its own, on both cores: docs/benchmarks.md): for wall and CPU figures only.
    const none = { total: 0, node: 0, chromium: 0, pss: 0, chromiumProcesses: 0, resident: null, samplerMainCpu: 0 };
    return { stop: async () => ({ ...none, rssBreakdown: 'not measured', pssBreakdown: 'not measured' }) };
  }
  const memOf = (pid) => {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
      return { rss: kb('Rss'), pss: kb('Pss') };
    } catch {
      return { rss: 0, pss: 0 }; // exited meanwhile
    }
  };
  const kindOf = (pid) => {
    try {
      return /--type=([a-z-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'latin1'))?.[1] ?? 'browser';
    } catch {
      return 'gone';
    }
  };
  const list = (pids, values) =>
    pids
      .map((pid, i) => `${pid === process.pid ? 'node' : kindOf(pid)} ${mib(values[i])}`)
      .filter((x) => !/ 0 MiB$/.test(x))
      .join(', ');
  const peak = { total: 0, node: 0, chromium: 0, pss: 0, chromiumProcesses: 0, resident: null };
  const union = unionSampler();
  const sample = () => {
    const { browserPid, launched } = pool.stats();
    const tag = launched.find((l) => l.pid === browserPid)?.tag;
    const pids = [process.pid, ...(browserPid && tag ? processTree(browserPid, tag) : [])];
    union.watch(pids);
    const mem = pids.map(memOf);
    const node = mem[0];
    const chromium = mem.slice(1).reduce((n, m) => n + m.rss, 0);
    const pss = mem.reduce((n, m) => n + m.pss, 0);
    peak.node = Math.max(peak.node, node.rss);
    peak.chromium = Math.max(peak.chromium, chromium);
    if (node.rss + chromium > peak.total) {
      peak.total = node.rss + chromium;
      peak.rssBreakdown = list(
        pids,
        mem.map((m) => m.rss),
      );
    }
    if (pss > peak.pss) {
      peak.pss = pss;
      peak.pssBreakdown = list(
        pids,
        mem.map((m) => m.pss),
      );
    }
    peak.chromiumProcesses = Math.max(peak.chromiumProcesses, pids.length - 1);
  };
  // Its own CPU on the main thread (the process tree and smaps_rollup of ~8 processes, 10 times a second), so that
  // the package's CPU can be told from the meter's.
  let ownCpu = 0;
  const timed = () => {
    const before = process.threadCpuUsage();
    sample();
    const used = process.threadCpuUsage(before);
    ownCpu += (used.user + used.system) / 1e6;
  };
  const timer = setInterval(timed, 100);
  return {
    async stop() {
      clearInterval(timer);
      timed();
      peak.resident = await union.stop();
      peak.samplerMainCpu = ownCpu;
      return peak;
    },
  };
}

/** The resident-once figure of memorySampler, in a worker thread so that its page walks never delay the package. */
function unionSampler() {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
const { closeSync, openSync, readFileSync, readSync } = require('node:fs');
const buf = Buffer.alloc(8 << 16);
const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length / 4);
function resident(pids) {
  const frames = new Set();
  for (const pid of pids) {
    let maps, fd;
    try {
      maps = readFileSync('/proc/' + pid + '/maps', 'utf8');
      fd = openSync('/proc/' + pid + '/pagemap', 'r');
    } catch { continue; }
    try {
      for (const line of maps.split('\\n')) {
        const m = /^([0-9a-f]+)-([0-9a-f]+) (\\S+)/.exec(line);
        if (!m || m[3].startsWith('---')) continue; // reserved, never resident
        const end = parseInt(m[2], 16) / 4096;
        if (!Number.isSafeInteger(end)) continue; // [vsyscall]
        for (let page = parseInt(m[1], 16) / 4096; page < end; ) {
          const n = Math.min(end - page, 1 << 16);
          const got = readSync(fd, buf, 0, n * 8, page * 8) / 8;
          for (let i = 0; i < got; i++) {
            const hi = words[2 * i + 1];
            if (hi & 0x80000000) frames.add(words[2 * i] + (hi & 0x7fffff) * 4294967296); // present: bits 0-54 are the frame
          }
          if (got < n) break;
          page += n;
        }
      }
    } catch { /* exited meanwhile */ } finally { closeSync(fd); }
  }
  return frames.size;
}
let pids = [];
let max = 0;
let zero = true;
parentPort.on('message', (m) => {
  if (m.pids) pids = m.pids;
  if (m.stop) parentPort.postMessage({ max, zero });
});
setInterval(() => {
  const frames = resident(pids);
  if (frames) zero = false;
  max = Math.max(max, frames * 4096);
}, 500);`,
    { eval: true, name: 'bench-sampler' },
  );
  return {
    watch(pids) {
      worker.postMessage({ pids });
    },
    async stop() {
      worker.postMessage({ stop: true });
      const [{ max, zero }] = await onceEvent(worker, 'message');
      await worker.terminate();
      return zero ? null : max; // null: pagemap gave no frame numbers (not root)
    },
  };
}

/**
 * CPU seconds of this process's threads by name (/proc/self/task/<tid>/comm): MainThread, the DOCX thread ("docx"),
 * the bench's sampler thread ("bench-sampler"), V8's helpers ("V8Worker": the concurrent and parallel GC, compilers),
 * libuv's pool ("libuv-worker": file reads, zlib). A thread that ended between two readings is not counted.
 */
function threadCpu() {
  const byName = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // ended meanwhile
    }
  }
  return byName;
}

/** Busy and total jiffies of the whole machine (/proc/stat): how much else ran beside the package. */
function machineCpu() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return {
    busy: f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3] - f[4],
    total: f.slice(0, 8).reduce((a, b) => a + b, 0),
  };
}

/** Each run's window on the monotonic clock V8's profiles stamp their samples with (µs), for BENCH_PROFILE. */
const windows = [];
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function once(label) {
  const marks = [];
  const window = { label, start: monotonicUs() };
  const cpu0 = { tree: cpuTimes(process.pid), machine: machineCpu(), threads: threadCpu() };
  const t0 = performance.now();
  const sampler = memorySampler();
  const layout = packageLayout(tender.requirements.sections);
  const model = buildPackageModel({ input, quotation, company, date: '2026-11-23' });
  const result = await composer.compose({
    model,
    layout,
    locale: 'zh-CN',
    title: packageTitle(tender),
    attachments: {
      qualifications: attachmentsOf(qualifications, 'scans'),
      performance: attachmentsOf(records, 'proofs'),
      credit: attachmentsOf(credit, 'scans'),
    },
    seal: company.seals.company.bytes,
    rowsPerRender: ROWS_PER_RENDER,
    progress: async (p) => {
      marks.push([p, performance.now() - t0]);
    },
  });
  const wall = performance.now() - t0;
  window.end = monotonicUs();
  windows.push(window);
  const cpu1 = { tree: cpuTimes(process.pid), machine: machineCpu(), threads: threadCpu() };
  const peak = await sampler.stop();
  const at = (p) => marks.find(([q]) => q >= p)?.[1] ?? NaN;
  say(
    `${label}: ${s(wall)} wall; ${result.pages} pages (${result.renderedPages} rendered + ${result.attachmentPages} from 50 scans), ` +
      `PDF ${mib(result.pdf.length)}, DOCX ${Math.round(result.docx.length / 1024)} KB; ` +
      `peak RSS ${mib(peak.total)} (node ${mib(peak.node)} + Chromium tree ${mib(peak.chromium)} in ${peak.chromiumProcesses} processes), ` +
      `peak PSS ${mib(peak.pss)}, peak resident once ${peak.resident === null ? 'n/a (not root)' : mib(peak.resident)}; load average ${load()}`,
  );
  say(
    `  steps: sections rendered ${s(at(60))} (${pct(at(60), wall)}), TOC + assembly ${s(at(80) - at(60))} (${pct(at(80) - at(60), wall)}), signing ${s(at(90) - at(80))} (DOCX built alongside the PDF)`,
  );
  const cores = (2 * (cpu1.machine.busy - cpu0.machine.busy)) / (cpu1.machine.total - cpu0.machine.total);
  say(
    `  CPU: node ${(cpu1.tree.own - cpu0.tree.own).toFixed(1)} s (this process, its threads included), Chromium ` +
      `${(cpu1.tree.descendants - cpu0.tree.descendants).toFixed(1)} s; the machine ${cores.toFixed(2)} of 2 cores busy (everything on it)`,
  );
  const threads = [...cpu1.threads]
    .map(([name, t]) => [name, t - (cpu0.threads.get(name) ?? 0)])
    .filter(([, t]) => t >= 0.05)
    .sort((a, b) => b[1] - a[1]);
  const nodeCpu = cpu1.tree.own - cpu0.tree.own;
  const meter = (threads.find(([name]) => name === 'bench-sampler')?.[1] ?? 0) + peak.samplerMainCpu;
  say(
    `  node's threads: ${threads.map(([name, t]) => `${name} ${t.toFixed(1)} s`).join(', ')}; the memory meter's own ` +
      `${meter.toFixed(1)} s (bench-sampler + ${peak.samplerMainCpu.toFixed(1)} s on MainThread): the package ${(nodeCpu - meter).toFixed(1)} s`,
  );
  say(`  RSS at its peak: ${peak.rssBreakdown}`);
  say(`  PSS at its peak: ${peak.pssBreakdown}`);
  say(`  sections: ${result.sections.map((x) => `${x.key} ${x.lastPage - x.firstPage + 1}`).join(', ')}`);
  await withChecks(result.pdf);
  if (process.env.BENCH_SAVE) {
    await writeFile(join(process.env.BENCH_SAVE, 'tender-package.pdf'), result.pdf);
    await writeFile(join(process.env.BENCH_SAVE, 'tender-package.docx'), result.docx);
  }
  // Only figures are kept: holding every run's package would add to the next run's memory.
  return { wall, peak };
}

const results = [await once('cold (includes the Chromium launch)')];
for (let i = 1; i <= RUNS; i++) results.push(await once(`warm run ${i}`));
const warm = results
  .slice(1)
  .map((r) => r.wall)
  .sort((a, b) => a - b);
const median = warm[Math.floor(warm.length / 2)];
const peakAll = Math.max(...results.map((r) => r.peak.total));
const pssAll = Math.max(...results.map((r) => r.peak.pss));
const residentAll = results.some((r) => r.peak.resident === null)
  ? null
  : Math.max(...results.map((r) => r.peak.resident));
say('');
say(
  `${warm.length ? `median of ${warm.length} warm runs: ${s(median)} (target < 5 s, issue #16; < 20 s before); ` : ''}cold: ${s(results[0].wall)}`,
);
say(
  `peak over all runs, node + Chromium: RSS ${mib(peakAll)}, PSS ${mib(pssAll)}, resident once ${residentAll === null ? 'n/a' : mib(residentAll)} (target < 1 GiB); ` +
    `node's own high-water mark (VmHWM): ${mib(vmHwm())}`,
);
say(
  `rows per render: ${ROWS_PER_RENDER ?? 'default'}; node options: ${process.execArgv.join(' ') || 'none'}${process.env.NODE_OPTIONS ? ` NODE_OPTIONS=${process.env.NODE_OPTIONS}` : ''}`,
);
say(`load average at the end: ${load()}`);
if (process.env.BENCH_PROFILE) await writeFile(join(process.env.BENCH_PROFILE, 'runs.json'), JSON.stringify(windows));
await app.close();
await rm(work, { recursive: true, force: true });

function vmHwm() {
  return Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
}

/** The independent checks the e2e test makes, on each package. */
async function withChecks(pdf) {
  const file = join(work, 'package.pdf');
  await writeFile(file, pdf);
  const sig = await run('pdfsig', [file]).then(
    (r) => r.stdout,
    (e) => String(e.stdout ?? e),
  );
  const qpdf = await run('qpdf', ['--check', file]).then(
    () => 'ok',
    (e) => `FAILED (${String(e.stdout ?? e).split('\n')[0]})`,
  );
  const pages = /Pages:\s+(\d+)/.exec((await run('pdfinfo', [file])).stdout)[1];
  say(
    `  checks: pdfinfo ${pages} pages; pdfsig ${/Signature is Valid/.test(sig) && /Total document signed/.test(sig) ? 'valid, total document signed' : 'NOT VALID'}; qpdf --check ${qpdf}`,
  );
}
