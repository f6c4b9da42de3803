import 'reflect-metadata';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { startupConfig } from './config/startup.js';
import { JobQueue } from './infrastructure/queue/job-queue.js';
import { createRootLogger, nestLogger } from './observability/logging.js';
import { boundPort, serveWorkerHttp } from './observability/worker-http.js';
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
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'worker'), {
  logger: nestLogger(createRootLogger(config, { role: 'worker' })),
});
const logger = new Logger('Tenderdesk');
// Health and metrics on a small port of its own (WORKER_HTTP_PORT; 0: none).
const http = config.observability.workerHttpPort
  ? await serveWorkerHttp(app, config.host, config.observability.workerHttpPort)
  : undefined;
// Stop taking jobs first: the browser pool closes in an earlier shutdown hook than the queue's. The HTTP port stays
// open meanwhile: /health/ready says down (the queue is draining) until the process is gone.
closeOnSignals(app, undefined, () => app.get(JobQueue).drain());
logger.log(
  `worker ${hostname()}:${process.pid} consuming jobs: ${config.render.concurrency} renders at once (RENDER_CONCURRENCY), leases of ${config.jobs.leaseSeconds} s` +
    (http
      ? `; health and metrics on http://${config.host}:${boundPort(http)}`
      : '; no HTTP port (WORKER_HTTP_PORT unset)'),
);
