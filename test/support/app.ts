import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  storageDir: string;
  adminToken: string;
  http(): ReturnType<typeof request>;
  /** A new user with these roles; returns their API token (asked for with apiToken: true). */
  userWith(roles: string[], name?: string): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

let seq = 0;

/**
 * The real app on a fresh database of the real PostgreSQL server, with filesystem storage in a temp dir. The
 * database is a copy of the migrated template (test/support/database.ts): the app still checks its migrations
 * at start and finds them applied, as on any restart.
 */
export async function startTestApp(
  label: string,
  env: Record<string, string> = {},
  extra: DynamicModule['imports'] = [],
): Promise<TestApp> {
  const db = await createTestDatabase(label, { migrated: true });
  const storageDir = await mkdtemp(join(tmpdir(), `td-${label}-`));
  const adminToken = `test-admin-token-${label}-0123456789abcdef`;
  const config = loadConfig({
    DATABASE_URL: db.url,
    STORAGE_DIR: storageDir,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'error',
    DEMO_DATA: 'false',
    // Tests send bursts no person does (a corpus of bad inputs, dozens of imports a second): rate limits are off
    // unless a test turns them on (RATE_LIMITS: 'true', as test/e2e/rate-limits.test.ts does).
    RATE_LIMITS: 'false',
    ...env,
  });
  const app = await createApp(config, extra);
  await app.init();
  await reminderJobSettled(db);
  const http = () => request(app.getHttpServer());
  return {
    app,
    db,
    storageDir,
    adminToken,
    http,
    async userWith(roles, name = `user${++seq}-${roles.join('-')}`) {
      const res = await http()
        .post('/api/users')
        .auth(adminToken, { type: 'bearer' })
        .send({ name, roles, apiToken: true });
      if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id as string, token: res.body.token as string };
    },
    async close() {
      await app.close();
      await db.drop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/**
 * A process that runs jobs queues today's reminders job as it starts (src/modules/reminders/reminders.scheduler.ts).
 * On an empty database it sends nothing, but it writes its job's row: waited for here, so that a test comparing
 * tables before and after a refused request does not see it finish in between.
 */
async function reminderJobSettled(db: TestDatabase): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await db.query<{ status: string }>(
      'SELECT j.status FROM reminder_runs r JOIN jobs j ON j.id = r.job_id',
    );
    if (rows.every((r) => r.status === 'succeeded' || r.status === 'failed')) return;
    if (Date.now() > deadline) throw new Error(`today's reminders job did not settle: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
