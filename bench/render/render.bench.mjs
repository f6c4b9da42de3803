// Rendering benchmark: the PDF pipeline (src/rendering/pdf, compiled to dist/) against a trivial page on a
// warm tab (the floor) and a naive puppeteer setup, on the Chinese statement fixtures. Not part of `npm test`.
//   npm run build && npm run bench:render          (BENCH_QUICK=1 for a shorter run)
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
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
const doc1 = {
  html: fixture('statement-1-page.html'),
  headerHtml: fixture('header.html'),
  footerHtml: fixture('footer.html'),
};
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
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) await fn(next++, worker);
    }),
  );
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
    await writeFile(
      join(dir, 'fonts.conf'),
      `<?xml version="1.0"?><fontconfig>${notoDirs.map((d) => `<dir>${d}</dir>`).join('')}
      <cachedir>${dir}/cache</cachedir>
      <alias><family>Tenderdesk Sans</family><prefer><family>Noto Sans SC</family></prefer></alias></fontconfig>`,
    );
    env.FONTCONFIG_FILE = join(dir, 'fonts.conf');
  }
  if (fontconfigFile) env.FONTCONFIG_FILE = fontconfigFile;
  return puppeteer.launch({
    executablePath: CHROMIUM,
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    env,
  });
}
const printOptions = (doc, extra = {}) => ({
  format: 'A4',
  printBackground: true,
  displayHeaderFooter: true,
  headerTemplate: doc.headerHtml,
  footerTemplate: doc.footerHtml,
  margin: MARGIN,
  preferCSSPageSize: true,
  ...extra,
});

const results = {};
const say = (line) => console.log(line);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
say(`machine: ${cpus().length} × ${cpus()[0].model.trim()}, ${mib(totalmem())} RAM, load average ${load()} at start`);

// 1. Floor: a trivial page printed on a warm tab, puppeteer's defaults, the host's fonts. Measured in the same
//    rounds as the pipeline's 1-page statement (section 4): the load on this shared machine drifts.
const floorBrowser = await bareBrowser('host');
const floorTab = await floorBrowser.newPage();
const printFloor = async () => {
  await floorTab.setContent('<!doctype html><p>hello</p>');
  await floorTab.pdf({ format: 'A4' });
};
await timeEach(3, 3, printFloor);

// 2. Naive: bare puppeteer, a new page per document, puppeteer's default (tagged) PDF, the whole font.
//    FINDINGS' naive used Debian's fonts-noto-cjk, which is not installed here, so the whole 10.5 MB TrueType
//    Noto Sans SC stands in for it, two ways: inlined with @font-face (no subsetting), and installed as a
//    system font (fontconfig), which is faster and so the stricter baseline. Headers/footers use the system
//    font in both (they cannot use web fonts).
const fullFontFace = ['400Regular/NotoSansSC_400Regular.ttf', '700Bold/NotoSansSC_700Bold.ttf']
  .map(
    (f, i) =>
      `@font-face{font-family:'Tenderdesk Sans';font-weight:${i ? 700 : 400};src:url(data:font/ttf;base64,${readFileSync(require.resolve(`@expo-google-fonts/noto-sans-sc/${f}`)).toString('base64')})}`,
  )
  .join('');
for (const [key, label, fontSet, inline] of [
  ['naive', 'naive, whole TTF via @font-face', 'full-ttf', true],
  ['naiveSys', 'naive, whole TTF as system font', 'full-ttf', false],
]) {
  const browser = await bareBrowser(fontSet);
  const naive = async (doc) => {
    const page = await browser.newPage();
    await page.setContent(inline ? insertIntoHead(doc.html, `<style>${fullFontFace}</style>`) : doc.html);
    await page.pdf(printOptions(doc));
    await page.close();
  };
  // The @font-face variant takes ~15 s a document: fewer samples.
  results[`${key}1`] = await timeEach(inline || QUICK ? 3 : 7, inline ? 0 : 1, () => naive(doc1));
  results[`${key}10`] = await timeEach(inline || QUICK ? 2 : 5, inline ? 0 : 1, () => naive(doc10));
  say(`${label}: 1-page median ${ms(results[`${key}1`])}; 10-page median ${ms(results[`${key}10`])}`);
  for (const c of [1, 2, 4]) {
    results[`${key}Tput${c}`] =
      c === 1 && inline ? 1000 / results[`${key}1`] : await throughput(c, inline || QUICK ? 4 : 8, () => naive(doc1));
    say(`${label}: throughput, concurrency ${c}: ${results[`${key}Tput${c}`].toFixed(2)} docs/s`);
  }
  await browser.close();
}

// 3. Steps from naive to the pipeline, one at a time (bare puppeteer, the 1-page statement, median).
if (!QUICK) {
  const fonts = new PdfFonts();
  const fcDir = await mkdtemp(join(work, 'steps-'));
  const headerFontconfig = await (fonts.noteHeaderText(doc1.headerHtml + doc1.footerHtml),
  fonts.writeFontconfig(fcDir));
  const withSubset = {
    ...doc1,
    html: insertIntoHead(doc1.html, `<style>${await fonts.fontFaceCss(doc1.html)}</style>`),
  };
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
  // Tagging matters on longer documents: the 10-page statement, best setup, tagged or not.
  const ten = { ...doc10, html: insertIntoHead(doc10.html, `<style>${await fonts.fontFaceCss(doc10.html)}</style>`) };
  const browser = await bareBrowser('full-ttf', headerFontconfig);
  const tab = await browser.newPage();
  for (const tagged of [true, false]) {
    let size = 0;
    const t = await timeEach(5, 1, async () => {
      await tab.setContent(ten.html);
      size = (await tab.pdf(printOptions(ten, { tagged }))).length;
    });
    say(`step: 10-page, tagged: ${tagged}: median ${ms(t)}, ${Math.round(size / 1024)} KB`);
  }
  await browser.close();
}

// 4. The pipeline: PdfRenderer + BrowserPool (subset per document incl. subsetting time, interception, nonce check).
// A different customer per render, so that each document needs its own font subset (no cache hit).
const customers = [
  '上海浦东重型机械有限公司',
  '北京燕山石化装备厂',
  '天津港务机械修造厂',
  '重庆长江轮船配件公司',
  '黑龙江齐齐哈尔车辆厂',
];
const varied = (doc, i) => ({
  ...doc,
  html: doc.html.replace('上海浦东重型机械有限公司', `${customers[i % customers.length]}（${i}）`),
});
const makePipeline = (concurrency) => {
  const config = loadConfig({
    STORAGE_DIR: join(work, 'storage'),
    RENDER_CONCURRENCY: String(concurrency),
    RENDER_QUEUE_LIMIT: '1000',
  });
  const fonts = new PdfFonts();
  const pool = new BrowserPool(config, fonts);
  return { pool, renderer: new PdfRenderer(pool, fonts) };
};
{
  const { pool, renderer } = makePipeline(2);
  const t = performance.now();
  await renderer.render(doc1);
  results.cold = performance.now() - t;
  say(`pipeline cold start (launch + first 1-page PDF): ${ms(results.cold)}`);
  for (let i = 0; i < 3; i++) await renderer.render(varied(doc1, i));
  const floor = [];
  const one = [];
  for (let i = 0; i < (QUICK ? 10 : 30); i++) {
    let t0 = performance.now();
    await printFloor();
    floor.push(performance.now() - t0);
    t0 = performance.now();
    await renderer.render(varied(doc1, i));
    one.push(performance.now() - t0);
  }
  results.floor = median(floor);
  results.pipe1 = median(one);
  results.pipe10 = await timeEach(QUICK ? 3 : 9, 1, (i) => renderer.render(varied(doc10, i)));
  say(`floor (trivial page, warm tab, page.pdf() defaults): median ${ms(results.floor)}`);
  say(`pipeline 1-page: median ${ms(results.pipe1)} (same rounds as the floor); 10-page: median ${ms(results.pipe10)}`);
  await pool.close();
  await floorBrowser.close();
}
for (const c of [1, 2, 4]) {
  const { pool, renderer } = makePipeline(c);
  await throughput(c, c * 2, (i) => renderer.render(varied(doc1, i))); // launched and warm
  results[`pipeTput${c}`] = await throughput(c, QUICK ? 10 : c === 1 ? 20 : 40, (i) =>
    renderer.render(varied(doc1, i)),
  );
  say(`pipeline throughput, concurrency ${c}: ${results[`pipeTput${c}`].toFixed(2)} docs/s`);
  await pool.close();
}
// Memory in a separate pass: reading smaps_rollup of every Chromium process takes CPU the throughput runs need.
for (const c of [2, 4]) {
  const { pool, renderer } = makePipeline(c);
  await renderer.render(doc1);
  results[`peak${c}`] = await peakMemory(pool, () =>
    throughput(c, QUICK ? 10 : 30, (i) => renderer.render(varied(i % 3 ? doc1 : doc10, i))),
  );
  say(
    `pool memory, concurrency ${c} (1- and 10-page mix): browser tree peak PSS ${mib(results[`peak${c}`].pss)}, RSS ${mib(results[`peak${c}`].rss)}`,
  );
  await pool.close();
}
// The machine's capacity for comparison: trivial pages on warm tabs, one tab per worker.
{
  const browser = await bareBrowser('host');
  const tabs = await Promise.all([1, 2].map(() => browser.newPage()));
  const trivial = async (_, w) => {
    await tabs[w].setContent('<!doctype html><p>hello</p>');
    await tabs[w].pdf({ format: 'A4' });
  };
  await throughput(2, 4, trivial);
  results.floorTput2 = await throughput(2, QUICK ? 10 : 40, trivial);
  say(`floor throughput (trivial page), concurrency 2: ${results.floorTput2.toFixed(2)} docs/s`);
  await browser.close();
}

const best = (key) => Math.max(results[`${key}Tput1`], results[`${key}Tput2`], results[`${key}Tput4`]);
say('');
say(`1-page vs floor: ${(results.pipe1 / results.floor).toFixed(2)}× (target ≤ 2×)`);
for (const [key, label] of [
  ['naive', 'naive (@font-face)'],
  ['naiveSys', 'naive (system font)'],
]) {
  say(
    `vs ${label}: 1-page ${(results[`${key}1`] / results.pipe1).toFixed(1)}× faster, 10-page ${(results[`${key}10`] / results.pipe10).toFixed(1)}× faster; ` +
      `throughput best/best ${(best('pipe') / best(key)).toFixed(1)}×, at concurrency 2 ${(results.pipeTput2 / results[`${key}Tput2`]).toFixed(1)}× (target ≥ 10×)`,
  );
}
say(
  `pool memory at the default concurrency 2: peak PSS ${mib(results.peak2.pss)}, RSS ${mib(results.peak2.rss)} (target ≤ 1 GiB); at 4: PSS ${mib(results.peak4.pss)}, RSS ${mib(results.peak4.rss)}`,
);
say(
  `pipeline vs the machine's floor throughput at concurrency 2: ${((results.pipeTput2 / results.floorTput2) * 100).toFixed(0)}%`,
);
say(`chromium flags: ${chromiumArgs(2).join(' ')}`);
say(`load average at the end: ${load()}`);
await rm(work, { recursive: true, force: true });
