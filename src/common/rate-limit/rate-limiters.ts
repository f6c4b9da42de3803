import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  RATE_LIMIT_POLICIES,
  type RateLimitPolicy,
  type RateLimitSetting,
} from '../../config/app-config.js';

/** The table the PostgreSQL limiters share (created by the RateLimits migration). */
export const RATE_LIMIT_TABLE = 'rate_limits';

export type RateLimitOutcome = { allowed: true } | { allowed: false; retryAfterMs: number; limit: RateLimitSetting };

/**
 * One limiter per policy (RATE_LIMIT_*). On PostgreSQL the counts live in the `rate_limits` table, so every API
 * process connected to the database counts against the same limit; while the database fails, each process counts
 * in memory instead (rate-limiter-flexible's insurance limiter) rather than refusing or letting everything through.
 * On the embedded database (one process) they count in memory.
 */
@Injectable()
export class RateLimiters implements OnModuleInit {
  private readonly logger = new Logger('RateLimit');
  private readonly limiters = new Map<RateLimitPolicy, { limiter: RateLimiterAbstract; limit: RateLimitSetting }>();

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    if (!this.config.rateLimits.enabled) return;
    const shared = this.config.database.kind === 'postgres';
    for (const policy of RATE_LIMIT_POLICIES) {
      const limit = this.config.rateLimits.policies[policy];
      if (!limit) continue;
      const options = { keyPrefix: policy, points: limit.points, duration: limit.seconds };
      const limiter = shared
        ? new RateLimiterPostgres({
            ...options,
            storeClient: this.dataSource,
            storeType: 'typeorm',
            tableName: RATE_LIMIT_TABLE,
            tableCreated: true,
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterMemory(options);
      this.limiters.set(policy, { limiter, limit });
    }
    this.logger.log(
      `rate limits ${shared ? 'shared through PostgreSQL' : 'in memory (embedded database)'}: ` +
        [...this.limiters].map(([p, { limit }]) => `${p} ${limit.points}/${limit.seconds}s`).join(', '),
    );
  }

  /** Counts one request of `key` against `policy`. */
  async consume(policy: RateLimitPolicy, key: string): Promise<RateLimitOutcome> {
    const entry = this.limiters.get(policy);
    if (!entry) return { allowed: true };
    try {
      await entry.limiter.consume(key, 1);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryAfterMs: Math.max(1000, rejection.msBeforeNext), limit: entry.limit };
      }
      throw rejection;
    }
  }
}
