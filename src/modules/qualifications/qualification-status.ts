import { daysBetween, type DateOnly } from '../../common/tabular/date-only.js';

export const QUALIFICATION_STATUSES = ['valid', 'expiring', 'expired', 'not_yet_valid'] as const;
export type QualificationStatus = (typeof QUALIFICATION_STATUSES)[number];

/** "Expiring" means within this many days unless the caller asks otherwise (?expiringWithinDays=, ?days=). */
export const DEFAULT_EXPIRING_DAYS = 60;

/**
 * The status on day `on`. validTo is the last valid day (inclusive), so with N = expiringWithinDays:
 *   on < validFrom                      -> not_yet_valid
 *   on > validTo                        -> expired        (from validTo + 1)
 *   0 <= validTo - on <= N              -> expiring       (from validTo - N up to and including validTo)
 *   otherwise                           -> valid          (up to validTo - N - 1; always, when validTo is null)
 * The repository's SQL (statusSql) states the same rule for filtering; the e2e tests hold them together.
 */
export function qualificationStatus(
  q: { validFrom: DateOnly; validTo: DateOnly | null },
  on: DateOnly,
  expiringWithinDays: number,
): QualificationStatus {
  if (on < q.validFrom) return 'not_yet_valid';
  if (q.validTo === null) return 'valid';
  const left = daysBetween(on, q.validTo);
  if (left < 0) return 'expired';
  return left <= expiringWithinDays ? 'expiring' : 'valid';
}

/** In force on that day: usable in a tender whose deadline it is. */
export const inForce = (status: QualificationStatus) => status === 'valid' || status === 'expiring';
