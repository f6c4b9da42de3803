import { describe, expect, it } from '@jest/globals';
import { AppException } from '../errors/app-exception.js';
import { checkVersion, parseIfMatch, versionETag } from './record-version.js';

describe('parseIfMatch', () => {
  it('reads the weak and the strong form of our tags alike, and lists of them', () => {
    expect(parseIfMatch('W/"3"')).toEqual([3]);
    expect(parseIfMatch('"3"')).toEqual([3]);
    expect(parseIfMatch(' W/"3" , "12" ')).toEqual([3, 12]);
    expect(parseIfMatch(['W/"3"', 'W/"4"'])).toEqual([3, 4]);
  });

  it('takes no header, an empty one and * as "not checked"', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('')).toBeUndefined();
    expect(parseIfMatch(' * ')).toBeUndefined();
  });

  it.each(['3', 'W/3', '"abc"', '"-1"', '"1.5"', 'W/"1", junk', `"${'9'.repeat(10)}"`, `"1",${' '.repeat(300)}"2"`])(
    'refuses %j with 400 INVALID_IF_MATCH',
    (header) => {
      let thrown: unknown;
      try {
        parseIfMatch(header);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(AppException);
      expect(thrown).toMatchObject({ status: 400, code: 'INVALID_IF_MATCH' });
    },
  );

  it('reads back what versionETag writes', () => {
    expect(parseIfMatch(versionETag(42))).toEqual([42]);
  });
});

describe('checkVersion', () => {
  const record = { type: 'customer', id: 'c-1' };

  it('does not read the version when no If-Match was sent', async () => {
    let read = false;
    await checkVersion(undefined, async () => ((read = true), 5), record);
    expect(read).toBe(false);
  });

  it('passes the current version and leaves a missing record to the caller', async () => {
    await expect(checkVersion([4, 5], async () => 5, record)).resolves.toBeUndefined();
    await expect(checkVersion([5], async () => null, record)).resolves.toBeUndefined();
  });

  it('refuses a stale one with 412 STALE_RECORD naming the current version', async () => {
    await expect(checkVersion([4], async () => 5, record)).rejects.toMatchObject({
      status: 412,
      code: 'STALE_RECORD',
      details: { type: 'customer', id: 'c-1', currentVersion: 5, currentETag: 'W/"5"', ifMatch: [4] },
    });
  });
});
