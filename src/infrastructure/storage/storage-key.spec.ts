import { describe, it, expect } from '@jest/globals';
import { AppException } from '../../common/errors/app-exception.js';
import { MAX_STORAGE_KEY_LENGTH, validateStorageKey, validateStoragePrefix } from './storage-key.js';

function rejection(fn: () => unknown): AppException {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppException) return err;
    throw err;
  }
  throw new Error('expected INVALID_STORAGE_KEY, nothing was thrown');
}

describe('validateStorageKey', () => {
  it.each([
    'a',
    'tenders/2024/T-0001/bid.pdf',
    'x_y-z.v2.tar.gz',
    '.hidden',
    'a/...b/c',
    'A'.repeat(MAX_STORAGE_KEY_LENGTH),
  ])('accepts %s', (key) => {
    expect(validateStorageKey(key)).toBe(key);
  });

  it.each([
    ['an empty key', ''],
    ['a parent segment', '../x'],
    ['a parent segment in the middle', 'a/../b'],
    ['a trailing parent segment', 'a/..'],
    ['a current-dir segment', 'a/./b'],
    ['a lone dot', '.'],
    ['an absolute key', '/abs'],
    ['an empty segment', 'a//b'],
    ['a trailing slash', 'a/'],
    ['a backslash', 'a\\b'],
    ['a NUL', 'a\0b'],
    ['a space', 'a b'],
    ['non-ASCII', '标书.pdf'],
    ['a hash (reserved for driver files)', 'a#meta.json'],
    ['a percent escape', 'a%2Fb'],
    ['a key one character too long', 'A'.repeat(MAX_STORAGE_KEY_LENGTH + 1)],
  ])('rejects %s', (_what, key) => {
    const err = rejection(() => validateStorageKey(key));
    expect(err.code).toBe('INVALID_STORAGE_KEY');
    expect(err.status).toBe(400);
    expect(err.details).toEqual({ key });
  });

  it.each([undefined, null, 42, ['a']])('rejects the non-string %p', (key) => {
    expect(rejection(() => validateStorageKey(key)).code).toBe('INVALID_STORAGE_KEY');
  });
});

describe('validateStoragePrefix', () => {
  it.each(['', 'a', 'a/', 'tenders/2024/', 'tenders/20'])('accepts %p', (prefix) => {
    expect(validateStoragePrefix(prefix)).toBe(prefix);
  });

  it.each(['/', '/a/', '../', 'a//', 'a/./', 'a\\'])('rejects %p', (prefix) => {
    expect(rejection(() => validateStoragePrefix(prefix)).code).toBe('INVALID_STORAGE_KEY');
  });
});
