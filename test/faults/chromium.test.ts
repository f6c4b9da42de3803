import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/app-config.js';
import { BrowserPool, type BrowserPoolStats } from '../../src/rendering/pdf/browser-pool.js';
import { PdfFonts } from '../../src/rendering/pdf/fonts.js';
import { processTree } from '../../src/rendering/pdf/process-tree.js';
import { TemplateEngine } from '../../src/rendering/templates/template-engine.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { sleep, until } from '../support/faults.js';

// Fault: the app's Chromium is SIGKILLed, process tree and all, while a batch of document jobs renders.
// Only this app's browsers are touched: the pool names their pids, and every process of a launch carries a
// tag with this process's pid in it (process-tree.ts). Other test processes' Chromium is never looked at.

const BATCH = 8;

interface JobBody {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  result: { documentId?: string; version?: number } | null;
}

/** Live processes of these launches: the browser's process group, or carrying a launch's tag. */
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

/** Live processes whose command line names a runtime folder of this process's pools (tenderdesk-chromium-<our pid>-…). */
function ourChromiumByFolder(): number[] {
  const marker = `tenderdesk-chromium-${process.pid}-`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(marker)) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** SIGKILL to every process of the browser's tree: its group, its tagged helpers (crashpad), their children. */
function killTree(pid: number, tag: string): number[] {
  const pids = processTree(pid, tag);
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return pids;
}

describe('fault: Chromium killed during a batch of renders', () => {
  let t: TestApp;
  let pool: BrowserPool;
  let closed = false;
  const sample = new TemplateEngine().sample('customer-statement');

  beforeAll(async () => {
    t = await startTestApp('fault_chromium');
    pool = t.app.get(BrowserPool);
  });
  afterAll(async () => {
    if (!closed) await t?.close();
  });

  const job = async (id: string): Promise<JobBody> => {
    const res = await t.http().get(`/api/jobs/${id}`).auth(t.adminToken, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as JobBody;
  };

  it('finishes every render job after the browser tree is SIGKILLed twice, and leaves no Chromium behind', async () => {
    const posted = await Promise.all(
      Array.from({ length: BATCH }, () =>
        t
          .http()
          .post('/api/documents')
          .auth(t.adminToken, { type: 'bearer' })
          .send({ template: 'customer-statement', data: sample, formats: ['pdf'], sign: false }),
      ),
    );
    for (const res of posted) expect(res.status).toBe(202);
    const ids = posted.map((res) => (res.body as JobBody).id);

    // Kill 1: the moment the first browser is up, while its first tabs are being opened.
    const busy = (s: BrowserPoolStats) => s.browserPid !== null && s.active > 0;
    const first = await until('a browser up', async () => pool.stats(), busy, 30_000, 1);
    const firstLaunch = first.launched.find((l) => l.pid === first.browserPid)!;
    const killed1 = killTree(firstLaunch.pid, firstLaunch.tag);
    expect(killed1.length).toBeGreaterThan(1); // the browser and its helpers (zygotes, renderer, GPU/utility)

    // Kill 2: once the replacement browser has printed something and is printing again.
    const rendersAtKill1 = first.renders;
    const second = await until(
      'a second browser printing',
      async () => pool.stats(),
      (s) => busy(s) && s.browserPid !== first.browserPid && s.renders > rendersAtKill1,
      30_000,
      10,
    );
    const secondLaunch = second.launched.find((l) => l.pid === second.browserPid)!;
    killTree(secondLaunch.pid, secondLaunch.tag);
    expect(second.renders).toBeLessThan(BATCH); // the second kill did land while the batch was running

    // Every job ends succeeded (the pool retries a render once on a new browser; the job layer retries beyond that).
    const finished = await until(
      'every job finished',
      async () => Promise.all(ids.map(job)),
      (jobs) => jobs.every((j) => j.status === 'succeeded' || j.status === 'failed'),
      50_000,
      200,
    );
    expect(finished.map((j) => ({ status: j.status, error: j.error }))).toEqual(
      ids.map(() => ({ status: 'succeeded', error: null })),
    );
    const stats = pool.stats();
    expect(stats.crashes).toBeGreaterThanOrEqual(2);
    // No render waited for its timeout on a dead browser: each failed at once and was retried.
    expect(stats.timeouts).toBe(0);
    expect(stats.retries + finished.reduce((n, j) => n + j.attempts - 1, 0)).toBeGreaterThanOrEqual(1);
    expect(stats.launches).toBeGreaterThanOrEqual(3);

    // One document with one version per job: a retried render stored nothing twice.
    const documentIds = finished.map((j) => j.result?.documentId);
    expect(new Set(documentIds).size).toBe(BATCH);
    const rows = await t.db.query<{ versions: string; files: string }>(
      `SELECT (SELECT count(*) FROM document_versions) AS versions, (SELECT count(*) FROM document_files) AS files`,
    );
    expect(rows[0]).toEqual({ versions: String(BATCH), files: String(BATCH) });
    const pdf = await t
      .http()
      .get(`/api/documents/${documentIds[BATCH - 1]}/file?format=pdf`)
      .auth(t.adminToken, { type: 'bearer' })
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

    // The killed browsers are gone entirely; after the app closes, so is the live one.
    const killedLaunches = stats.launched.filter((l) => l.pid === first.browserPid || l.pid === second.browserPid);
    expect(killedLaunches).toHaveLength(2);
    await until(
      'killed trees gone',
      async () => poolProcesses(killedLaunches),
      (p) => p.length === 0,
      5_000,
      50,
    );
    closed = true;
    await t.close();
    await sleep(100);
    expect(poolProcesses(stats.launched)).toEqual([]);
    expect(poolProcesses(pool.stats().launched)).toEqual([]);
    expect(ourChromiumByFolder()).toEqual([]);
  }, 60_000);

  it('fails a render over at once when its browser dies under a puppeteer call that never settles', async () => {
    // puppeteer's newPage() waits up to 30 s for its target even when the browser is gone (a kill landing there
    // hung the render until its timeout): the pool must notice the death itself. The first attempt kills its own
    // browser and then waits on a promise that never settles, as such a call would.
    const dir = await mkdtemp(join(tmpdir(), 'td-fault-pool-'));
    // A render timeout far above what two cold launches take on a loaded machine (15 s was once exceeded in CI), so
    // that "at once" and "after the timeout" stay apart; timeouts: 0 below says which one happened.
    const standalone = new BrowserPool(loadConfig({ STORAGE_DIR: dir, RENDER_TIMEOUT_MS: '60000' }), new PdfFonts());
    try {
      let attempts = 0;
      const pdf = await standalone.run(async (page) => {
        if (++attempts === 1) {
          const { browserPid, launched } = standalone.stats();
          const launch = launched.find((l) => l.pid === browserPid)!;
          killTree(launch.pid, launch.tag);
          return new Promise<Uint8Array>(() => undefined);
        }
        await page.setContent('<p>ok</p>');
        return page.pdf();
      });
      expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      expect(attempts).toBe(2);
      // timeouts: 0 is what says "at once": the render did not wait for its 60 s timeout. No wall-clock bound (CI
      // measured 49.8 s for the two cold launches at a load average of 21).
      expect(standalone.stats()).toMatchObject({ crashes: 1, retries: 1, timeouts: 0, renders: 1, launches: 2 });
    } finally {
      const { launched } = standalone.stats();
      await standalone.close();
      await rm(dir, { recursive: true, force: true });
      expect(poolProcesses(launched)).toEqual([]);
    }
  }, 90_000);
});
