import { Global, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { InlineJobQueue } from './inline.driver.js';
import { JobQueue } from './job-queue.js';
import { PgBossJobQueue } from './pgboss.driver.js';

/**
 * Running handlers get this long to finish at shutdown; then their jobs are left to the lease. Below the 30 s
 * that closeOnSignals allows in all, so that the rest of the shutdown (browsers, database) still fits.
 */
const STOP_TIMEOUT_MS = 20_000;

/**
 * Expired leases are looked for every lease/10 seconds, between 1 and 30: a job whose worker died comes
 * back within about 1.1 leases (plus its retry delay), a 5 s test lease within seconds.
 */
export function leaseCheckSeconds(leaseSeconds: number): number {
  return Math.min(30, Math.max(1, Math.floor(leaseSeconds / 10)));
}

/** Builds the configured driver and starts it, so whoever injects JobQueue gets a running queue. */
async function createJobQueue(config: AppConfig): Promise<JobQueue> {
  const queue =
    config.queue.driver === 'pgboss'
      ? new PgBossJobQueue(config, { maintenanceIntervalSeconds: leaseCheckSeconds(config.jobs.leaseSeconds), stopTimeoutMs: STOP_TIMEOUT_MS })
      : new InlineJobQueue({ stopTimeoutMs: STOP_TIMEOUT_MS });
  await queue.start();
  return queue;
}

/**
 * Provides the one JobQueue of the process. Which queues this process consumes is decided by the
 * feature modules (config.queue.apiRunsJobs), not here.
 */
@Global()
@Module({
  providers: [{ provide: JobQueue, inject: [AppConfig], useFactory: createJobQueue }],
  exports: [JobQueue],
})
export class QueueModule implements BeforeApplicationShutdown {
  constructor(private readonly queue: JobQueue) {}

  // Before every module's onApplicationShutdown: running handlers finish while the database is still open.
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.stop();
  }
}
