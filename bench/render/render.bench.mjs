// Rendering benchmark: the PDF pipeline (src/rendering/pdf, compiled to dist/) against a trivial page on a
// warm tab (the floor) and a naive puppeteer setup, on the Chinese statement fixtures. Not part of `npm test`.
//   npm run build && npm run bench:render          (BENCH_QUICK=1 for a shorter run)
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Logger } from '@nestjs/common';
import puppeteer from 'puppeteer-core';

const root = new URL('../../', import.meta.url);
// The compiled sources: dist/ after `npm run build`, or another build of src/ (BENCH_DIST=/path/to/dist).
const dist = process.env.BENCH_DIST ? pathToFileURL(`${process.env.BENCH_DIST}/`) : new URL('dist/', root);
if (!existsSync(new URL('rendering/pdf/pdf-renderer.js', dist))) {
  console.error(`${dist.pathname}rendering/pdf is missing: run \`npm run build\` first`);
  process.exit(1);
}
const { loadConfig } = await import(new URL('config/app-config.js', dist).href);
const { PdfFonts } = await import(new URL('rendering/pdf/fonts.js', dist).href);
const { BrowserPool, chromiumArgs } = await import(new URL('rendering/pdf/browser-pool.js', dist).href);
const { PdfRenderer, insertIntoHead } = await import(new URL('rendering/pdf/pdf-renderer.js', dist).href);
const { processTree } = await import(new URL('rendering/pdf/process-tree.js', dist).href);
Logger.overrideLogger(['error', 'warn']);

const QUICK = process.env.BENCH_QUICK === '1';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const fixture = (name) => readFileSync(new URL(`test/fixtures/pdf/${name}`, root), 'utf8');
const doc1 = { html: fixture('statement-1-page.html'), headerHtml: fixture('header.html'), footerHtml: fixture('footer.html') };
const doc10 = { ...doc1, html: fixture('statement-10-pages.html') };
const MARGIN = { top: '20mm', bottom: '18mm', left: '15mm', right: '15mm' };
const work = await mkdtemp(join(tmpdir(), 'td-bench-'));
const require = createRequire(new URL('package.json', root));
const notoDirs = ['400Regular/NotoSansSC_400Regular.ttf', '700Bold/NotoSansSC_700Bold.ttf'].map((f) =>
  dirname(require.resolve(`@expo-google-fonts/noto-sans-sc/${f}`)),
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${Math.round(x)} ms`;
async function timeEach(n, warmup, fn) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return median(times);
}
/** Documents per second with `concurrency` workers printing `total` documents. */
async function throughput(concurrency, total, fn) {
  let next = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await fn(next++);
  }));
  return total / ((performance.now() - t) / 1000);
}

/** Peak PSS and RSS (sums over the browser and all its processes), sampled every 200 ms while fn runs. */
async function peakMemory(pool, fn) {
  const peak = { pss: 0, rss: 0 };
  const sample = () => {
    const { browserPid, launched } = pool.stats();
    const tag = launched.find((l) => l.pid === browserPid)?.tag;
    if (!browserPid || !tag) return;
    let pss = 0;
    let rss = 0;
    for (const p of processTree(browserPid, tag)) {
      try {
        const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
        pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)[1]) * 1024;
        rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)[1]) * 1024;
      } catch {
        // exited meanwhile
      }
    }
    peak.pss = Math.max(peak.pss, pss);
    peak.rss = Math.max(peak.rss, rss);
  };
  const timer = setInterval(sample, 200);
  try {
    await fn();
  } finally {
    clearInterval(timer);
    sample();
  }
  return peak;
}
const mib = (b) => `${Math.round(b / 1048576)} MiB`;

/** A bare puppeteer browser; `fonts` 'host' = the machine's fonts, 'full-ttf' = only the 10.5 MB Noto Sans SC TTFs. */
async function bareBrowser(fonts, fontconfigFile) {
  const env = { PATH: process.env.PATH, HOME: work };
  if (fonts === 'full-ttf') {
    const dir = await mkdtemp(join(work, 'fc-'));
    await writeFile(join(dir, 'fonts.conf'), `<?xml version="1.0"?><fontconfig>${notoDirs.map((d) => `<dir>${d}</dir>`).join('')}
      <cachedir>${dir}/cache</cachedir>
      <alias><family>Tenderdesk Sans</family><prefer><family>Noto Sans SC</family></prefer></alias></fontconfig>`);
    env.FONTCONFIG_FILE = join(dir, 'fonts.conf');
  }
  if (fontconfigFile) env.FONTCONFIG_FILE = fontconfigFile;
  return puppeteer.launch({ executablePath: CHROMIUM, pipe: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], env });
}
const printOptions = (doc, extra = {}) => ({
  format: 'A4', printBackground: true, displayHeaderFooter: true, headerTemplate: doc.headerHtml, footerTemplate: doc.footerHtml,
  margin: MARGIN, preferCSSPageSize: true, ...extra,
});

const results = {};
const lines = [];
const say = (line) => {
  lines.push(line);
  console.log(line);
};
say(`machine: ${cpus().length} × ${cpus()[0].model.trim()}, ${mib(totalmem())} RAM, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);

// 1. Floor: a trivial page printed on a warm tab, puppeteer's defaults, the host's fonts.
{
  const browser = await bareBrowser('host');
  const page = await browser.newPage();
  results.floor = await timeEach(QUICK ? 10 : 30, 5, async () => {
    await page.setContent('<!doctype html><p>hello</p>');
    await page.pdf({ format: 'A4' });
  });
  await browser.close();
  say(`floor (trivial page, warm tab, page.pdf() defaults): median ${ms(results.floor)}`);
}

// 2. Naive: the fonts installed as system fonts (here the 10.5 MB TrueType Noto Sans SC: fonts-noto-cjk is not
//    installed on this machine), a new page per document, puppeteer's default tagged PDF.
{
  const browser = await bareBrowser('full-ttf');
  const naive = async (doc) => {
    const page = await browser.newPage();
    await page.setContent(doc.html);
    await page.pdf(printOptions(doc));
    await page.close();
  };
  results.naive1 = await timeEach(QUICK ? 3 : 9, 1, () => naive(doc1));
  results.naive10 = await timeEach(QUICK ? 2 : 5, 1, () => naive(doc10));
  say(`naive 1-page: median ${ms(results.naive1)}; 10-page: median ${ms(results.naive10)}`);
  for (const c of [1, 2, 4]) {
    results[`naiveTput${c}`] = await throughput(c, QUICK ? 4 : 8, () => naive(doc1));
    say(`naive throughput, concurrency ${c}: ${results[`naiveTput${c}`].toFixed(2)} docs/s`);
  }
  await browser.close();
}

// 3. Steps from naive to the pipeline, one at a time (bare puppeteer, the 1-page statement, median).
if (!QUICK) {
  const fonts = new PdfFonts();
  const fcDir = await mkdtemp(join(work, 'steps-'));
  const headerFontconfig = await (fonts.noteHeaderText(doc1.headerHtml + doc1.footerHtml), fonts.writeFontconfig(fcDir));
  const withSubset = { ...doc1, html: insertIntoHead(doc1.html, `<style>${await fonts.fontFaceCss(doc1.html)}</style>`) };
  const steps = [
    ['naive (full TTF as system font, new page, tagged)', 'full-ttf', undefined, doc1, false, {}],
    ['+ per-document subset for the body', 'full-ttf', undefined, withSubset, false, {}],
    ['+ small fontconfig subset for header/footer', 'full-ttf', headerFontconfig, withSubset, false, {}],
    ['+ reused tab', 'full-ttf', headerFontconfig, withSubset, true, {}],
    ['+ tagged: false', 'full-ttf', headerFontconfig, withSubset, true, { tagged: false }],
  ];
  for (const [label, fontSet, fontconfigFile, doc, reuse, extra] of steps) {
    const browser = await bareBrowser(fontSet, fontconfigFile);
    const kept = await browser.newPage();
    const t = await timeEach(7, 2, async () => {
      const page = reuse ? kept : await browser.newPage();
      await page.setContent(doc.html);
      await page.pdf(printOptions(doc, extra));
      if (!reuse) await page.close();
    });
    await browser.close();
    say(`step: ${label}: median ${ms(t)}`);
  }
}

// 4. The pipeline: PdfRenderer + BrowserPool (subset per document incl. subsetting time, interception, nonce check).
// A different customer per render, so that each document needs its own font subset (no cache hit).
const customers = ['上海浦东重型机械有限公司', '北京燕山石化装备厂', '天津港务机械修造厂', '重庆长江轮船配件公司', '黑龙江齐齐哈尔车辆厂'];
const varied = (doc, i) => ({ ...doc, html: doc.html.replace('上海浦东重型机械有限公司', `${customers[i % customers.length]}（${i}）`) });
const makePipeline = (concurrency) => {
  const config = loadConfig({ STORAGE_DIR: join(work, 'storage'), RENDER_CONCURRENCY: String(concurrency), RENDER_QUEUE_LIMIT: '1000' });
  const fonts = new PdfFonts();
  const pool = new BrowserPool(config, fonts);
  return { pool, renderer: new PdfRenderer(pool, fonts) };
};
{
  const { pool, renderer } = makePipeline(2);
  const t = performance.now();
  await renderer.render(doc1);
  results.cold = performance.now() - t;
  results.pipe1 = await timeEach(QUICK ? 10 : 30, 3, (i) => renderer.render(varied(doc1, i)));
  results.pipe10 = await timeEach(QUICK ? 3 : 9, 1, (i) => renderer.render(varied(doc10, i)));
  say(`pipeline cold start (launch + first 1-page PDF): ${ms(results.cold)}`);
  say(`pipeline 1-page: median ${ms(results.pipe1)}; 10-page: median ${ms(results.pipe10)}`);
  await pool.close();
}
for (const c of [1, 2, 4]) {
  const { pool, renderer } = makePipeline(c);
  await renderer.render(doc1);
  const n = QUICK ? 8 : c === 1 ? 20 : 30;
  let tput = 0;
  const peak = await peakMemory(pool, async () => {
    tput = await throughput(c, n, (i) => renderer.render(varied(doc1, i)));
  });
  results[`pipeTput${c}`] = tput;
  results[`peak${c}`] = peak;
  say(`pipeline throughput, concurrency ${c}: ${tput.toFixed(2)} docs/s; browser tree peak PSS ${mib(peak.pss)}, RSS ${mib(peak.rss)}`);
  await pool.close();
}

const bestPipe = Math.max(results.pipeTput1, results.pipeTput2, results.pipeTput4);
const bestNaive = Math.max(results.naiveTput1, results.naiveTput2, results.naiveTput4);
say('');
say(`1-page vs floor: ${(results.pipe1 / results.floor).toFixed(2)}× (target ≤ 2×)`);
say(`1-page vs naive: ${(results.naive1 / results.pipe1).toFixed(1)}× faster; 10-page: ${(results.naive10 / results.pipe10).toFixed(1)}× faster`);
say(`throughput vs naive: best ${(bestPipe / bestNaive).toFixed(1)}× (${bestPipe.toFixed(2)} vs ${bestNaive.toFixed(2)} docs/s); at concurrency 2: ${(results.pipeTput2 / results.naiveTput2).toFixed(1)}× (target ≥ 10×)`);
say(`pool memory at the default concurrency 2: peak PSS ${mib(results.peak2.pss)}, RSS ${mib(results.peak2.rss)} (target ≤ 1 GiB); at 4: PSS ${mib(results.peak4.pss)}, RSS ${mib(results.peak4.rss)}`);
say(`chromium flags: ${chromiumArgs(2).join(' ')}`);
say(`load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
await rm(work, { recursive: true, force: true });
