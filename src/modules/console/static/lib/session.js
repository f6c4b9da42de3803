// Who is signed in, and what their roles let the console show. The API enforces all of it again.

import { api } from './api.js';

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

/**
 * The users who may own a record (a customer, a tender): every active user, from the directory any signed-in user
 * reads; the current owner stays in the list even when disabled, and the signed-in user is marked.
 */
export async function ownerOptions(current, meLabel) {
  const users = await api.get('/api/users/directory');
  const opts = users.map((u) => ({ value: u.id, label: u.id === me.user?.id ? `${u.name} (${meLabel})` : u.name }));
  if (current && !users.some((u) => u.id === current.id)) opts.unshift({ value: current.id, label: current.name });
  return opts;
}

/** The console's page for each sign-in stage the server may ask for (GET /api/auth/session's stage). */
const STEP_PATHS = { password_change: 'password', second_factor: 'second-factor', totp_enrolment: 'totp' };

/** Where a session at `stage` goes next: a step of signing in, or (active) back to `next`. */
export function signInStepPath(stage, next) {
  const step = STEP_PATHS[stage];
  const q = next && next !== '/app' ? `?${new URLSearchParams({ next })}` : '';
  return step ? `/app/signin/${step}${q}` : `/app/signin${q}`;
}

/** Only a page of the console is a place to return to after signing in: never an address elsewhere. */
export function safeNext(next) {
  return typeof next === 'string' &&
    (next === '/app' || next.startsWith('/app/')) &&
    !next.startsWith('/app/signin') &&
    !next.startsWith('/app/invitation') &&
    !next.startsWith('/app//')
    ? next
    : '/app';
}
