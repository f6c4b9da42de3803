/**
 * Route precedence that does not depend on the order of modules in app.module.ts (issue #18). Express tries routes in
 * the order they were registered, and Nest registers them module by module; so `GET /api/contracts/:id` (contracts)
 * answered `GET /api/contracts/contact-list` (contact-sheets) whenever the contracts module happened to come first.
 * After Nest has registered its routes, each run of consecutive route layers is sorted so that, at the first segment
 * where two paths differ in kind, a literal segment comes before a parameter and a parameter before a wildcard. Two
 * routes that can match the same request are therefore tried most specific first; the order of routes that cannot
 * is irrelevant, and routes of equal shape keep their registration order (a stable sort). Middleware layers keep
 * their positions: only the routes between two of them are reordered.
 */

/** The part of an Express (router 2.x) layer that ordering needs. */
export interface RouteLayer {
  route?: { path: unknown };
}

/** Per segment: 0 a literal, 1 a parameter (or an optional group), 2 a wildcard. */
export function segmentRanks(path: string): number[] {
  return path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => (s.startsWith('*') ? 2 : s.startsWith(':') || s.includes('{') ? 1 : 0));
}

/** Negative when route path `a` must be tried before `b`; 0 when they have the same shape. */
export function comparePrecedence(a: string, b: string): number {
  const ra = segmentRanks(a);
  const rb = segmentRanks(b);
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    if (ra[i] !== rb[i]) return ra[i] - rb[i];
  }
  return ra.length - rb.length;
}

/** Sorts, in place, each run of consecutive route layers of an Express router's stack by precedence. */
export function orderRoutes(stack: RouteLayer[]): void {
  const pathOf = (l: RouteLayer) => (typeof l.route?.path === 'string' ? l.route.path : null);
  let i = 0;
  while (i < stack.length) {
    if (pathOf(stack[i]) === null) {
      i++;
      continue;
    }
    let j = i;
    while (j < stack.length && pathOf(stack[j]) !== null) j++;
    const run = stack.slice(i, j).sort((a, b) => comparePrecedence(pathOf(a)!, pathOf(b)!));
    stack.splice(i, run.length, ...run);
    i = j;
  }
}
