import type { AuthUser } from './auth-user.js';

/**
 * Production scheduling never sees commercial figures (docs/architecture.md, "Rules the code keeps"): a user whose
 * only role is `production` gets records without any price, amount or discount field — absent, not zero — in JSON
 * and in files.
 */
export function canSeePrices(user: Pick<AuthUser, 'roles'>): boolean {
  return user.roles.some((r) => r !== 'production');
}

/** A copy of `view` without the named fields when the user may not see prices. */
export function hidePricesFor<T extends object, K extends keyof T>(
  user: Pick<AuthUser, 'roles'>,
  view: T,
  priceFields: readonly K[],
): T | Omit<T, K> {
  if (canSeePrices(user)) return view;
  const copy = { ...view };
  for (const f of priceFields) delete copy[f];
  return copy;
}
