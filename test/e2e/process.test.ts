import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAIN, freePort, requireBuild, runNode, waitForHttp, type Running } from '../support/process.js';
import { adminTokenFromFirstStart, firstStartLink } from '../support/sign-in.js';

/** The real entry point, as `make start` runs it, on the embedded default (PGlite + filesystem + outbox). */
describe('node dist/main.js on the embedded default', () => {
  let dir: string;
  const started: Running[] = [];
  beforeAll(async () => {
    requireBuild();
    dir = await mkdtemp(join(tmpdir(), 'td-process-'));
  });
  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('stops at start-up on a bad configuration, listing every bad variable, and creates nothing', async () => {
    const storage = join(dir, 'never-created');
    const p = runNode(MAIN, {
      STORAGE_DIR: storage,
      PORT: 'eighty',
      SMTP_URL: 'not a url',
      S3_ENDPOINT: 'http://127.0.0.1:9',
      ADMIN_TOKEN: 'short',
    });
    expect(await p.exited).toBe(1);
    for (const v of ['PORT', 'SMTP_URL', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_BUCKET', 'ADMIN_TOKEN']) {
      expect(p.stderr()).toMatch(new RegExp(`- ${v}: `));
    }
    expect(existsSync(storage)).toBe(false);
  });

  it("starts, prints the first admin's one-time link once, honours PORT and ADMIN_TOKEN, stops cleanly and keeps its data", async () => {
    const storage = join(dir, 'storage');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;

    // First start: empty database, no ADMIN_TOKEN -> a one-time link to choose the admin's password is printed once.
    const first = runNode(MAIN, { STORAGE_DIR: storage, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'log' });
    started.push(first);
    await waitForHttp(`${base}/health`, first);
    // On stderr, outside the JSON log lines of stdout.
    const link = firstStartLink(first.stderr());
    expect(link).toBeDefined();
    expect(first.stdout()).not.toContain(link);
    // The operator opens it, chooses a password and makes an API token for scripts; the link then works no more.
    const printed = await adminTokenFromFirstStart(base, link!);
    expect((await fetch(`${base}/api/auth/invitations/${link}`)).status).toBe(410);
    const health = await fetch(`${base}/health`, { headers: { authorization: `Bearer ${printed}` } });
    const report = (await health.json()) as {
      status: string;
      checks: Record<string, { status: string; kind: string }>;
    };
    expect(report.checks.database).toMatchObject({ status: 'up', kind: 'embedded' });
    expect(report.checks.storage).toMatchObject({ status: 'up', kind: 'filesystem' });
    expect(report.checks.queue).toMatchObject({ status: 'up', kind: 'inline' });
    expect(health.status).toBe(report.status === 'up' ? 200 : 503);
    expect((await fetch(`${base}/docs-json`)).status).toBe(200);
    expect((await fetch(`${base}/docs/`)).status).toBe(200);

    const created = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${printed}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '李娜', roles: ['finance'] }),
    });
    expect(created.status).toBe(201);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(storage, 'db.lock'))).toBe(false);

    // Second start on the same folder: ADMIN_TOKEN now set; nothing printed; old data and token still there.
    const adminToken = 'an-admin-token-for-automated-deployments';
    const port2 = await freePort();
    const second = runNode(MAIN, {
      STORAGE_DIR: storage,
      PORT: String(port2),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: adminToken,
    });
    started.push(second);
    await waitForHttp(`http://127.0.0.1:${port2}/health`, second);
    expect(second.stdout() + second.stderr()).not.toMatch(/td_[A-Za-z0-9_-]{43}/);
    const get = (token: string) =>
      fetch(`http://127.0.0.1:${port2}/api/users`, { headers: { authorization: `Bearer ${token}` } });
    const viaEnv = await get(adminToken);
    expect(viaEnv.status).toBe(200);
    expect(((await viaEnv.json()) as { name: string }[]).map((u) => u.name).sort()).toEqual(['admin', '李娜']);
    expect((await get(printed!)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await readdir(storage)).toEqual(expect.arrayContaining(['db']));
  }, 180_000); // two cold starts of the embedded database: 30 s each when the machine is busy
});
