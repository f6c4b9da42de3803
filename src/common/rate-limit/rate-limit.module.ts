import { Global, Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiters } from './rate-limiters.js';

/** @RateLimit's guard and the limiters behind it, for every module. */
@Global()
@Module({ providers: [RateLimiters, RateLimitGuard], exports: [RateLimiters, RateLimitGuard] })
export class RateLimitModule {}
