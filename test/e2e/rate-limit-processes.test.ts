import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { MAIN, freePort, requireBuild, runNode, waitForHttp, type Running } from '../support/process.js';

/** Two `node dist/main.js` on one PostgreSQL database count against one limit (the rate_limits table). */
describe('rate limits shared between two API processes', () => {
  let db: TestDatabase;
  let dir: string;
  const apis: { proc: Running; base: string }[] = [];

  beforeAll(async () => {
    requireBuild();
    db = await createTestDatabase('rate_limit_processes');
    dir = await mkdtemp(join(tmpdir(), 'td-rl-processes-'));
    for (const name of ['a', 'b']) {
      const port = await freePort();
      const proc = runNode(MAIN, {
        DATABASE_URL: db.url,
        STORAGE_DIR: join(dir, name),
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_TOKEN: 'an-admin-token-for-the-rate-limit-test',
        DEMO_DATA: 'false',
        LOG_LEVEL: 'warn',
        RATE_LIMIT_VERIFY_ANONYMOUS: '4/1h',
      });
      apis.push({ proc, base: `http://127.0.0.1:${port}` });
    }
    await Promise.all(apis.map((a) => waitForHttp(`${a.base}/health`, a.proc)));
  }, 180_000);

  afterAll(async () => {
    for (const { proc } of apis) {
      if (proc.child.exitCode === null) {
        proc.child.kill('SIGTERM');
        await proc.exited;
      }
    }
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const verify = async (base: string) => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('not a pdf')]), 'x.pdf');
    const res = await fetch(`${base}/api/documents/verify`, { method: 'POST', body: form });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as { error?: { code: string } },
    };
  };

  it('refuses the fifth anonymous verify from one address at the combined limit of 4, whichever process gets it', async () => {
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await verify(apis[i % 2].base)); // A, B, A, B, A, B
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429]);
    for (const refused of results.slice(4)) {
      expect(refused.body.error?.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    }
    const rows = await db.query<{ key: string; points: number }>(`SELECT key, points FROM rate_limits`);
    expect(rows).toEqual([{ key: 'verify-anonymous:ip:127.0.0.1', points: 6 }]);
  });
});
