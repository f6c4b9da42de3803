import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import puppeteer from 'puppeteer-core';
import { AppException } from '../../src/common/errors/app-exception.js';
import { loadConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { BrowserPool, type BrowserPoolStats } from '../../src/rendering/pdf/browser-pool.js';
import { PdfFonts } from '../../src/rendering/pdf/fonts.js';
import { PdfModule } from '../../src/rendering/pdf/pdf.module.js';
import { PdfRenderer } from '../../src/rendering/pdf/pdf-renderer.js';
import { glyphVariety, inkBox, rasterize, VARIETY_MIN } from '../support/raster.js';

// Real Chromium (/usr/bin/chromium), checked with poppler-utils and qpdf. Loopback only.
const run = promisify(execFile);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/pdf/${name}`, import.meta.url), 'utf8');
const HEADER = fixture('header.html');
const FOOTER = fixture('footer.html');
const ONE_PAGE = fixture('statement-1-page.html');
const TEN_PAGES = fixture('statement-10-pages.html');
const CAPITAL_AMOUNT = '壹拾贰万叁仟肆佰伍拾陆元柒角捌分';
const EMPTY = '<span></span>';

let workDir: string;
let seq = 0;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'td-pdf-test-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function makeRenderer(env: Record<string, string> = {}): { pool: BrowserPool; renderer: PdfRenderer } {
  const config = loadConfig({ STORAGE_DIR: workDir, ...env });
  const fonts = new PdfFonts();
  const pool = new BrowserPool(config, fonts);
  return { pool, renderer: new PdfRenderer(pool, fonts) };
}

async function saved(pdf: Buffer): Promise<string> {
  const file = join(workDir, `doc-${++seq}.pdf`);
  await writeFile(file, pdf);
  return file;
}

async function pdfText(file: string, page?: number): Promise<string> {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return (await run('pdftotext', [...range, file, '-'])).stdout;
}

const squash = (text: string) => text.replace(/\s+/g, '');

async function pageCount(file: string): Promise<number> {
  return Number(/Pages:\s+(\d+)/.exec((await run('pdfinfo', [file])).stdout)![1]);
}

/** pdffonts rows: name, type, embedded. */
async function pdfFonts(file: string): Promise<{ name: string; type: string; embedded: boolean }[]> {
  const lines = (await run('pdffonts', [file])).stdout.trim().split('\n').slice(2);
  return lines.map((line) => {
    const m = /^(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$/.exec(line)!;
    return { name: m[1], type: m[2], embedded: m[4] === 'yes' };
  });
}

/** Live processes of these launches: in the process group of the browser, or carrying the launch's tag. */
function poolProcesses(launched: BrowserPoolStats['launched']): number[] {
  const groups = new Set(launched.map((l) => l.pid));
  const tags = new Set(launched.map((l) => l.tag));
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const tagged = readFileSync(`/proc/${entry}/environ`, 'latin1')
        .split('\0')
        .some((e) => tags.has(e));
      if (tagged || groups.has(Number(pgid))) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

async function eventually(check: () => boolean, ms = 5_000): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    if (check()) return true;
  }
  return check();
}

const probe = (text: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>` +
  `body { margin: 0; font-family: 'Tenderdesk Sans'; } p { font-size: 28pt; line-height: 1; margin: 0; white-space: nowrap; }` +
  `</style></head><body><p>${text}</p></body></html>`;
const headerProbe = (text: string) =>
  `<div style="font-family: 'Tenderdesk Sans'; font-size: 20pt; line-height: 1; margin-left: 15mm; white-space: nowrap;">${text}</div>`;

describe('PdfRenderer with real Chromium', () => {
  const { pool, renderer } = makeRenderer();
  let onePage: string;
  let tenPages: string;

  beforeAll(async () => {
    onePage = await saved(await renderer.render({ html: ONE_PAGE, headerHtml: HEADER, footerHtml: FOOTER }));
    tenPages = await saved(await renderer.render({ html: TEN_PAGES, headerHtml: HEADER, footerHtml: FOOTER }));
  }, 120_000);

  afterAll(async () => {
    const { launched } = pool.stats();
    await pool.close();
    expect(poolProcesses(launched)).toEqual([]);
  });

  it('prints a 1-page Chinese statement whose text extracts exactly', async () => {
    expect(await pageCount(onePage)).toBe(1);
    const text = await pdfText(onePage);
    // pdftotext decides spaces and line breaks from glyph positions (it splits "（大写）：" across lines and drops
    // the footer's spaces on this page): compare the characters, without whitespace.
    const chars = squash(text);
    expect(chars).toContain('客户对账单');
    expect(chars).toContain(`期末应收余额合计（大写）：${CAPITAL_AMOUNT}（小写）¥123,456.78`);
    expect(chars).toContain(
      '请贵公司于收到本对账单后十日内核对确认，如有差异请及时与我司销售内勤联系。逾期未回复视为确认无误。',
    );
    expect(chars).toContain('联系人：王喆');
    expect(chars).toContain('上海浦东·液压缸总成（第1批）');
    expect(chars).toContain('江苏恒力液压设备股份有限公司'); // header, printed with the fontconfig font
    expect(chars).toContain('第1页/共1页');
  });

  it('embeds only the shipped TrueType fonts, as CID TrueType subsets (no Type 3)', async () => {
    for (const file of [onePage, tenPages]) {
      const fonts = await pdfFonts(file);
      expect(fonts.length).toBeGreaterThanOrEqual(2);
      for (const font of fonts) {
        expect(font).toEqual({
          name: expect.stringMatching(/^[A-Z]{6}\+NotoSansSC-(Regular|Bold)$/),
          type: 'CID TrueType',
          embedded: true,
        });
      }
    }
  });

  it('numbers every page of a 10-page statement in the footer', async () => {
    const pages = await pageCount(tenPages);
    expect(pages).toBeGreaterThanOrEqual(10);
    for (let n = 1; n <= pages; n++) {
      const text = squash(await pdfText(tenPages, n));
      expect(text).toContain(`第${n}页/共${pages}页`);
      expect(text).toContain('江苏恒力液压设备股份有限公司');
    }
    expect(squash(await pdfText(tenPages, pages))).toContain(CAPITAL_AMOUNT);
  });

  it('writes PDFs that pass qpdf --check', async () => {
    for (const file of [onePage, tenPages]) {
      const { stdout } = await run('qpdf', ['--check', file]); // exits non-zero on errors and warnings
      expect(stdout).toContain('No syntax or stream encoding errors found');
    }
  });

  it('draws the Chinese glyphs in the body and in the header (rasterised, not just extractable)', async () => {
    // Body: one line of 16 different characters at 28 pt, nothing else on the page.
    const body = await rasterize(
      await renderer.render({ html: probe(CAPITAL_AMOUNT), headerHtml: EMPTY, footerHtml: EMPTY }),
    );
    const line = inkBox(body, 0, body.height)!;
    expect(line).toBeDefined();
    const glyphWidth = (28 / 72) * 50; // px at 50 dpi
    expect((line.x1 - line.x0 + 1) / glyphWidth).toBeGreaterThan(14); // ~16 advances of full-width glyphs
    expect(line.ink).toBeGreaterThan(16 * glyphWidth * glyphWidth * 0.1);
    expect(glyphVariety(body, line, 16)).toBeGreaterThan(VARIETY_MIN);

    // Header: printed by Chromium with the font fontconfig gives it, a different path from the body's web font.
    const header = await rasterize(
      await renderer.render({
        html: '<!doctype html><html><body></body></html>',
        headerHtml: headerProbe(CAPITAL_AMOUNT),
        footerHtml: EMPTY,
      }),
    );
    const headerLine = inkBox(header, 0, Math.round((20 / 25.4) * 50))!; // inside the 20 mm top margin
    expect(headerLine).toBeDefined();
    expect(glyphVariety(header, headerLine, 16)).toBeGreaterThan(VARIETY_MIN);

    // Controls: the check must fail on a line of identical boxes and on text printed without any CJK font.
    const boxes = await rasterize(
      await renderer.render({ html: probe('口'.repeat(16)), headerHtml: EMPTY, footerHtml: EMPTY }),
    );
    expect(glyphVariety(boxes, inkBox(boxes, 0, boxes.height)!, 16)).toBeLessThan(VARIETY_MIN);
    const tofu = await rasterize(await printWithoutCjkFont(probe(CAPITAL_AMOUNT)));
    const tofuLine = inkBox(tofu, 0, tofu.height);
    expect(tofuLine === undefined || glyphVariety(tofu, tofuLine, 16) < VARIETY_MIN).toBe(true);
  }, 120_000);

  it('never shows a previous document on a reused tab', async () => {
    const single = makeRenderer({ RENDER_CONCURRENCY: '1' });
    try {
      await single.renderer.render({ html: probe('甲方文档 DOC-A-7731'), headerHtml: EMPTY, footerHtml: EMPTY });
      const second = await saved(
        await single.renderer.render({ html: probe('乙方文档'), headerHtml: EMPTY, footerHtml: EMPTY }),
      );
      const text = await pdfText(second);
      expect(text).toContain('乙方文档');
      expect(text).not.toContain('DOC-A-7731');
      expect(single.pool.stats().pagesOpened).toBe(1); // the tab was reused
    } finally {
      await single.pool.close();
    }
  }, 60_000);

  it('fetches nothing: remote images, stylesheets, imports, frames, prefetches and scripts are all blocked', async () => {
    const hits: string[] = [];
    const server: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = (path: string) => `http://127.0.0.1:${(server.address() as { port: number }).port}/${path}`;
    try {
      const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
        <meta http-equiv="refresh" content="0;url=${url('refresh')}">
        <link rel="stylesheet" href="${url('link.css')}">
        <link rel="prefetch" href="${url('prefetch')}"><link rel="preload" as="image" href="${url('preload.png')}">
        <link rel="dns-prefetch" href="${url('dns')}"><link rel="preconnect" href="${url('preconnect')}">
        <style>@import url("${url('import.css')}"); body { background: url(${url('bg.png')}); }
          @font-face { font-family: Remote; src: url(${url('font.woff2')}); } p { font-family: Remote, 'Tenderdesk Sans'; }</style>
        <script>fetch('${url('fetch')}'); document.write('SCRIPT-RAN');</script>
        </head><body><p>远程资源测试</p>
        <img src="${url('img.png')}"><img srcset="${url('srcset.png')} 2x"><iframe src="${url('iframe')}"></iframe>
        <iframe src="file:///etc/passwd"></iframe><object data="${url('object')}"></object><embed src="${url('embed')}">
        <video poster="${url('poster.png')}"></video><svg><image href="${url('svg.png')}"/></svg>
        </body></html>`;
      const file = await saved(
        await renderer.render({
          html,
          headerHtml: `<img src="${url('header.png')}"><span style="font-size: 8pt;">页眉</span>`,
          footerHtml: `<div style="font-size: 8pt; background: url(${url('footer.png')});">第 <span class="pageNumber"></span> 页</div>`,
        }),
      );
      await new Promise((r) => setTimeout(r, 500)); // anything late would have arrived by now
      const text = await pdfText(file);
      expect(text).toContain('远程资源测试');
      expect(text).not.toContain('SCRIPT-RAN');
      expect(text).not.toContain('root:');
      expect(hits).toEqual([]);
      expect(pool.stats().blockedRequests).toBeGreaterThan(5); // refused by interception, not merely unanswered
    } finally {
      server.close();
    }
  }, 60_000);
});

/** A bare Chromium whose fontconfig knows only DejaVu (no CJK): the "font missing" control for the raster check. */
async function printWithoutCjkFont(html: string): Promise<Buffer> {
  const dir = await mkdtemp(join(workDir, 'nocjk-'));
  await writeFile(
    join(dir, 'fonts.conf'),
    `<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${dir}/cache</cachedir></fontconfig>`,
  );
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu'],
    env: { PATH: process.env.PATH ?? '', HOME: dir, FONTCONFIG_FILE: join(dir, 'fonts.conf') },
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html);
    return Buffer.from(await page.pdf({ format: 'A4', margin: { top: '20mm', left: '15mm' } }));
  } finally {
    await browser.close();
  }
}

describe('BrowserPool', () => {
  it('retries every render when Chromium is killed mid-batch, and leaves no process behind', async () => {
    const { pool, renderer } = makeRenderer({ RENDER_CONCURRENCY: '2' });
    try {
      const batch = Array.from({ length: 6 }, () =>
        renderer.render({ html: TEN_PAGES, headerHtml: HEADER, footerHtml: FOOTER }),
      );
      expect(await eventually(() => pool.stats().active === 2 && pool.stats().browserPid !== null, 30_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 300)); // mid-render
      const victim = pool.stats().browserPid!;
      process.kill(victim, 'SIGKILL'); // the browser alone: its children are left for the pool to find

      const results = await Promise.all(batch);
      for (const pdf of results) expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const stats = pool.stats();
      expect(stats.crashes).toBe(1);
      expect(stats.retries).toBeGreaterThanOrEqual(1);
      expect(stats.renders).toBe(6);
      expect(stats.browserPid).not.toBe(victim);
      // Nothing of the killed browser is left (its group, its tagged helpers such as crashpad); the new one runs.
      const killed = stats.launched.filter((l) => l.pid === victim);
      expect(killed).toHaveLength(1);
      expect(await eventually(() => poolProcesses(killed).length === 0)).toBe(true);
      expect(poolProcesses(stats.launched.filter((l) => l.pid === stats.browserPid)).length).toBeGreaterThan(0);
    } finally {
      const { launched } = pool.stats();
      await pool.close();
      expect(poolProcesses(launched)).toEqual([]);
    }
  }, 180_000);

  it('fails a render that never finishes with RENDER_TIMEOUT, then keeps working', async () => {
    const { pool, renderer } = makeRenderer({ RENDER_TIMEOUT_MS: '5000' });
    try {
      await renderer.render({ html: ONE_PAGE, headerHtml: HEADER, footerHtml: FOOTER }); // launched and warm
      // 20 000 rows took 32 s to print here: 60 000 never finish within the 5 s timeout.
      const rows = '<tr><td>很长的表格</td><td>0123456789</td><td>很长的表格</td></tr>'.repeat(60_000);
      const huge = `<!doctype html><html><body style="font-family: 'Tenderdesk Sans'"><table>${rows}</table></body></html>`;
      const failure = await renderer
        .render({ html: huge, headerHtml: HEADER, footerHtml: FOOTER })
        .catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(AppException);
      expect(failure).toMatchObject({ status: 504, code: 'RENDER_TIMEOUT', details: { timeoutMs: 5000 } });
      expect(pool.stats()).toMatchObject({ timeouts: 2, retries: 1, failures: 1 });

      const after = await renderer.render({ html: ONE_PAGE, headerHtml: HEADER, footerHtml: FOOTER });
      expect(after.subarray(0, 5).toString()).toBe('%PDF-');
      // The two killed browsers are gone entirely.
      const stats = pool.stats();
      const killed = stats.launched.filter((l) => l.pid !== stats.browserPid);
      expect(killed).toHaveLength(2);
      expect(poolProcesses(killed)).toEqual([]);
    } finally {
      const { launched } = pool.stats();
      await pool.close();
      expect(poolProcesses(launched)).toEqual([]);
    }
  }, 180_000);

  it('refuses renders beyond its queue with 429 RENDER_BUSY', async () => {
    const { pool, renderer } = makeRenderer({ RENDER_CONCURRENCY: '1', RENDER_QUEUE_LIMIT: '1' });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => renderer.render({ html: ONE_PAGE, headerHtml: HEADER, footerHtml: FOOTER })),
      );
      const busy = results
        .filter((r) => r.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason as AppException);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2); // one printing, one waiting
      expect(busy).toHaveLength(3);
      for (const err of busy)
        expect(err).toMatchObject({ status: 429, code: 'RENDER_BUSY', details: { queued: 1, limit: 1 } });
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('replaces its browser after RENDER_RECYCLE_AFTER renders and closes the old one entirely', async () => {
    const { pool, renderer } = makeRenderer({ RENDER_RECYCLE_AFTER: '2' });
    try {
      for (let i = 0; i < 5; i++) await renderer.render({ html: ONE_PAGE, headerHtml: HEADER, footerHtml: FOOTER });
      const stats = pool.stats();
      expect(stats).toMatchObject({ renders: 5, recycles: 2, launches: 3, crashes: 0 });
      const retired = stats.launched.filter((l) => l.pid !== stats.browserPid);
      expect(retired).toHaveLength(2);
      expect(await eventually(() => poolProcesses(retired).length === 0)).toBe(true);
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('deletes the folders left by a process that died without closing its pool', async () => {
    let deadPid = 4_000_000;
    while (existsSync(`/proc/${deadPid}`)) deadPid++;
    const stale = join(tmpdir(), `tenderdesk-chromium-${deadPid}-x1y2z3`);
    await mkdir(join(stale, 'browser-1', 'profile'), { recursive: true });
    const { pool } = makeRenderer();
    try {
      await pool.ping(); // the first launch cleans up
      expect(existsSync(stale)).toBe(false);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('is provided by PdfModule and closed with the Nest application', async () => {
    @Module({ imports: [ConfigModule.forRoot(loadConfig({ STORAGE_DIR: workDir })), PdfModule] })
    class TestModule {}
    const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    const pool = app.get(BrowserPool);
    await pool.ping(); // launches a browser
    const pdf = await app.get(PdfRenderer).render({ html: ONE_PAGE, headerHtml: HEADER, footerHtml: FOOTER });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { launched } = pool.stats();
    expect(poolProcesses(launched).length).toBeGreaterThan(0);
    await app.close();
    expect(poolProcesses(launched)).toEqual([]);
  }, 120_000);
});
