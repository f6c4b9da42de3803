// Who is signed in, and what their roles let the console show. The API enforces all of it again.

export const me = { user: null };

/** admin passes every role check, as on the API (auth-user.ts hasRole). */
export function hasRole(...roles) {
  const r = me.user?.roles ?? [];
  return r.includes('admin') || roles.some((x) => r.includes(x));
}

/** A user whose only role is production never sees a price or an amount (price-visibility.ts). */
export const canSeePrices = () => (me.user?.roles ?? []).some((r) => r !== 'production');

/** The floor price: admin, backoffice, finance and manager (products.service.ts). */
export const canSeeFloor = () => hasRole('backoffice', 'finance', 'manager');

export const DEPARTMENTS = ['finance', 'engineering', 'production'];

/** The departments the user signs contact sheets for: their department roles (admin alone signs for none). */
export const myDepartments = () => DEPARTMENTS.filter((d) => (me.user?.roles ?? []).includes(d));
