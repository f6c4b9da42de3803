import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Database } from '../../database/database.js';
import { ObjectStorage } from '../../infrastructure/storage/object-storage.js';

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
  ) {}

  async check(): Promise<HealthReport> {
    const [database, storage, browser] = await Promise.all([
      probe(this.database.kind, () => this.database.ping()),
      probe(this.storage.kind, () => this.storage.ping()),
      // Until the browser pool exists (rendering issue), the browser check is that Chromium is installed and runnable.
      probe(this.config.chromiumPath, () => access(this.config.chromiumPath, constants.X_OK)),
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
