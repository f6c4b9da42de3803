import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HttpStatus,
  Injectable,
  Logger,
  Optional,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import { AppException } from '../../common/errors/app-exception.js';
import { RenderingError } from '../rendering.errors.js';
import { AppConfig } from '../../config/app-config.js';
import { Metrics } from '../../observability/metrics.js';
import { PdfFonts, type SystemFonts } from './fonts.js';
import { allGone, processTree } from './process-tree.js';

/**
 * Chromium flags. The first line is the hardened baseline; `--renderer-process-limit` and
 * `--font-render-hinting=none` were measured (docs/benchmarks.md): see the comments beside them.
 * puppeteer adds `--headless` (the headless shell) or `--headless=new` (full Chromium) and its defaults (no
 * extensions, no background throttling, ...).
 */
export function chromiumArgs(concurrency: number): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
    // Caps memory. Chromium 156 keeps an omnibox WebUI renderer even headless (~80 MiB PSS, which counts
    // against the limit), so at concurrency 2 both tabs share one renderer: measured as fast as a renderer
    // per tab (7.2 vs 6.9 docs/s). A limit of 1 was as fast in one run, 40% slower in another.
    `--renderer-process-limit=${concurrency}`,
    // Unhinted glyph advances, as in the PDF, so line breaks do not depend on hinting (no measurable cost).
    '--font-render-hinting=none',
    // Second wall against SSRF: every host name, IP literals included, resolves to nothing. Interception
    // alone let a <link rel="prefetch"> through (the browser process fetches prefetches itself).
    '--host-resolver-rules=MAP * ~NOTFOUND',
  ];
}

/** Environment variable tagging every process of one launch (see process-tree.ts). */
const TAG = 'TENDERDESK_BROWSER';
const LAUNCH_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 3_000;

export interface BrowserPoolStats {
  /** Renders that succeeded (a retried render counts once). */
  renders: number;
  /** Renders that failed after their retry. */
  failures: number;
  retries: number;
  timeouts: number;
  /** Browsers that disconnected without being asked to (killed from outside, crashed). */
  crashes: number;
  /** Browsers replaced after RENDER_RECYCLE_AFTER renders. */
  recycles: number;
  /** Browsers replaced because documents brought characters (or a face) their fonts lack (PdfFonts.outgrown). */
  fontRelaunches: number;
  launches: number;
  /** Requests of documents refused by interception (anything but data: URLs). */
  blockedRequests: number;
  /** Tabs opened; fewer than renders when tabs are reused. */
  pagesOpened: number;
  active: number;
  queued: number;
  concurrency: number;
  queueLimit: number;
  /** The browser new renders go to, when one is up. */
  browserPid: number | null;
  /** Browsers launched by this pool (latest 50): pid (= process group) and the environment entry all their processes carry. */
  launched: { pid: number; tag: string }[];
}

interface Instance {
  readonly browser: Browser;
  readonly pid: number;
  readonly tag: string;
  readonly dir: string;
  /** The fonts its fontconfig serves (PdfFonts.writeFontconfig at its launch). */
  readonly fonts: SystemFonts;
  /** Tabs kept open between renders (reusing one saved ~0.3 s a document, FINDINGS and bench). */
  readonly idle: Page[];
  renders: number;
  active: number;
  /** No new render goes here; closed when its last render ends. */
  retired: boolean;
  /** We are closing or killing it: a disconnect is expected, not a crash. */
  closing: boolean;
  dead: boolean;
  /** Rejects when the browser disconnects: renders on it fail at once instead of waiting for their timeout. */
  readonly gone: Promise<never>;
  disposed?: Promise<void>;
}

class RenderTimeout extends Error {}

/** What a render's work is told besides its page: about the browser the page belongs to. */
export interface RenderBrowser {
  /** Its system fonts: a document's `@font-face` rules depend on them (PdfFonts.fontFaceCss). */
  readonly fonts: SystemFonts;
}

/**
 * The one owner of Chromium: launch, bounded concurrency and wait queue, per-render timeout, recycling,
 * crash detection with one retry, and shutdown that leaves no process behind.
 */
@Injectable()
export class BrowserPool implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('BrowserPool');
  private readonly settings: AppConfig['render'];
  private readonly poolId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly instances = new Set<Instance>();
  private live?: Instance;
  private launching?: Promise<Instance>;
  private launchCount = 0;
  private readonly launched: { pid: number; tag: string }[] = [];
  private runtimeDir?: Promise<string>;
  private active = 0;
  private readonly waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private closing?: Promise<void>;
  private readonly counters = {
    renders: 0,
    failures: 0,
    retries: 0,
    timeouts: 0,
    crashes: 0,
    recycles: 0,
    fontRelaunches: 0,
    blockedRequests: 0,
    pagesOpened: 0,
  };

  constructor(
    private readonly config: AppConfig,
    private readonly fonts: PdfFonts,
    // Absent in tests and benches that build a pool by hand.
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.settings = config.render;
    metrics?.gauge(
      'tenderdesk_browser_pool',
      'Browser pool now: size (RENDER_CONCURRENCY), busy, queued renders, browsers running',
      ['state'],
      () => {
        const s = this.stats();
        return [
          { labels: { state: 'size' }, value: s.concurrency },
          { labels: { state: 'busy' }, value: s.active },
          { labels: { state: 'queued' }, value: s.queued },
          { labels: { state: 'browsers' }, value: [...this.instances].filter((i) => !i.dead).length },
        ];
      },
    );
    metrics?.gauge(
      'tenderdesk_browser_pool_events_total',
      'Browser pool events since the start: renders, failures, retries, timeouts, launches, crashes, recycles, font relaunches, blocked requests',
      ['event'],
      () => {
        const s = this.stats();
        const events = {
          renders: s.renders,
          failures: s.failures,
          retries: s.retries,
          timeouts: s.timeouts,
          launches: s.launches,
          crashes: s.crashes,
          recycles: s.recycles,
          font_relaunches: s.fontRelaunches,
          blocked_requests: s.blockedRequests,
        };
        return Object.entries(events).map(([event, value]) => ({ labels: { event }, value }));
      },
      true,
    );
  }

  /**
   * Runs `work` on a page of a live browser: JavaScript off, every request but data: URLs aborted, the page
   * possibly reused (the work must replace its document). Waits for a free slot (full queue: 429 RENDER_BUSY),
   * gives up after RENDER_TIMEOUT_MS (the browser is killed), and retries once on a fresh page or browser
   * after a timeout or a crash.
   */
  async run<T>(work: (page: Page, browser: RenderBrowser) => Promise<T>): Promise<T> {
    const queued = performance.now();
    await this.acquireSlot();
    const started = performance.now();
    this.metrics?.renderQueueWait.observe((started - queued) / 1000);
    let outcome = 'failed';
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await this.attempt(work);
          this.counters.renders++;
          outcome = 'ok';
          return result;
        } catch (err) {
          if (err instanceof AppException) throw err;
          if (attempt === 1) {
            this.counters.retries++;
            this.logger.warn(`render failed (${describe(err)}): retrying once`);
            continue;
          }
          this.counters.failures++;
          if (err instanceof RenderTimeout) {
            throw new AppException(
              HttpStatus.GATEWAY_TIMEOUT,
              RenderingError.RENDER_TIMEOUT,
              `The PDF took longer than ${this.settings.timeoutMs} ms, twice`,
              {
                timeoutMs: this.settings.timeoutMs,
              },
            );
          }
          throw new AppException(
            HttpStatus.SERVICE_UNAVAILABLE,
            RenderingError.RENDER_FAILED,
            'The PDF could not be printed, twice',
            { reason: describe(err) },
          );
        }
      }
    } finally {
      this.releaseSlot();
      this.metrics?.renderDuration.observe({ outcome }, (performance.now() - started) / 1000);
    }
  }

  stats(): BrowserPoolStats {
    const current = this.live && !this.live.dead && !this.live.retired ? this.live : undefined;
    return {
      ...this.counters,
      launches: this.launchCount,
      active: this.active,
      queued: this.waiters.length,
      concurrency: this.settings.concurrency,
      queueLimit: this.settings.queueLimit,
      browserPid: current?.pid ?? null,
      launched: this.launched.map((l) => ({ ...l })),
    };
  }

  /** For /health: a browser is up and answers, or one can be launched (it is then kept for the next render). */
  async ping(): Promise<void> {
    const instance = await this.instance();
    await withTimeout(instance.browser.version(), 5_000, () => new Error('the browser did not answer within 5 s'));
  }

  /** Stops taking renders, lets running ones finish (up to RENDER_TIMEOUT_MS, at most 10 s), kills every browser. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const waiter of this.waiters.splice(0)) waiter.reject(unavailable('the PDF renderer is shutting down'));
      const deadline = Date.now() + Math.min(this.settings.timeoutMs, 10_000);
      while (this.active > 0 && Date.now() < deadline) await sleep(50);
      await this.launching?.catch(() => undefined);
      await Promise.all([...this.instances].map((instance) => this.dispose(instance)));
      const dir = await this.runtimeDir?.catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    })();
    return this.closing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async acquireSlot(): Promise<void> {
    if (this.closing) throw unavailable('the PDF renderer is shutting down');
    if (this.active < this.settings.concurrency) {
      this.active++;
      return;
    }
    if (this.waiters.length >= this.settings.queueLimit) {
      throw new AppException(
        HttpStatus.TOO_MANY_REQUESTS,
        RenderingError.RENDER_BUSY,
        'Too many PDFs are waiting to be printed; try again shortly',
        {
          queued: this.waiters.length,
          limit: this.settings.queueLimit,
        },
      );
    }
    // The slot is handed over by releaseSlot: `active` already counts it.
    await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.active--;
  }

  private async attempt<T>(work: (page: Page, browser: RenderBrowser) => Promise<T>): Promise<T> {
    this.replaceIfFontsOutgrown();
    const instance = await this.instance();
    instance.active++;
    let page: Page | undefined;
    const run = (async () => {
      page = instance.idle.pop() ?? (await this.newPage(instance));
      return work(page, { fonts: instance.fonts });
    })();
    run.catch(() => undefined); // after a timeout nobody awaits it any more
    try {
      // Raced against the browser's end: puppeteer calls pending when it dies do not all reject (newPage waits
      // 30 s for a target that never comes), so a render on a killed browser would otherwise hang until its timeout.
      const result = await withTimeout(
        Promise.race([run, instance.gone]),
        this.settings.timeoutMs,
        () => new RenderTimeout(`no PDF after ${this.settings.timeoutMs} ms`),
      );
      if (!instance.retired && !instance.dead) instance.idle.push(page!);
      return result;
    } catch (err) {
      if (err instanceof RenderTimeout) {
        // A hung renderer cannot be trusted (nor, often, closed): kill the whole browser.
        this.counters.timeouts++;
        this.logger.warn(`render timed out after ${this.settings.timeoutMs} ms: killing browser ${instance.pid}`);
        await this.kill(instance);
      } else if (page && !page.isClosed()) {
        // Never reuse a page whose document may be half loaded.
        page.close().catch(() => undefined);
      }
      throw err;
    } finally {
      instance.active--;
      instance.renders++;
      if (!instance.retired && instance.renders >= this.settings.recycleAfter) {
        this.counters.recycles++;
        this.retire(instance);
      }
      if (instance.retired && instance.active === 0) void this.dispose(instance);
    }
  }

  private async newPage(instance: Instance): Promise<Page> {
    const page = await instance.browser.newPage();
    this.counters.pagesOpened++;
    await page.setJavaScriptEnabled(false);
    // No SSRF from data: the document itself is set with setContent, fonts and images are data: URLs, and
    // everything else (http, https, file, ws, ...) is refused before it leaves the browser.
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      if (request.url().startsWith('data:')) {
        request.continue().catch(() => undefined);
        return;
      }
      this.counters.blockedRequests++;
      // A navigation (meta refresh, link target) is cancelled quietly: with any other error code Chromium
      // would commit an error page over the document before it is printed.
      request.abort(request.isNavigationRequest() ? 'aborted' : 'blockedbyclient').catch(() => undefined);
    });
    return page;
  }

  /**
   * Replaces the live browser when documents have brought characters (or a face) its fonts lack (PdfFonts.outgrown):
   * the next render launches one whose fonts have them. Checked as a render starts, so that a browser stays up
   * between renders (and for /health) until a render needs the new one.
   */
  private replaceIfFontsOutgrown(): void {
    const live = this.live;
    if (!live || live.dead || live.retired || !this.fonts.outgrown(live.fonts)) return;
    this.counters.fontRelaunches++;
    this.retire(live);
    if (live.active === 0) void this.dispose(live);
  }

  private instance(): Promise<Instance> {
    if (this.closing) return Promise.reject(unavailable('the PDF renderer is shutting down'));
    if (this.live && !this.live.dead && !this.live.retired) return Promise.resolve(this.live);
    this.launching ??= this.launch()
      .then((instance) => {
        this.live = instance;
        return instance;
      })
      .catch((err: unknown) => {
        this.logger.error(`could not launch Chromium: ${describe(err)}`);
        throw unavailable(`Chromium could not be launched: ${describe(err)}`);
      })
      .finally(() => {
        this.launching = undefined;
      });
    return this.launching;
  }

  private async launch(): Promise<Instance> {
    this.runtimeDir ??= makeRuntimeDir();
    const n = ++this.launchCount;
    const dir = join(await this.runtimeDir, `browser-${n}`);
    await mkdir(dir, { recursive: true });
    const fonts = await this.fonts.writeFontconfig(dir);
    const tag = `${this.poolId}/${n}`;
    const started = performance.now();
    const browser = await puppeteer.launch({
      executablePath: this.config.chromiumPath,
      // The headless shell only has the old headless mode: puppeteer then passes `--headless` (not `=new`).
      headless: this.config.printer === 'headless-shell' ? 'shell' : true,
      // DevTools over stdio pipes: no debugging port on localhost for other processes to use, and Chromium
      // exits by itself if this process dies and the pipe closes.
      pipe: true,
      userDataDir: join(dir, 'profile'),
      args: chromiumArgs(this.settings.concurrency),
      timeout: LAUNCH_TIMEOUT_MS,
      // The application's shutdown closes the pool; puppeteer's own handlers would exit the process on SIGINT.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      // Nothing of this process's environment (database URLs, keys) reaches the browser. HOME and XDG_* keep
      // crash reports and caches inside the launch's folder, which is deleted with it.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        XDG_CONFIG_HOME: join(dir, 'config'),
        XDG_CACHE_HOME: join(dir, 'cache'),
        FONTCONFIG_FILE: fonts.file,
        [TAG]: tag,
      },
    });
    const pid = browser.process()?.pid;
    if (pid === undefined) {
      await browser.close().catch(() => undefined);
      throw new Error('Chromium started without a process id');
    }
    let markGone!: (err: Error) => void;
    const gone = new Promise<never>((_, reject) => (markGone = reject));
    gone.catch(() => undefined); // nobody may be rendering when it ends
    const instance: Instance = {
      browser,
      gone,
      pid,
      tag: `${TAG}=${tag}`,
      dir,
      fonts,
      idle: [],
      renders: 0,
      active: 0,
      retired: false,
      closing: false,
      dead: false,
    };
    this.instances.add(instance);
    this.launched.push({ pid, tag: `${TAG}=${tag}` });
    if (this.launched.length > 50) this.launched.shift();
    browser.on('disconnected', () => {
      instance.dead = true;
      markGone(new Error(`browser ${pid} disconnected`));
      if (!instance.closing) {
        this.counters.crashes++;
        this.logger.warn(
          `browser ${pid} disconnected unexpectedly (crashed or killed): relaunching on the next render`,
        );
        void this.dispose(instance);
      }
    });
    this.logger.log(`launched ${this.config.printer} ${pid} in ${Math.round(performance.now() - started)} ms`);
    return instance;
  }

  private retire(instance: Instance): void {
    instance.retired = true;
    if (this.live === instance) this.live = undefined;
  }

  /** Closes a browser politely (3 s at most), then kills whatever of it is left and deletes its folder. */
  private dispose(instance: Instance): Promise<void> {
    instance.disposed ??= (async () => {
      this.retire(instance);
      if (!instance.dead) {
        instance.closing = true;
        await withTimeout(instance.browser.close(), CLOSE_GRACE_MS, () => new Error('close timed out')).catch(
          () => undefined,
        );
      }
      await this.kill(instance);
      await rm(instance.dir, { recursive: true, force: true }).catch(() => undefined);
      this.instances.delete(instance);
    })();
    return instance.disposed;
  }

  /** SIGKILL to the browser's process group and to every process carrying its tag; waits until they are gone. */
  private async kill(instance: Instance): Promise<void> {
    instance.closing = true;
    instance.dead = true;
    this.retire(instance);
    const pids = processTree(instance.pid, instance.tag);
    signal(-instance.pid);
    for (const pid of pids) signal(pid);
    for (const deadline = Date.now() + 5_000; !allGone(pids) && Date.now() < deadline;) await sleep(20);
    if (!allGone(pids))
      this.logger.error(`browser ${instance.pid}: processes still alive after SIGKILL: ${pids.join(', ')}`);
  }
}

/**
 * A folder for this process's browsers (profiles, fontconfig, crash reports), deleted by close(). Folders
 * left by processes that died without closing (named after their pid) are deleted first.
 */
async function makeRuntimeDir(): Promise<string> {
  for (const entry of await readdir(tmpdir())) {
    const owner = /^tenderdesk-chromium-(\d+)-/.exec(entry)?.[1];
    // Another user's leftover (a shared /tmp, services under several accounts) cannot be deleted by this one: skip it.
    if (owner && !isAlive(Number(owner)))
      await rm(join(tmpdir(), entry), { recursive: true, force: true }).catch(() => undefined);
  }
  return mkdtemp(join(tmpdir(), `tenderdesk-chromium-${process.pid}-`));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function unavailable(message: string): AppException {
  return new AppException(HttpStatus.SERVICE_UNAVAILABLE, RenderingError.RENDER_UNAVAILABLE, message);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
