import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Caller } from '../modules/auth/caller.js';

/** Who may scrape /metrics (API and worker port): `Bearer <METRICS_TOKEN>`, or an admin's API token. */
@Injectable()
export class MetricsAccess {
  constructor(
    private readonly config: AppConfig,
    private readonly caller: Caller,
  ) {}

  async allowed(authorization: string | string[] | undefined): Promise<boolean> {
    const token = Caller.bearer(authorization);
    if (!token) return false;
    const expected = this.config.observability.metricsToken;
    if (expected && sameSecret(token, expected)) return true;
    return this.caller.isAdmin(authorization);
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
