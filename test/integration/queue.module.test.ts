import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { InlineJobQueue } from '../../src/infrastructure/queue/inline.driver.js';
import { JobQueue } from '../../src/infrastructure/queue/job-queue.js';
import { PgBossJobQueue } from '../../src/infrastructure/queue/pgboss.driver.js';
import { QueueModule } from '../../src/infrastructure/queue/queue.module.js';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

let dbName: string;
let storageDir: string;

beforeAll(async () => {
  dbName = `td_queue_${randomBytes(6).toString('hex')}`;
  storageDir = await mkdtemp(join(tmpdir(), 'td-queue-module-'));
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${dbName}`);
  } finally {
    await admin.end();
  }
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await rm(storageDir, { recursive: true, force: true });
});

async function boot(config: AppConfig): Promise<INestApplicationContext> {
  @Module({ imports: [ConfigModule.forRoot(config), QueueModule] })
  class TestModule {}
  return NestFactory.createApplicationContext(TestModule, { logger: false });
}

describe('QueueModule', () => {
  it.each([
    ['inline', InlineJobQueue, (dir: string) => loadConfig({ QUEUE_DRIVER: 'inline', STORAGE_DIR: dir })],
    [
      'pgboss',
      PgBossJobQueue,
      (dir: string) =>
        loadConfig({
          DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
          QUEUE_DRIVER: 'pgboss',
          STORAGE_DIR: dir,
        }),
    ],
  ] as const)('provides a started %s queue and stops it on shutdown', async (kind, driver, configFor) => {
    const app = await boot(configFor(storageDir));
    const queue = app.get(JobQueue);
    expect(queue).toBeInstanceOf(driver);
    expect(queue.kind).toBe(kind);

    // Started by the provider: usable without calling start().
    await queue.work<{ n: number }>('module-check', { concurrency: 1 }, async (job) => job.data.n + 1);
    const id = await queue.send('module-check', { n: 41 });
    let snapshot = await queue.getJob('module-check', id);
    for (let i = 0; i < 100 && snapshot?.state !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      snapshot = await queue.getJob('module-check', id);
    }
    expect(snapshot).toMatchObject({ state: 'completed', output: 42 });

    await app.close();
    await expect(queue.send('module-check', { n: 1 })).rejects.toThrow(/stopped/);
  });
});
