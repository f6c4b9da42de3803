import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '../../config/app-config.js';
import { RUN_JOBS } from '../jobs/index.js';
import { StatementRunsService } from './statement-runs.service.js';

/** How often a process that runs jobs looks whether the monthly run is due. */
export const CHECK_EVERY_MS = 10 * 60_000;

/**
 * STATEMENT_RUN_DAY set: every process that runs jobs (workers; the API unless API_RUNS_JOBS=false) checks at start
 * and every 10 minutes whether the monthly run is due (on or after that day of the month, server-local date) and
 * makes it. Several processes may try at once: the unique index on the monthly period lets one insert win. The same
 * check queues the plan of a run whose process stopped before queueing it.
 */
@Injectable()
export class StatementRunScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StatementRunScheduler');
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly runs: StatementRunsService,
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled()) return;
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
    await this.check();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** One check; never throws (the next one comes in 10 minutes). Nothing without STATEMENT_RUN_DAY or jobs. */
  check(): Promise<void> {
    if (!this.enabled()) return Promise.resolve();
    this.checking ??= (async () => {
      try {
        await this.runs.startMonthly();
        const replanned = await this.runs.planStranded();
        if (replanned) this.logger.warn(`${replanned} statement run(s) had no plan job: queued now`);
      } catch (err) {
        this.logger.error(`monthly statement run check failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  private enabled(): boolean {
    return this.config.statements.runDay !== undefined && this.runsJobs();
  }

  /**
   * Whether this process consumes jobs: JobsModule's RUN_JOBS flag. It is not exported from JobsModule, so it is
   * looked up across modules (strict: false) rather than injected.
   */
  private runsJobs(): boolean {
    return this.moduleRef.get<boolean>(RUN_JOBS, { strict: false }) === true;
  }
}
