import { describe, expect, it } from '@jest/globals';
import { comparePrecedence, orderRoutes, type RouteLayer } from './route-precedence.js';

const route = (path: string): RouteLayer => ({ route: { path } });
const middleware = (): RouteLayer => ({});
const paths = (stack: RouteLayer[]) => stack.map((l) => (l.route ? (l.route.path as string) : '<mw>'));

describe('route precedence', () => {
  it('puts a literal segment before a parameter at the first place two paths differ', () => {
    expect(comparePrecedence('/api/contracts/contact-list', '/api/contracts/:id')).toBeLessThan(0);
    expect(comparePrecedence('/api/contracts/:id', '/api/contracts/contact-list')).toBeGreaterThan(0);
    expect(comparePrecedence('/api/storage/*key', '/api/storage/:id')).toBeGreaterThan(0);
    expect(comparePrecedence('/api/users/:id', '/api/customers/:id')).toBe(0);
  });

  it('answers /api/contracts/contact-list by its own route whichever module registered first', () => {
    // The contracts module first: the order that made GET /api/contracts/:id answer the contact list.
    const stack = [
      middleware(),
      route('/api/contracts'),
      route('/api/contracts/:id'),
      route('/api/contracts/:id/changes'),
      route('/api/contracts/contact-list'),
      middleware(),
    ];
    orderRoutes(stack);
    expect(paths(stack)).toEqual([
      '<mw>',
      '/api/contracts',
      '/api/contracts/contact-list',
      '/api/contracts/:id',
      '/api/contracts/:id/changes',
      '<mw>',
    ]);
  });

  it('keeps middleware where it was and routes of the same shape in registration order', () => {
    const stack = [route('/b/:id'), route('/a/:id'), middleware(), route('/x/:id'), route('/x/static')];
    orderRoutes(stack);
    expect(paths(stack)).toEqual(['/b/:id', '/a/:id', '<mw>', '/x/static', '/x/:id']);
  });
});
