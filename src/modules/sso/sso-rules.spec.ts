import { describe, expect, it } from '@jest/globals';
import type { Role } from '../auth/roles.js';
import { baseNameFrom, claimValue, mapRoles, safeReturnTo } from './sso-rules.js';

describe('safeReturnTo', () => {
  it('keeps paths of the console', () => {
    for (const ok of [
      '/app',
      '/app/',
      '/app/quotations/5?tab=lines',
      '/app?x=1',
      '/app#/deep',
      '/app/%E6%8A%A5%E4%BB%B7',
    ])
      expect(safeReturnTo(ok)).toBe(ok);
  });

  it('sends anything else to /app: other sites, other paths, tricks browsers read as another host', () => {
    for (const bad of [
      undefined,
      '',
      'https://evil.example/app',
      '//evil.example/app',
      '/\\evil.example',
      '/app//evil.example',
      '/app/\\evil.example',
      '/application',
      '/api/users',
      '/app/../api/users',
      '/app/%2e%2e/api',
      '/app/\nSet-Cookie:x',
      'javascript:alert(1)',
      `/app/${'x'.repeat(600)}`,
    ])
      expect(safeReturnTo(bad)).toBe('/app');
  });
});

describe('role mapping', () => {
  const map = new Map<string, Role[]>([
    ['td-finance', ['finance']],
    ['td-heads', ['manager', 'finance']],
  ]);

  it('maps a string or a list of strings, in the order of ROLES, without duplicates; ignores the rest', () => {
    expect(mapRoles('td-finance', map)).toEqual(['finance']);
    expect(mapRoles(['td-heads', 'td-finance', 'everyone', 42], map)).toEqual(['finance', 'manager']);
    expect(mapRoles(undefined, map)).toEqual([]);
    expect(mapRoles({ 'td-finance': true }, map)).toEqual([]);
  });

  it('reads a claim by name, else by a dotted path (Keycloak realm_access.roles)', () => {
    expect(claimValue({ groups: ['a'] }, 'groups')).toEqual(['a']);
    expect(claimValue({ realm_access: { roles: ['td-finance'] } }, 'realm_access.roles')).toEqual(['td-finance']);
    expect(claimValue({ 'realm_access.roles': 'flat' }, 'realm_access.roles')).toBe('flat');
    expect(claimValue({ realm_access: 'x' }, 'realm_access.roles')).toBeUndefined();
  });
});

describe('baseNameFrom', () => {
  it('takes preferred_username, else the e-mail local part, else the name, in the form user names take', () => {
    expect(baseNameFrom({ preferred_username: 'wang.li' })).toBe('wang.li');
    expect(baseNameFrom({ preferred_username: 'wang.li@corp.example', email: 'x@y' })).toBe('wang.li');
    expect(baseNameFrom({ email: 'li.na@example.com' })).toBe('li.na');
    expect(baseNameFrom({ name: '王 丽' })).toBe('王-丽');
    expect(baseNameFrom({ preferred_username: '--_x y' })).toBe('x-y');
    expect(baseNameFrom({})).toBe('sso-user');
    expect(baseNameFrom({ preferred_username: 'a'.repeat(300) })).toHaveLength(90);
  });
});
