// Rendering benchmark: the real templates (templates/*/sample.json) through the code the API uses
// (RenderingService: TemplateEngine -> PdfRenderer -> BrowserPool, signing, DOCX), the old fixtures
// (test/fixtures/pdf) through PdfRenderer, and each stage of the pipeline taken apart, against the floor: a trivial
// page printed on a warm tab of the same browser, measured in the same run. Not part of `npm test`.
//   npm run build && npm run bench:render
//   PRINTER=chromium ...      full Chromium (the fallback printer) instead of the headless shell
//   BENCH_QUICK=1             a shorter pass;  BENCH_NAIVE=1  also the naive puppeteer baselines (slow, ~4 min)
//   BENCH_DIST=/path/to/dist  another build of src/
//   BENCH_BEFORE=/path/to/dist  also print every built-in template by that build and this one in the same rounds
//                               (BENCH_COMPARE_ONLY=1: only that)
import 'reflect-metadata';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { Logger } from '@nestjs/common';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import puppeteer from 'puppeteer-core';

const root = new URL('../../', import.meta.url);
const dist = process.env.BENCH_DIST ? pathToFileURL(`${process.env.BENCH_DIST}/`) : new URL('dist/', root);
if (!existsSync(new URL('rendering/rendering.service.js', dist))) {
  console.error(`${dist.pathname}rendering is missing: run \`npm run build\` first`);
  process.exit(1);
}
const load = (path) => import(new URL(path, dist).href);
const { loadConfig } = await load('config/app-config.js');
const { PdfFonts } = await load('rendering/pdf/fonts.js');
const { BrowserPool } = await load('rendering/pdf/browser-pool.js');
const { PdfRenderer, insertIntoHead } = await load('rendering/pdf/pdf-renderer.js');
const { processTree } = await load('rendering/pdf/process-tree.js');
const { TemplateEngine } = await load('rendering/templates/template-engine.js');
const { RenderingService } = await load('rendering/rendering.service.js');
const { loadSigner, signerSourceFromConfig } = await load('rendering/signing/certificates.js');
const { addPlaceholderIncrementally } = await load('rendering/signing/incremental.js');
const PLACEHOLDER = {
  reason: 'bench',
  location: '',
  name: 'bench',
  contactInfo: '',
  signingTime: new Date(),
  subFilter: 'ETSI.CAdES.detached',
  signatureLength: 16384,
  appName: 'Tenderdesk',
};
const { FilesystemStorage } = await load('infrastructure/storage/filesystem.driver.js');
Logger.overrideLogger(['error', 'warn']);

const QUICK = process.env.BENCH_QUICK === '1';
const PRINTER = process.env.PRINTER || 'headless-shell';
const work = await mkdtemp(join(tmpdir(), 'td-bench-render-'));
const baseConfig = { STORAGE_DIR: join(work, 'storage'), PRINTER, RENDER_QUEUE_LIMIT: '1000' };
if (process.env.CHROMIUM_PATH) baseConfig.CHROMIUM_PATH = process.env.CHROMIUM_PATH;
const config0 = loadConfig(baseConfig);

const say = (line = '') => console.log(line);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;
const mib = (b) => `${Math.round(b / 1048576)} MiB`;
const loadAvg = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const results = {};

/** Median of n runs of each function, interleaved (one of each per round): the shared machine's load drifts. */
async function interleaved(n, warmup, fns) {
  const times = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let round = 0; round < warmup + n; round++) {
    for (const [key, fn] of Object.entries(fns)) {
      const t = performance.now();
      await fn(round);
      if (round >= warmup) times[key].push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
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
/** Peak PSS and RSS (sums over the browser's process tree), sampled every 200 ms while fn runs. */
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

// ---- the documents ----
const sampleOf = (type, file = 'sample.json') =>
  JSON.parse(readFileSync(new URL(`templates/${type}/${file}`, root), 'utf8'));
const statement1 = sampleOf('customer-statement');
const statement10 = sampleOf('customer-statement', 'sample-10-pages.json');
const notice = sampleOf('delivery-notice');
// A different customer per render, as in a statement run: each document has characters of its own, so its font
// subset is not in the cache.
const CUSTOMERS = [
  '上海浦东重型机械有限公司',
  '北京燕山石化装备厂',
  '天津港务机械修造厂',
  '重庆长江轮船配件公司',
  '黑龙江齐齐哈尔车辆厂',
];
const NUMERALS = '〇一二三四五六七八九';
const varied = (data, i) => {
  const copy = structuredClone(data);
  if (copy.customer?.name !== undefined)
    copy.customer.name = `${CUSTOMERS[i % CUSTOMERS.length]}（${[...String(i)].map((d) => NUMERALS[d]).join('')}号）`;
  return copy;
};
const fixture = (name) => readFileSync(new URL(`test/fixtures/pdf/${name}`, root), 'utf8');
const fixture1 = {
  html: fixture('statement-1-page.html'),
  headerHtml: fixture('header.html'),
  footerHtml: fixture('footer.html'),
};
const fixture10 = { ...fixture1, html: fixture('statement-10-pages.html') };
const variedFixture = (doc, i) => ({
  ...doc,
  html: doc.html.replace('上海浦东重型机械有限公司', `${CUSTOMERS[i % CUSTOMERS.length]}（${i}）`),
});

const signer = await loadSigner(signerSourceFromConfig(config0));
const templates = new TemplateEngine();
function makePipeline(concurrency, recycleAfter = '200') {
  const config = loadConfig({
    ...baseConfig,
    RENDER_CONCURRENCY: String(concurrency),
    RENDER_RECYCLE_AFTER: recycleAfter,
  });
  const fonts = new PdfFonts();
  const pool = new BrowserPool(config, fonts);
  const renderer = new PdfRenderer(pool, fonts);
  const rendering = new RenderingService(templates, renderer, signer, config);
  return { pool, fonts, renderer, rendering, config };
}
/** What POST /api/templates/:type/preview?format=pdf does: HTML, then the unsigned PDF. */
// html() is async since the template store (it asks for a published version); await also takes a build's sync one.
const preview = async (rendering, type, data) => rendering.renderPdf(await rendering.html(type, data), false);
// The serif face: the statement with "font": "serif" in its meta.json (宋体 text, 黑体 headings), from a copy of
// templates/. A build from before the serif face ignores the key and prints it in the sans face.
const serifRoot = join(work, 'templates-serif');
cpSync(new URL('templates/', root), serifRoot, { recursive: true });
{
  const meta = join(serifRoot, 'customer-statement', 'meta.json');
  writeFileSync(meta, JSON.stringify({ ...JSON.parse(readFileSync(meta, 'utf8')), font: 'serif' }));
}
const serifTemplates = new TemplateEngine(serifRoot);
const previewSerif = (rendering, data) => rendering.renderPdf(serifTemplates.render('customer-statement', data), false);

say(
  `machine: ${cpus().length} × ${cpus()[0].model.trim()}, ${mib(totalmem())} RAM, load average ${loadAvg()} at start`,
);
say(`printer: PRINTER=${PRINTER} (${config0.chromiumPath})`);

// ---- 0. Optional: this build against another one (BENCH_BEFORE=/path/to/dist), in the same rounds ----
// Each built-in template's sample (a new customer each time) printed by both builds, each with its own pool of one
// tab, alternately and in alternating order, so that both see the same load; the serif statement by this build.
if (process.env.BENCH_BEFORE) {
  const other = pathToFileURL(`${process.env.BENCH_BEFORE}/`);
  const loadOther = (path) => import(new URL(path, other).href);
  const builds = {
    before: {
      loadConfig: (await loadOther('config/app-config.js')).loadConfig,
      PdfFonts: (await loadOther('rendering/pdf/fonts.js')).PdfFonts,
      BrowserPool: (await loadOther('rendering/pdf/browser-pool.js')).BrowserPool,
      PdfRenderer: (await loadOther('rendering/pdf/pdf-renderer.js')).PdfRenderer,
      TemplateEngine: (await loadOther('rendering/templates/template-engine.js')).TemplateEngine,
      RenderingService: (await loadOther('rendering/rendering.service.js')).RenderingService,
    },
    after: { loadConfig, PdfFonts, BrowserPool, PdfRenderer, TemplateEngine, RenderingService },
  };
  const pipelines = Object.fromEntries(
    Object.entries(builds).map(([name, m]) => {
      const config = m.loadConfig({ ...baseConfig, RENDER_CONCURRENCY: '1', RENDER_RECYCLE_AFTER: '100000' });
      const fonts = new m.PdfFonts();
      const pool = new m.BrowserPool(config, fonts);
      const rendering = new m.RenderingService(new m.TemplateEngine(), new m.PdfRenderer(pool, fonts), signer, config);
      return [name, { pool, rendering }];
    }),
  );
  // The types both builds have: a template added since the other build (the quotation's acceptance record) has no
  // "before" to compare with.
  const beforeTypes = new Set(new builds.before.TemplateEngine().types());
  const docs = templates
    .types()
    .filter((type) => beforeTypes.has(type))
    .map((type) => [type, sampleOf(type)]);
  docs.push(['customer-statement (10 pages)', statement10]);
  const typeOf = (label) => label.split(' ')[0];
  const jobs = [];
  for (const [label, data] of docs) {
    for (const build of ['before', 'after']) {
      jobs.push([
        `${label}|${build}`,
        (i) => preview(pipelines[build].rendering, typeOf(label), varied(data, 3000 + i)),
      ]);
    }
  }
  jobs.push([
    'customer-statement serif|after',
    (i) => previewSerif(pipelines.after.rendering, varied(statement1, 3000 + i)),
  ]);
  for (const [, fn] of jobs) await fn(-1); // launched, warm
  const times = Object.fromEntries(jobs.map(([key]) => [key, []]));
  const rounds = QUICK ? 6 : 15;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...jobs].reverse() : jobs;
    for (const [key, fn] of order) {
      const t = performance.now();
      await fn(round);
      times[key].push(performance.now() - t);
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  results.compare = m;
  say(`this build against BENCH_BEFORE=${process.env.BENCH_BEFORE} (${rounds} rounds, medians, one tab each):`);
  for (const [label] of docs) {
    const b = m[`${label}|before`];
    const a = m[`${label}|after`];
    say(`  ${label}: before ${ms(b)}, after ${ms(a)} = ${(a / b).toFixed(2)}×`);
  }
  const serifAfter = m['customer-statement serif|after'];
  say(
    `  customer-statement in the serif face (after): ${ms(serifAfter)} = ${(serifAfter / m['customer-statement|after']).toFixed(2)}× the sans statement`,
  );
  for (const { pool } of Object.values(pipelines)) await pool.close();
  if (process.env.BENCH_COMPARE_ONLY === '1') {
    if (process.env.BENCH_JSON) await writeFile(process.env.BENCH_JSON, JSON.stringify(results, null, 2));
    await rm(work, { recursive: true, force: true });
    process.exit(0);
  }
}

// ---- 1. The floor and the pipeline, in the same rounds ----
// The floor: a trivial page printed on a warm tab of the pool's own browser (same binary, flags and fontconfig),
// with the DevTools calls the renderer makes (Page.setDocumentContent, Page.printToPDF), without and with a
// header/footer template.
const main = makePipeline(2, '100000'); // not recycled under the floor's tab
/** A tab of the pool's browser that the pool does not use (JavaScript off, like the pool's). */
const ownTab = async (pool) => {
  let tab;
  await pool.run(async (page) => {
    const mine = await page.browser().newPage();
    await mine.setJavaScriptEnabled(false);
    const session = await mine.createCDPSession();
    const { frameTree } = await session.send('Page.getFrameTree');
    tab = { session, frameId: frameTree.frame.id };
  });
  return tab;
};
const printTrivial = async (tab, headerFooter) => {
  await tab.session.send('Page.setDocumentContent', { frameId: tab.frameId, html: '<!doctype html><p>hello</p>' });
  await tab.session.send('Page.printToPDF', {
    displayHeaderFooter: headerFooter,
    ...(headerFooter ? { headerTemplate: fixture1.headerHtml, footerTemplate: fixture1.footerHtml } : {}),
    transferMode: 'ReturnAsBase64',
  });
};
{
  let t = performance.now();
  await preview(main.rendering, 'customer-statement', statement1);
  results.cold = performance.now() - t;
  say(`cold start (browser launch + first 1-page statement): ${ms(results.cold)}`);
  // The floor's tab is one the pool opened, then held outside it (the pool's renders get their own tabs).
  // Every kind of document once, twice: the pool replaces its first browser once documents bring characters (or the
  // serif face) its fonts lack (PdfFonts.outgrown), which would close the floor's tab below.
  for (let i = 0; i < 2; i++) {
    await previewSerif(main.rendering, varied(statement1, i));
    await preview(main.rendering, 'delivery-notice', varied(notice, i));
    await main.renderer.render(variedFixture(fixture1, i));
    await preview(main.rendering, 'customer-statement', varied(statement10, i));
    await main.renderer.render(variedFixture(fixture10, i));
    await previewSerif(main.rendering, varied(statement10, i));
  }
  const tab = await ownTab(main.pool);
  for (let i = 0; i < 3; i++) await preview(main.rendering, 'customer-statement', varied(statement1, i));
  const n = QUICK ? 12 : 40;
  const r = await interleaved(n, 3, {
    floor: () => printTrivial(tab, false),
    floorHF: () => printTrivial(tab, true),
    statement1: (i) => preview(main.rendering, 'customer-statement', varied(statement1, 100 + i)),
    statement1Cached: () => preview(main.rendering, 'customer-statement', statement1),
    statement1Serif: (i) => previewSerif(main.rendering, varied(statement1, 500 + i)),
    notice1: (i) => preview(main.rendering, 'delivery-notice', varied(notice, i)),
    fixture1: (i) => main.renderer.render(variedFixture(fixture1, 200 + i)),
  });
  Object.assign(results, r);
  const r10 = await interleaved(QUICK ? 3 : 9, 1, {
    statement10: (i) => preview(main.rendering, 'customer-statement', varied(statement10, 300 + i)),
    fixture10: (i) => main.renderer.render(variedFixture(fixture10, 400 + i)),
    statement10Serif: (i) => previewSerif(main.rendering, varied(statement10, 600 + i)),
  });
  Object.assign(results, r10);
  t = performance.now();
  say(
    `floor (trivial page, warm tab, setDocumentContent + printToPDF): median ${ms(results.floor)}; with header/footer templates ${ms(results.floorHF)}`,
  );
  say(
    `customer-statement (sample.json, 1 page, new customer each time): median ${ms(results.statement1)} = ${(results.statement1 / results.floor).toFixed(1)}× floor (${(results.statement1 / results.floorHF).toFixed(1)}× the header/footer floor)`,
  );
  say(`customer-statement, the same document again (font subset cached): median ${ms(results.statement1Cached)}`);
  say(
    `customer-statement in the serif face ("font": "serif", new customer each time): median ${ms(results.statement1Serif)} = ${(results.statement1Serif / results.statement1).toFixed(2)}× the sans statement; 10-page ${ms(results.statement10Serif)} = ${(results.statement10Serif / results.statement10).toFixed(2)}×`,
  );
  say(`delivery-notice (sample.json): median ${ms(results.notice1)}`);
  say(`customer-statement (sample-10-pages.json): median ${ms(results.statement10)}`);
  say(`fixtures (test/fixtures/pdf, PdfRenderer): 1-page ${ms(results.fixture1)}, 10-page ${ms(results.fixture10)}`);
  const st = main.pool.stats();
  say(
    `pool: ${st.renders} renders, ${st.launches} launches (${st.fontRelaunches ?? 0} for fonts, ${st.recycles} recycles), ${st.retries} retries, ${st.failures} failures`,
  );
  await main.pool.close();
}

// ---- 2. Throughput and memory (the real statement; what the preview and a statement run print) ----
for (const [key, data, totals] of [
  ['tput1', statement1, { 1: 20, 2: 40, 4: 40 }],
  ['tput10', statement10, { 1: 5, 2: 10, 4: 12 }],
]) {
  for (const c of [1, 2, 4]) {
    const { pool, rendering } = makePipeline(c);
    await throughput(c, c * 2, (i) => preview(rendering, 'customer-statement', varied(data, i))); // launched, warm
    results[`${key}c${c}`] = await throughput(c, QUICK ? Math.ceil(totals[c] / 3) : totals[c], (i) =>
      preview(rendering, 'customer-statement', varied(data, 1000 + i)),
    );
    await pool.close();
  }
  say(
    `throughput, ${key === 'tput1' ? '1-page' : '10-page'} statement, concurrency 1/2/4: ` +
      [1, 2, 4].map((c) => results[`${key}c${c}`].toFixed(2)).join(' / ') +
      ' docs/s',
  );
}
{
  // The issued document: signed PDF + DOCX (RenderingService.render, what POST /api/documents does before storing).
  const { pool, rendering } = makePipeline(2);
  const issue = (i) =>
    rendering.render({
      template: 'customer-statement',
      data: varied(statement1, i),
      formats: ['pdf', 'docx'],
      sign: true,
    });
  await throughput(2, 4, issue);
  results.issuedTput2 = await throughput(2, QUICK ? 10 : 30, (i) => issue(2000 + i));
  say(
    `throughput, issued 1-page statement (signed PDF + DOCX), concurrency 2: ${results.issuedTput2.toFixed(2)} docs/s`,
  );
  await pool.close();
}
for (const c of [2, 4]) {
  const { pool, rendering } = makePipeline(c);
  await preview(rendering, 'customer-statement', statement1);
  results[`peak${c}`] = await peakMemory(pool, () =>
    throughput(c, QUICK ? 10 : 30, (i) =>
      preview(rendering, 'customer-statement', varied(i % 3 ? statement1 : statement10, i)),
    ),
  );
  say(
    `browser pool memory, concurrency ${c} (1- and 10-page mix): peak PSS ${mib(results[`peak${c}`].pss)}, RSS ${mib(results[`peak${c}`].rss)}`,
  );
  await pool.close();
}

// ---- 3. The pipeline taken apart (the 1-page and 10-page statements; medians, stages interleaved) ----
say('');
say('stages (medians):');
{
  const p = makePipeline(1, '100000');
  const h1 = await p.rendering.html('customer-statement', statement1);
  const h10 = await p.rendering.html('customer-statement', statement10);
  const h1Serif = serifTemplates.render('customer-statement', statement1);
  await preview(p.rendering, 'customer-statement', statement1); // launched, HarfBuzz loaded
  const tab = await ownTab(p.pool);
  const PRINT = {
    paperWidth: 8.27,
    paperHeight: 11.7,
    marginTop: 20 / 25.4,
    marginBottom: 18 / 25.4,
    marginLeft: 15 / 25.4,
    marginRight: 15 / 25.4,
    printBackground: true,
    preferCSSPageSize: true,
    generateTaggedPDF: false,
    generateDocumentOutline: false,
  };
  const hf = (h) => ({ displayHeaderFooter: true, headerTemplate: h.headerHtml, footerTemplate: h.footerHtml });
  // The fonts as the renderer gives them to the pool's browser (its system fonts: no @font-face for characters they
  // hold); and, for comparison, as data: URIs in every document (the renderer before the system fonts).
  const cssFor = (h) => p.fonts.fontFaceCss(h.html, p.fonts.latestSystemFonts?.());
  const withFonts = async (h) => insertIntoHead(h.html, `<style>${await cssFor(h)}</style>`);
  const withDataFonts = async (h) => insertIntoHead(h.html, `<style>${await p.fonts.fontFaceCss(h.html)}</style>`);
  const doc1 = await withFonts(h1);
  const doc1Data = await withDataFonts(h1);
  // A new customer's name: characters the browser's fonts may lack (local() faces plus data: URIs of the rest).
  const doc1New = async () =>
    withFonts({
      html: `${h1.html}${CUSTOMERS[k % 5]}${NUMERALS[k % 10]}${String.fromCodePoint(0x4e00 + (k++ % 5000))}`,
    });
  const doc10 = await withFonts(h10);
  const doc1Serif = await withFonts(h1Serif);
  const set = (html) => tab.session.send('Page.setDocumentContent', { frameId: tab.frameId, html });
  const loaded = () =>
    tab.session.send('Runtime.evaluate', {
      expression: 'document.fonts.ready.then(() => document.readyState)',
      awaitPromise: true,
      returnByValue: true,
    });
  const print = async (options) => {
    const { data, stream } = await tab.session.send('Page.printToPDF', options);
    if (!stream) return Buffer.from(data, 'base64');
    const chunks = [];
    for (;;) {
      const chunk = await tab.session.send('IO.read', { handle: stream, size: 1 << 20 });
      chunks.push(Buffer.from(chunk.data, chunk.base64Encoded ? 'base64' : 'latin1'));
      if (chunk.eof) break;
    }
    await tab.session.send('IO.close', { handle: stream });
    return Buffer.concat(chunks);
  };
  let k = 0;
  const n = QUICK ? 8 : 20;
  const s1 = await interleaved(n, 2, {
    handlebars: () => p.rendering.html('customer-statement', varied(statement1, k++)),
    subsetNew: () =>
      p.fonts.fontFaceCss(
        `${h1.html}${CUSTOMERS[k % 5]}${NUMERALS[k % 10]}${String.fromCodePoint(0x4e00 + (k++ % 5000))}`,
      ),
    subsetCached: () => p.fonts.fontFaceCss(h1.html),
    subsetNewSerif: () =>
      p.fonts.fontFaceCss(
        `${h1Serif.html}${CUSTOMERS[k % 5]}${NUMERALS[k % 10]}${String.fromCodePoint(0x4e00 + (k++ % 5000))}`,
      ),
    setDocument: () => set(doc1),
    loadedCheck: () => loaded(),
    setThenCheck: async () => {
      await set(doc1);
      await loaded();
    },
    setCheckPipelined: () => Promise.all([set(doc1), loaded()]),
    print: () => print({ ...PRINT, ...hf(h1), transferMode: 'ReturnAsBase64' }),
    printNoHeaderFooter: async () => {
      await set(doc1);
      await loaded();
      await print({ ...PRINT, transferMode: 'ReturnAsBase64' });
    },
    setLoadedPrint: async () => {
      await set(doc1);
      await loaded();
      await print({ ...PRINT, ...hf(h1), transferMode: 'ReturnAsBase64' });
    },
    setLoadedPrintDataFonts: async () => {
      await set(doc1Data);
      await loaded();
      await print({ ...PRINT, ...hf(h1), transferMode: 'ReturnAsBase64' });
    },
    setLoadedPrintNewChars: async () => {
      await set(await doc1New());
      await loaded();
      await print({ ...PRINT, ...hf(h1), transferMode: 'ReturnAsBase64' });
    },
    setLoadedPrintSerif: async () => {
      await set(doc1Serif);
      await loaded();
      await print({ ...PRINT, ...hf(h1Serif), transferMode: 'ReturnAsBase64' });
    },
    setLoadedPrintStream: async () => {
      await set(doc1);
      await loaded();
      await print({ ...PRINT, ...hf(h1), transferMode: 'ReturnAsStream' });
    },
    setLoadedPrintTagged: async () => {
      await set(doc1);
      await loaded();
      await print({ ...PRINT, ...hf(h1), generateTaggedPDF: true, transferMode: 'ReturnAsBase64' });
    },
    trivial: async () => {
      await set('<!doctype html><p>hello</p>');
      await print({ transferMode: 'ReturnAsBase64' });
    },
  });
  say(`  handlebars (customer-statement, 1 page): ${ms(s1.handlebars)}`);
  say(
    `  font subset, new character set: ${ms(s1.subsetNew)}; cached: ${ms(s1.subsetCached)}; serif document (both faces), new character set: ${ms(s1.subsetNewSerif)}`,
  );
  say(
    `  Page.setDocumentContent: ${ms(s1.setDocument)}; nonce + document.fonts.ready check: ${ms(s1.loadedCheck)}; Page.printToPDF: ${ms(s1.print)}`,
  );
  say(
    `  set + check + print: ${ms(s1.setLoadedPrint)} (the trivial page in the same rounds: ${ms(s1.trivial)}); without header/footer templates: ${ms(s1.printNoHeaderFooter)}`,
  );
  say(
    `  fonts: as the browser's system fonts ${ms(s1.setLoadedPrint)} (${Math.round(doc1.length / 1024)} KB set), as data: URIs in the document ${ms(s1.setLoadedPrintDataFonts)} (${Math.round(doc1Data.length / 1024)} KB) = ${(s1.setLoadedPrint / s1.setLoadedPrintDataFonts).toFixed(2)}×; a new character set (local() + data: URIs of the rest, subsetting included) ${ms(s1.setLoadedPrintNewChars)}`,
  );
  say(
    `  set, then check: ${ms(s1.setThenCheck)}; check sent without waiting for the set's answer: ${ms(s1.setCheckPipelined)}`,
  );
  say(
    `  set + check + print, the statement in the serif face: ${ms(s1.setLoadedPrintSerif)} = ${(s1.setLoadedPrintSerif / s1.setLoadedPrint).toFixed(2)}× the sans one`,
  );
  say(
    `  transfer: base64 ${ms(s1.setLoadedPrint)}, stream (IO.read) ${ms(s1.setLoadedPrintStream)}; tagged PDF ${ms(s1.setLoadedPrintTagged)}`,
  );
  Object.assign(results, { stages1: s1 });

  const s10 = await interleaved(QUICK ? 3 : 7, 1, {
    untagged: async () => {
      await set(doc10);
      await loaded();
      results.untaggedSize = (await print({ ...PRINT, ...hf(h10), transferMode: 'ReturnAsBase64' })).length;
    },
    tagged: async () => {
      await set(doc10);
      await loaded();
      results.taggedSize = (
        await print({ ...PRINT, ...hf(h10), generateTaggedPDF: true, transferMode: 'ReturnAsBase64' })
      ).length;
    },
    stream: async () => {
      await set(doc10);
      await loaded();
      await print({ ...PRINT, ...hf(h10), transferMode: 'ReturnAsStream' });
    },
    noHeaderFooter: async () => {
      await set(doc10);
      await loaded();
      await print({ ...PRINT, transferMode: 'ReturnAsBase64' });
    },
    handlebars: () => p.rendering.html('customer-statement', varied(statement10, k++)),
    docx: () => p.rendering.renderDocx(h10),
  });
  say(
    `  10-page: set + check + print ${ms(s10.untagged)} (${Math.round(results.untaggedSize / 1024)} KB), tagged ${ms(s10.tagged)} (${Math.round(results.taggedSize / 1024)} KB), ` +
      `stream ${ms(s10.stream)}, without header/footer ${ms(s10.noHeaderFooter)}; handlebars ${ms(s10.handlebars)}; DOCX ${ms(s10.docx)}`,
  );
  Object.assign(results, { stages10: s10 });

  // Signing: the steps of signPdf (src/rendering/signing/pdf-signer.ts) one by one, on PDFs of three sizes.
  const pdf1 = await p.rendering.renderPdf(h1, false);
  const pdf10 = await p.rendering.renderPdf(h10, false);
  const big = await (async () => {
    // ~200 pages and 20 MB of incompressible streams: the size of a tender package with scans.
    const doc = await PDFDocument.create();
    const src = await PDFDocument.load(pdf10);
    for (let i = 0; i < 20; i++) for (const page of await doc.copyPages(src, src.getPageIndices())) doc.addPage(page);
    const noise = Buffer.alloc(400_000);
    for (let i = 0; i < 50; i++) {
      for (let j = 0; j < noise.length; j += 4) noise.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, j);
      doc.context.register(doc.context.stream(Buffer.from(noise), { Type: 'XObject', Subtype: 'Image' }));
    }
    return {
      classic: Buffer.from(await doc.save({ useObjectStreams: false })),
      objectStreams: Buffer.from(await doc.save()),
    };
  })();
  await p.pool.close();
  for (const [label, pdf] of [
    ['1-page', pdf1],
    ['10-page', pdf10],
    [`${Math.round(big.classic.length / 1048576)} MB, 200-page`, big.classic],
    [`${Math.round(big.objectStreams.length / 1048576)} MB, 200-page, object streams`, big.objectStreams],
  ]) {
    let loaded;
    let prepared;
    const reps = pdf.length > 1e7 ? 3 : n;
    const s = await interleaved(reps, 1, {
      load: async () => {
        loaded = await PDFDocument.load(pdf, { updateMetadata: false });
      },
      placeholderSave: async () => {
        pdflibAddPlaceholder({
          pdfPage: loaded.getPages()[0],
          reason: 'bench',
          location: '',
          name: 'bench',
          contactInfo: '',
          subFilter: 'ETSI.CAdES.detached',
          signatureLength: 16384,
          widgetRect: [0, 0, 0, 0],
          appName: 'Tenderdesk',
        });
        prepared = Buffer.from(await loaded.save());
      },
      cms: () => signer.signCms(prepared),
      incremental: () => addPlaceholderIncrementally(pdf, PLACEHOLDER),
      signPdf: () => p.rendering.signPdf(pdf, { title: '对账单', locale: 'zh-CN' }),
    });
    const appends = addPlaceholderIncrementally(pdf, PLACEHOLDER) !== undefined;
    say(
      `  signing ${label} (${Math.round(pdf.length / 1024)} KB): pdf-lib load ${ms(s.load)}, placeholder + full save ${ms(s.placeholderSave)}; ` +
        `incremental placeholder ${appends ? ms(s.incremental) : 'not possible (xref stream)'}; CMS ${ms(s.cms)}; signPdf in all ${ms(s.signPdf)}`,
    );
    results[`sign ${label}`] = s;
  }

  // DOCX: the whole conversion, and what its DEFLATE (fflate's default, level 6) costs against level 1 and stored.
  for (const [label, h] of [
    ['1-page', h1],
    ['10-page', h10],
  ]) {
    const docx = await p.rendering.renderDocx(h);
    const zip = await JSZip.loadAsync(docx);
    const entries = await Promise.all(Object.values(zip.files).map((f) => f.async('nodebuffer')));
    const raw = entries.reduce((a, e) => a + e.length, 0);
    const sizes = {};
    const s = await interleaved(n, 2, {
      docx: () => p.rendering.renderDocx(h),
      deflate6: () => (sizes[6] = entries.reduce((a, e) => a + deflateRawSync(e, { level: 6 }).length, 0)),
      deflate1: () => (sizes[1] = entries.reduce((a, e) => a + deflateRawSync(e, { level: 1 }).length, 0)),
    });
    say(
      `  DOCX ${label}: ${ms(s.docx)} (${Math.round(docx.length / 1024)} KB); its DEFLATE: level 6 ${ms(s.deflate6)} (${Math.round(sizes[6] / 1024)} KB), ` +
        `level 1 ${ms(s.deflate1)} (${Math.round(sizes[1] / 1024)} KB), stored 0 ms (${Math.round(raw / 1024)} KB)`,
    );
  }

  // Storage: one PDF written as the documents module writes it (temporary file, sidecar, two renames).
  const storage = new FilesystemStorage({ root: join(work, 'objects') });
  let seq = 0;
  const st = await interleaved(n, 2, {
    put1: () => storage.put(`bench/${seq++}.pdf`, pdf1, { contentType: 'application/pdf' }),
    put10: () => storage.put(`bench/${seq++}.pdf`, pdf10, { contentType: 'application/pdf' }),
  });
  say(`  storage (filesystem) put: 1-page PDF ${ms(st.put1)}, 10-page PDF ${ms(st.put10)}`);
}

// ---- 4. Optional: the naive puppeteer baselines of the first bench (whole TTF, a new page per document, tagged) ----
if (process.env.BENCH_NAIVE === '1') {
  const browser = await puppeteer.launch({
    executablePath: config0.chromiumPath,
    headless: PRINTER === 'headless-shell' ? 'shell' : true,
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const h = templates.render('customer-statement', statement1, {});
  const naive = async () => {
    const page = await browser.newPage();
    await page.setContent(h.html);
    await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: h.headerHtml,
      footerTemplate: h.footerHtml,
      margin: { top: '20mm', bottom: '18mm', left: '15mm', right: '15mm' },
    });
    await page.close();
  };
  const r = await interleaved(7, 1, { naive });
  say(`naive puppeteer (host fonts, new page, tagged), 1-page statement: ${ms(r.naive)}`);
  await browser.close();
}

// ---- summary ----
const best = (key) => Math.max(results[`${key}c1`], results[`${key}c2`], results[`${key}c4`]);
say('');
say(
  `1-page Chinese statement vs floor: ${(results.statement1 / results.floor).toFixed(1)}× (target ≤ 4×); vs the header/footer floor ${(results.statement1 / results.floorHF).toFixed(1)}×`,
);
say(
  `best throughput: 1-page ${best('tput1').toFixed(1)} docs/s (target ≥ 25), 10-page ${best('tput10').toFixed(1)} docs/s (target ≥ 6)`,
);
say(
  `browser pool peak PSS: ${mib(results.peak2.pss)} at concurrency 2, ${mib(results.peak4.pss)} at 4 (target ≤ 600 MiB)`,
);
say(`load average at the end: ${loadAvg()}`);
if (process.env.BENCH_JSON) await writeFile(process.env.BENCH_JSON, JSON.stringify(results, null, 2));
await rm(work, { recursive: true, force: true });
