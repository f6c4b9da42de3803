// @ts-check
// Who is signed in, and what their roles let the console show: GET /api/users/me and GET /api/meta, read once when
// the shell starts. The statuses, the role rules and the routes each role may call come from the server (the same
// functions its guards and services use), not from lists kept here. The API enforces all of it again.

import { api } from './api.js';

/** @typedef {import('../types/api').components['schemas']['MetaDto']} Meta */
/** @typedef {Meta['enums']} Enums */

/**
 * The signed-in user (GET /api/users/me) and what the server says about them (GET /api/meta); null when signed out.
 * @type {{ user: { id: string, name: string, roles: string[], [k: string]: any } | null, meta: Meta | null }}
 */
export const me = { user: null, meta: null };

/** Reads who is signed in and the server's rules for them (the shell calls it before any page). */
export async function loadMe() {
  const [user, rules] = await Promise.all([api.get('/api/users/me'), api.get('/api/meta')]);
  me.user = user;
  me.meta = rules;
}

/** Forgets both (signed out, or the session ended). */
export function forgetMe() {
  me.user = null;
  me.meta = null;
}

/** The server's answer; pages run only once the shell has read it. */
function meta() {
  if (!me.meta) throw new Error('GET /api/meta has not been read yet');
  return me.meta;
}

/**
 * Whether the user's roles may call a route, as the API's guard decides it: `METHOD /path` with the path as the
 * server declares it (`POST /api/tenders/:id/status`), from GET /api/meta's routes.
 * @param {string} route
 */
export const may = (route) => meta().routes.includes(route);

/**
 * The values of one of the server's enumerations (statuses, roles, kinds…), in the server's order.
 * @template {keyof Enums} K
 * @param {K} name
 * @returns {Enums[K]}
 */
export const enumValues = (name) => meta().enums[name];

/** For each action of the contract's and the quotation's status machines, the statuses it may start from. */
export const transitions = () => meta().transitions;

/** Statuses in which the services allow something (a locked tender, a contract goods ship on…). */
export const statusSets = () => meta().statusSets;

/** A user whose only role is production never sees a price or an amount (the server's canSeePrices). */
export const canSeePrices = () => meta().rules.canSeePrices;

/** The floor price: the server's canSeeFloorPrice. */
export const canSeeFloor = () => meta().rules.canSeeFloorPrice;

/** Lets a gate through with a reason (below the floor price, a payment gate, a package's missing parts). */
export const overridesGates = () => meta().rules.managerOverrides;

/** Issues documents and reads the seal images. */
export const issuesDocuments = () => meta().rules.issuesDocuments;

/** May issue API tokens that never expire. */
export const issuesEverlastingTokens = () => meta().rules.issuesEverlastingTokens;

/** The departments the user signs contact sheets for: their department roles (admin alone signs for none). */
export const myDepartments = () => meta().rules.departments;

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
