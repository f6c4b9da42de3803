import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RUN_JOBS } from '../jobs/index.js';
import { RemindersService } from './reminders.service.js';

/** How often a process that runs jobs looks whether today's reminders job was queued. */
export const CHECK_EVERY_MS = 10 * 60_000;

/**
 * Every process that runs jobs checks at start and every 10 minutes whether today's reminders job is queued, and
 * queues it if not: the day's row in reminder_runs lets one process's insert win, so the job is queued once a day
 * however many processes run (and each reminder is written once per key in any case).
 */
@Injectable()
export class RemindersScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RemindersScheduler');
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly reminders: RemindersService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // RUN_JOBS is JobsModule's flag, not exported: looked up across modules as the statement-run scheduler does.
    if (this.moduleRef.get<boolean>(RUN_JOBS, { strict: false }) !== true) return;
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
    await this.check();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** One check; never throws (the next one comes in 10 minutes). */
  private check(): Promise<void> {
    this.checking ??= (async () => {
      try {
        if (await this.reminders.queueDaily()) this.logger.log("today's reminders job queued");
      } catch (err) {
        this.logger.error(`reminders check failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking;
  }
}
