import 'reflect-metadata';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { logLevels } from './app.js';
import { AppModule } from './app.module.js';
import { startupConfig } from './config/startup.js';
import { JobQueue } from './infrastructure/queue/job-queue.js';
import { closeOnSignals } from './shutdown.js';

// The worker: the same modules without HTTP, consuming jobs (renders, mail) from the queue engine.
const config = startupConfig();
if (config.database.kind !== 'postgres' || config.queue.driver !== 'pgboss') {
  console.error(
    'The worker needs a shared PostgreSQL and the pg-boss queue: set DATABASE_URL (and leave QUEUE_DRIVER unset or pgboss). ' +
      'On the embedded default the API process runs the jobs itself.',
  );
  process.exit(1);
}
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'worker'), { logger: logLevels(config.logLevel) });
// Stop taking jobs first: the browser pool closes in an earlier shutdown hook than the queue's.
closeOnSignals(app, undefined, () => app.get(JobQueue).drain());
new Logger('Tenderdesk').log(
  `worker ${hostname()}:${process.pid} consuming jobs: ${config.render.concurrency} renders at once (RENDER_CONCURRENCY), leases of ${config.jobs.leaseSeconds} s`,
);
