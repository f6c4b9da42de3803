import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Database } from '../../database/database.js';
import { ObjectStorage } from '../../infrastructure/storage/object-storage.js';
import { BrowserPool } from '../../rendering/pdf/browser-pool.js';

export interface CheckResult {
  status: 'ok' | 'error';
  kind?: string;
  latencyMs: number;
  error?: string;
}
export interface HealthReport {
  status: 'ok' | 'error';
  checks: { database: CheckResult; storage: CheckResult; browser: CheckResult };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: Database,
    private readonly storage: ObjectStorage,
    private readonly config: AppConfig,
    private readonly browser: BrowserPool,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, storage, browser] = await Promise.all([
      probe(this.database.kind, () => this.database.ping()),
      probe(this.storage.kind, () => this.storage.ping()),
      // A browser of the pool answers, or one can be launched (and is then kept for the next render).
      probe(this.config.chromiumPath, () => this.browser.ping()),
    ]);
    const checks = { database, storage, browser };
    return { status: Object.values(checks).every((c) => c.status === 'ok') ? 'ok' : 'error', checks };
  }
}

async function probe(kind: string, fn: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  try {
    await fn();
    return { status: 'ok', kind, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'error', kind, latencyMs: Math.round(performance.now() - started), error: err instanceof Error ? err.message : String(err) };
  }
}
