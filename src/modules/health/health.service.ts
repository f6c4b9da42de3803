import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Database } from '../../database/database.js';
import { JobQueue } from '../../infrastructure/queue/job-queue.js';
import { ObjectStorage } from '../../infrastructure/storage/object-storage.js';
import { BrowserPool } from '../../rendering/pdf/browser-pool.js';

export type Up = 'up' | 'down';
export interface CheckResult {
  status: Up;
  kind?: string;
  latencyMs: number;
  error?: string;
}
export type CheckName = 'database' | 'storage' | 'browser' | 'queue';
/** What an admin sees: each check with its backend, latency and error. */
export interface HealthReport {
  status: Up;
  checks: Record<CheckName, CheckResult>;
}
/** What anyone sees on /health/ready: up or down per check, nothing else (no host names, no error texts). */
export interface ReadinessSummary {
  status: Up;
  checks: Record<CheckName, Up>;
}

/**
 * Liveness is the process answering (nothing checked); readiness is every dependency answering now: the database,
 * the object storage, a browser of the pool (one is launched when none runs: a process whose Chromium cannot start is
 * not ready) and the job queue (started and not draining: a process shutting down is not ready).
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly database: Database,
    private readonly storage: ObjectStorage,
    private readonly config: AppConfig,
    private readonly browser: BrowserPool,
    private readonly queue: JobQueue,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, storage, browser, queue] = await Promise.all([
      probe(this.database.kind, () => this.database.ping()),
      probe(this.storage.kind, () => this.storage.ping()),
      // A browser of the pool answers, or one can be launched (and is then kept for the next render).
      probe(this.config.chromiumPath, () => this.browser.ping()),
      probe(this.queue.kind, () => this.queue.ping()),
    ]);
    const checks = { database, storage, browser, queue };
    return { status: Object.values(checks).every((c) => c.status === 'up') ? 'up' : 'down', checks };
  }

  static summary(report: HealthReport): ReadinessSummary {
    const checks = Object.fromEntries(Object.entries(report.checks).map(([name, c]) => [name, c.status]));
    return { status: report.status, checks: checks as Record<CheckName, Up> };
  }
}

async function probe(kind: string, fn: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  try {
    await fn();
    return { status: 'up', kind, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      status: 'down',
      kind,
      latencyMs: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
