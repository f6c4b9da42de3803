import type { RateLimitPolicy } from '../../config/app-config.js';

// In a file of their own so that the guard and the decorator (which applies the guard) do not import each other.
export const RATE_LIMIT_KEY = 'tenderdesk:rate-limit';

export interface RateLimitRule {
  /** The policy counting a signed-in caller's requests (per account). */
  policy: RateLimitPolicy;
  /** The policy for a caller without a token (per client address); default: `policy`. */
  anonymous?: RateLimitPolicy;
}
