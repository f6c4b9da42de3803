import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { MAIN, freePort, requireBuild, runNode, waitForHttp, type Running } from '../support/process.js';

const MB = 1024 * 1024;
const BOUNDARY = 'verify-intake-boundary';
const CHUNK = Buffer.alloc(MB, 0x20);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { valid?: boolean; reason?: string; error?: { code: string; details?: Record<string, unknown> } };
}

/**
 * POST /api/documents/verify with a file of `size` bytes ('%PDF-' and spaces), streamed in 1 MB chunks so the test
 * itself holds little. `chunked`: no Content-Length (the server cannot refuse up front). `hold`: wait for this
 * promise before sending the last chunk (keeps the check's upload open).
 */
function upload(base: string, size: number, opts: { chunked?: boolean; hold?: Promise<void> } = {}): Promise<Answer> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const fileRest = size - 5;
  const url = new URL('/api/documents/verify', base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        ...(opts.chunked ? {} : { 'content-length': String(head.length + fileRest + tail.length) }),
      },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        // Answered before the whole body went: the server drops the rest for a while; stop sending and close.
        if (!req.writableFinished) req.destroy();
        const text = Buffer.concat(parts).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? (JSON.parse(text) as Answer['body']) : {},
        });
      });
    });
    // The server answers a refused upload early and reads and drops the rest of the body (dropRestOfRefusedUpload):
    // an error while sending is a failure, and the connection is not reset under a client still writing.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    void (async () => {
      req.write(head);
      let left = fileRest;
      while (left > 0 && !req.destroyed && !answered) {
        if (left <= MB && opts.hold) await opts.hold;
        const n = Math.min(left, MB);
        const ok = req.write(n === MB ? CHUNK : CHUNK.subarray(0, n));
        left -= n;
        if (!ok) await new Promise<void>((r) => req.once('drain', () => r()).once('close', () => r()));
      }
      if (!req.destroyed && !answered) req.end(tail);
    })();
  });
}

/** The verify intake's temporary files (the process's TMPDIR also holds Chromium's profile folders). */
async function uploads(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('tenderdesk-verify-'));
}

async function status(pid: number): Promise<Record<string, number>> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
}

/** Resets the process's peak RSS (VmHWM) so that the next reading is the peak from now on. */
async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

/**
 * The anonymous-memory attack of issue #14, against the real entry point: uploads to verify go to a temporary
 * file (TMPDIR of the process, removed afterwards), stop at VERIFY_LIMIT, and one check runs at a time.
 * Memory is read from /proc/<pid>/status: the peak resident size while the uploads run.
 */
describe('POST /api/documents/verify intake (node dist/main.js)', () => {
  let db: TestDatabase;
  let dir: string;
  let temp: string;
  let api: Running;
  let base: string;

  beforeAll(async () => {
    requireBuild();
    db = await createTestDatabase('verify_intake', { migrated: true });
    dir = await mkdtemp(join(tmpdir(), 'td-verify-intake-'));
    temp = join(dir, 'tmp');
    await mkdir(temp);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = runNode(MAIN, {
      DATABASE_URL: db.url,
      STORAGE_DIR: join(dir, 'storage'),
      TMPDIR: temp,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_TOKEN: 'an-admin-token-for-the-verify-intake-test',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      // This file tests the intake, not the anonymous rate limit (rate-limits.test.ts does).
      RATE_LIMIT_VERIFY_ANONYMOUS: '1000/1h',
    });
    await waitForHttp(`${base}/health`, api);
    // Warm up: the first check loads what a check needs.
    expect((await upload(base, 64 * 1024)).status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    if (api && api.child.exitCode === null) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses an anonymous 90 MB upload with 413 before reading it, and the process does not grow', async () => {
    const pid = api.child.pid!;
    await resetPeak(pid);
    const before = await status(pid);
    const res = await upload(base, 90 * MB);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'FILE_TOO_LARGE', details: { limit: 20 * MB } });
    const after = await status(pid);
    console.log(`90 MB with Content-Length: peak RSS growth ${((after.peakKb - before.rssKb) / 1024).toFixed(1)} MB`);
    expect((after.peakKb - before.rssKb) / 1024).toBeLessThan(40);
    expect(await uploads(temp)).toEqual([]);
  });

  it('stops reading a 160 MB upload sent without Content-Length at the limit: 413, nothing left on disk, no growth', async () => {
    const pid = api.child.pid!;
    await resetPeak(pid);
    const before = await status(pid);
    const res = await upload(base, 160 * MB, { chunked: true });
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('FILE_TOO_LARGE');
    const after = await status(pid);
    console.log(`160 MB chunked: peak RSS growth ${((after.peakKb - before.rssKb) / 1024).toFixed(1)} MB`);
    // Well below the body's 160 MB: it was not held in memory (on 15dd7e8 a 90 MB one took the API to 937 MB). What
    // the stream leaves as garbage in socket and parser buffers before the limit stops it varies from run to run: on
    // 2026-12-07, builds of ten commits that leave the verify path as it was measured 0 to 79 MB for a 90 MB body.
    expect((after.peakKb - before.rssKb) / 1024).toBeLessThan(120);
    expect(await uploads(temp)).toEqual([]);
  });

  it('answers 5 parallel 19 MB uploads (one checked at a time, the others 429 VERIFY_BUSY) within 150 MB of growth', async () => {
    const pid = api.child.pid!;
    await resetPeak(pid);
    const before = await status(pid);
    const answers = await Promise.all(Array.from({ length: 5 }, () => upload(base, 19 * MB)));
    const after = await status(pid);
    const checked = answers.filter((a) => a.status === 200);
    const busy = answers.filter((a) => a.status === 429);
    expect(checked.length + busy.length).toBe(5);
    expect(checked.length).toBeGreaterThanOrEqual(1);
    for (const a of checked)
      expect(a.body).toMatchObject({ valid: false, reason: expect.stringContaining('not signed') });
    for (const a of busy) {
      expect(a.body.error?.code).toBe('VERIFY_BUSY');
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    }
    const growthMb = (after.peakKb - before.rssKb) / 1024;
    console.log(
      `5 x 19 MB in parallel: ${checked.length} checked, ${busy.length} busy; peak RSS growth ${growthMb.toFixed(1)} MB`,
    );
    expect(growthMb).toBeLessThan(150);
    expect(await uploads(temp)).toEqual([]);
  });

  it('checks one file at a time: a second check while one is uploading gets 429 VERIFY_BUSY, the first then completes', async () => {
    let finish!: () => void;
    const hold = new Promise<void>((r) => (finish = r));
    const first = upload(base, 3 * MB, { hold });
    // The first upload is in progress once its temporary file exists.
    for (let i = 0; i < 200 && (await uploads(temp)).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await uploads(temp)).length).toBe(1);
    const second = await upload(base, 1024);
    expect(second.status).toBe(429);
    expect(second.body.error?.code).toBe('VERIFY_BUSY');
    finish();
    expect((await first).status).toBe(200);
    expect((await upload(base, 1024)).status).toBe(200);
    expect(await uploads(temp)).toEqual([]);
  });
});
