import { Global, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { InlineJobQueue } from './inline.driver.js';
import { JobQueue } from './job-queue.js';
import { PgBossJobQueue } from './pgboss.driver.js';

/** Builds the configured driver and starts it, so whoever injects JobQueue gets a running queue. */
async function createJobQueue(config: AppConfig): Promise<JobQueue> {
  const queue = config.queue.driver === 'pgboss' ? new PgBossJobQueue(config) : new InlineJobQueue();
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
