import { describe, expect, it } from '@jest/globals';
import { boundToOwnRecords, mayReach } from './ownership.js';

const user = (id: string, ...roles: string[]) => ({ id, name: id, roles }) as never;

describe('ownership policy', () => {
  it('binds a sales user, and only one without a role that sees everything', () => {
    expect(boundToOwnRecords(user('s', 'sales'), false)).toBe(true);
    expect(boundToOwnRecords(user('s', 'sales', 'engineering'), false)).toBe(true);
    for (const wide of ['admin', 'backoffice', 'finance', 'manager']) {
      expect(boundToOwnRecords(user('s', 'sales', wide), false)).toBe(false);
    }
    for (const other of ['admin', 'backoffice', 'finance', 'manager', 'engineering', 'production']) {
      expect(boundToOwnRecords(user('u', other), false)).toBe(false);
    }
  });

  it('does not bind the system (no roles) nor anyone when sales see all', () => {
    expect(boundToOwnRecords({ id: null, name: 'system' }, false)).toBe(false);
    expect(boundToOwnRecords(user('s', 'sales'), true)).toBe(false);
  });

  it("lets a bound user reach only records whose sales owner they are (nobody's included: refused)", () => {
    expect(mayReach(user('s1', 'sales'), { salesOwnerId: 's1' }, false)).toBe(true);
    expect(mayReach(user('s1', 'sales'), { salesOwnerId: 's2' }, false)).toBe(false);
    expect(mayReach(user('s1', 'sales'), { salesOwnerId: null }, false)).toBe(false);
    expect(mayReach(user('s1', 'sales'), { salesOwnerId: 's2' }, true)).toBe(true);
    expect(mayReach(user('b', 'backoffice'), { salesOwnerId: 's2' }, false)).toBe(true);
    expect(mayReach(user('b', 'backoffice'), { salesOwnerId: null }, false)).toBe(true);
  });
});
