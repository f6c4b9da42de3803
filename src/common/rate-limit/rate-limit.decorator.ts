import { SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { RateLimitPolicy } from '../../config/app-config.js';
import { RateLimitGuard } from './rate-limit.guard.js';

import { RATE_LIMIT_KEY, type RateLimitRule } from './rate-limit.rule.js';

export { RATE_LIMIT_KEY, type RateLimitRule } from './rate-limit.rule.js';

/**
 * Counts the route's requests against a policy (RATE_LIMIT_<POLICY>): per account for a signed-in caller, per client
 * address (TRUST_PROXY) for an anonymous one. Over the limit: 429 TOO_MANY_REQUESTS with Retry-After, before the
 * handler (and any upload interceptor) runs. Routes sharing a policy share its count.
 */
export const RateLimit = (policy: RateLimitPolicy, options: { anonymous?: RateLimitPolicy } = {}) =>
  applyDecorators(
    SetMetadata(RATE_LIMIT_KEY, { policy, anonymous: options.anonymous } satisfies RateLimitRule),
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse({
      description: `TOO_MANY_REQUESTS: over the ${policy} rate limit${options.anonymous ? ` (anonymous: ${options.anonymous})` : ''}; see Retry-After`,
    }),
  );
