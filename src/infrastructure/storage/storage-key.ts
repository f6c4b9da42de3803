import { AppException } from '../../common/errors/app-exception.js';
import { StorageError } from './storage.errors.js';

export const MAX_STORAGE_KEY_LENGTH = 512;

// Deliberately strict: keys become file paths on disk and URL paths in signed links, so only
// characters that need no escaping anywhere are allowed. Anything else (spaces, '#', non-ASCII)
// is rejected rather than encoded, which also lets the filesystem driver use '#' for its own files.
const SEGMENT = /^[A-Za-z0-9._-]+$/;

function invalid(key: unknown, message: string): AppException {
  return AppException.badRequest(StorageError.INVALID_STORAGE_KEY, message, { key });
}

/**
 * Checks an object key: relative, '/'-separated segments of ASCII letters, digits, '.', '_' and '-';
 * no empty, '.' or '..' segment; at most 512 characters. Returns the key; throws INVALID_STORAGE_KEY.
 */
export function validateStorageKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw invalid(key, 'Storage key must be a non-empty string');
  if (key.length > MAX_STORAGE_KEY_LENGTH) {
    throw invalid(key, `Storage key is longer than ${MAX_STORAGE_KEY_LENGTH} characters`);
  }
  if (key.includes('\0')) throw invalid(key, 'Storage key must not contain NUL');
  if (key.includes('\\')) throw invalid(key, 'Storage key must not contain a backslash');
  if (key.startsWith('/')) throw invalid(key, 'Storage key must be relative (no leading /)');
  for (const segment of key.split('/')) {
    if (segment === '') throw invalid(key, 'Storage key must not contain an empty segment');
    if (segment === '.' || segment === '..') throw invalid(key, 'Storage key must not contain . or .. segments');
    if (!SEGMENT.test(segment)) {
      throw invalid(key, 'Storage key segments may only use ASCII letters, digits, ".", "_" and "-"');
    }
  }
  return key;
}

/** A listing prefix: empty (everything), or a key that may end with '/' (a "folder"). */
export function validateStoragePrefix(prefix: unknown): string {
  if (prefix === '') return prefix;
  if (typeof prefix === 'string' && prefix.endsWith('/')) {
    validateStorageKey(prefix.slice(0, -1));
    return prefix;
  }
  return validateStorageKey(prefix);
}
