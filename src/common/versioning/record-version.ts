import { AppException } from '../errors/app-exception.js';
import { ErrorCode } from '../errors/error-codes.js';

/**
 * The versions an `If-Match` header accepts (one per entity tag it lists), or undefined when the request sent none
 * (or `*`): then the write is not checked, so that API clients that never read ETags keep working.
 */
export type ExpectedVersion = readonly number[] | undefined;

/**
 * The ETag of a record at `version`. Weak (`W/`): it names the record's version, not the bytes of one answer, which
 * differ by reader (a production user's copy has no prices) and by day (a quotation past its validity reads expired).
 */
export function versionETag(version: number): string {
  return `W/"${version}"`;
}

const TAG = /^(?:W\/)?"(\d{1,9})"$/;
const MAX_HEADER = 200;

/** Parses `If-Match`: `W/"3"` or `"3"` (the weak and the strong form compare alike), a list of them, or `*`. */
export function parseIfMatch(header: string | string[] | undefined): ExpectedVersion {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined || value.trim() === '' || value.trim() === '*') return undefined;
  const tags = value.length <= MAX_HEADER ? value.split(',').map((t) => t.trim()) : [];
  const versions = tags.map((t) => TAG.exec(t)?.[1]);
  if (!versions.length || versions.some((v) => v === undefined)) {
    throw AppException.badRequest(
      ErrorCode.INVALID_IF_MATCH,
      'If-Match must be an ETag this service gave for the record, e.g. W/"3" (or "3"), a comma-separated list of them, or *',
      { ifMatch: value.slice(0, MAX_HEADER) },
    );
  }
  return versions.map(Number);
}

/**
 * The check every versioned write makes before it changes anything. `lockVersion` reads the record's version and
 * locks its row until the transaction ends (SELECT … FOR UPDATE), so a second writer with the same If-Match waits
 * for the first and then sees the version the first one wrote: only one of them succeeds. Called inside the
 * write's transaction. A missing record (null) is left to the caller's own 404.
 */
export async function checkVersion(
  expected: ExpectedVersion,
  lockVersion: () => Promise<number | null>,
  record: { type: string; id: string },
): Promise<void> {
  if (expected === undefined) return;
  const current = await lockVersion();
  if (current === null || expected.includes(current)) return;
  throw AppException.preconditionFailed(
    ErrorCode.STALE_RECORD,
    `This ${record.type} was changed by someone else (it is at version ${current}); reload it and make the change again`,
    { type: record.type, id: record.id, currentVersion: current, currentETag: versionETag(current), ifMatch: expected },
  );
}
