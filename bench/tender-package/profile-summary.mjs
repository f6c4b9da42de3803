// Where node's CPU went in one run of the tender-package bench, from the profiles BENCH_PROFILE=dir wrote:
//   BENCH_RUNS=1 BENCH_PROFILE=/tmp/prof npm run bench:tender-package
//   node bench/tender-package/profile-summary.mjs /tmp/prof [run index, default the last: a warm run] [top n, default 25]
// Every thread's profile (*.cpuprofile: the main thread, the DOCX thread, the bench's sampler thread) is cut to the
// run's window (runs.json) and its samples' self time summed by function and by step. A step is the first frame,
// from the leaf up, whose function or file names one (STEPS below); the rest is "other".
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [dir, runArg, topArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: profile-summary.mjs <BENCH_PROFILE dir> [run index] [top n]');
  process.exit(2);
}
const runs = JSON.parse(readFileSync(join(dir, 'runs.json'), 'utf8'));
const run = runs[runArg === undefined ? runs.length - 1 : Number(runArg)];
const top = Number(topArg ?? 25);

// Matched against "function url" of each frame from the leaf up; the first hit names the step.
const STEPS = [
  ['signature (pdf-signer, incremental, OpenSSL)', /rendering\/signing\/|@signpdf\//],
  ['DOCX (docx library, html-to-docx)', /rendering\/docx\/|node_modules\/docx\/|jszip|fflate/],
  // pdf-lib deflates the content streams it writes (page numbers, seal) with pako.
  ['assembly: pdf-lib deflate (pako)', /node_modules\/pako\//],
  ['assembly: pdf-lib save', /\b(save|serializeToBuffer|computeBufferSize|PDFWriter|PDFStreamWriter|copyBytesInto)\b/],
  ['assembly: pdf-lib copyPages', /\b(copyPages|PDFObjectCopier|copyPDFPage|copyPDFDict|copyPDFArray|copyPDFStream)\b/],
  [
    'assembly: pdf-lib parse (load)',
    /\b(PDFParser|PDFObjectParser|PDFXRefStreamParser|PDFObjectStreamParser|BaseParser|ByteStream)\b|\bload\b.*pdf-lib/,
  ],
  [
    'assembly: page numbers, seal, outline',
    /\b(stampPageNumbers|stampSeal|addOutline|drawText|drawImage|embedFont|embedPng)\b/,
  ],
  ['scans (scan-pages, attachments)', /scan-pages|assembly\/attachments/],
  ['Chromium protocol (puppeteer, CDP)', /puppeteer|chromium-bidi|\bws\/lib\//],
  ['templates (Handlebars)', /handlebars|template-engine/],
  [
    'bench memory meter',
    /^(sample|timed|memOf|kindOf|list|resident|unionSampler) .*(tender-package\.bench\.mjs|worker eval)|process-tree\.js/,
  ],
  // The statement run's (bench/statement-run with BENCH_PROFILE): database, queue, mail and the bench's HTTP polling.
  ['PostgreSQL client (TypeORM, pg)', /node_modules\/(typeorm|pg|pg-protocol|pg-pool|pg-types|postgres-\w+)\//],
  ['queue (pg-boss)', /node_modules\/pg-boss\//],
  ['mail (nodemailer)', /node_modules\/nodemailer\//],
  ['HTTP (express, Nest)', /node_modules\/(express|router|@nestjs|body-parser|pino-http)\//],
  ['garbage collector', /^\(garbage collector\)/],
  ['idle', /^\((idle|program)\)/],
];

let all = new Map(); // "function url:line" -> self µs
const steps = new Map();
const threads = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/')}`;
  const stepCache = new Map();
  const stepOf = (id) => {
    if (stepCache.has(id)) return stepCache.get(id);
    let step = 'other';
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const hit = STEPS.find(([, re]) => re.test(label(nodes.get(at))));
      if (hit) {
        step = hit[0];
        break;
      }
    }
    stepCache.set(id, step);
    return step;
  };
  let t = profile.startTime;
  let busy = 0;
  const own = new Map();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0; // a sample's time is the gap to the next one
    t += profile.timeDeltas[i];
    if (t < run.start || t > run.end) return;
    const n = nodes.get(id);
    const name = `${label(n)}:${n.callFrame.lineNumber + 1}`;
    const step = stepOf(id);
    if (step === 'idle') return;
    busy += dt;
    all.set(name, (all.get(name) ?? 0) + dt);
    steps.set(step, (steps.get(step) ?? 0) + dt);
    own.set(step, (own.get(step) ?? 0) + dt);
  });
  const mainSteps = [...own].sort((a, b) => b[1] - a[1]).slice(0, 4);
  if (busy)
    threads.push(
      `  ${file}: ${(busy / 1e6).toFixed(2)} s (${mainSteps.map(([k, v]) => `${k} ${(v / 1e6).toFixed(2)} s`).join(', ')})`,
    );
}
const sec = (us) => `${(us / 1e6).toFixed(2)} s`;
const total = [...steps.values()].reduce((a, b) => a + b, 0);
console.log(
  `run "${run.label}": ${sec(run.end - run.start)} wall; node busy ${sec(total)} (all threads, idle left out)`,
);
console.log(`threads:\n${threads.join('\n')}`);
console.log('\nby step (self time of the samples whose stack names it):');
for (const [step, us] of [...steps].sort((a, b) => b[1] - a[1]))
  console.log(`  ${sec(us).padStart(8)}  ${((100 * us) / total).toFixed(0).padStart(3)}%  ${step}`);
console.log(`\ntop ${top} functions by self time:`);
all = [...all].sort((a, b) => b[1] - a[1]).slice(0, top);
for (const [name, us] of all) console.log(`  ${sec(us).padStart(8)}  ${name}`);
