import { createHash } from 'node:crypto';

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** One entry as the verifier reads it: the canonical form comes from the database's audit_log_canonical(). */
export interface ChainRow {
  id: string;
  chainSeq: string;
  prevHash: string;
  hash: string;
  canonical: string;
}

/** The single row the insert trigger advances: the last position and hash. */
export interface ChainHead {
  seq: string;
  hash: string;
}

export interface ChainBreak {
  /** The first entry that does not fit (null when entries are missing at the end). */
  entryId: string | null;
  chainSeq: string;
  reason: string;
}

export type ChainReport =
  { ok: true; entries: number; headSeq: string; headHash: string } | { ok: false; entries: number; broken: ChainBreak };

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Walks the chain in position order and reports the first broken link: a position skipped (entries deleted), an
 * entry whose prev_hash is not its predecessor's hash (entries deleted, inserted or reordered), an entry whose
 * content no longer hashes to its hash (changed after it was written), or a head that says the chain goes further
 * (entries deleted at the end). The hash is recomputed here, in this process, from the canonical text.
 */
export async function verifyChain(batches: AsyncIterable<ChainRow[]>, head: ChainHead | null): Promise<ChainReport> {
  let expectedSeq = 1n;
  let previous: { id: string; hash: string } | null = null;
  let entries = 0;
  const broken = (row: ChainRow, reason: string): ChainReport => ({
    ok: false,
    entries,
    broken: { entryId: row.id, chainSeq: row.chainSeq, reason },
  });
  for await (const batch of batches) {
    for (const row of batch) {
      const seq = BigInt(row.chainSeq);
      if (seq !== expectedSeq) {
        return broken(
          row,
          seq > expectedSeq
            ? `entries at chain positions ${expectedSeq}..${seq - 1n} are missing (deleted)`
            : `chain position ${seq} appears twice`,
        );
      }
      const expectedPrev = previous?.hash ?? GENESIS_HASH;
      if (row.prevHash !== expectedPrev) {
        return broken(
          row,
          previous
            ? `its prev_hash is not the hash of entry ${previous.id} (the entry before it)`
            : 'the first entry does not start from the genesis hash',
        );
      }
      if (sha256Hex(row.canonical) !== row.hash) {
        return broken(row, 'its content does not match its hash (changed after it was written)');
      }
      previous = { id: row.id, hash: row.hash };
      expectedSeq++;
      entries++;
    }
  }
  const lastSeq = (expectedSeq - 1n).toString();
  if (!head)
    return {
      ok: false,
      entries,
      broken: { entryId: null, chainSeq: lastSeq, reason: 'the chain head row is missing' },
    };
  if (BigInt(head.seq) !== expectedSeq - 1n || head.hash !== (previous?.hash ?? GENESIS_HASH)) {
    return {
      ok: false,
      entries,
      broken: {
        entryId: null,
        chainSeq: expectedSeq.toString(),
        reason: `the chain head is at position ${head.seq} but the log ends at ${lastSeq} (entries at the end deleted or changed)`,
      },
    };
  }
  return { ok: true, entries, headSeq: head.seq, headHash: head.hash };
}

/** One line for the log and the audit-verify command. */
export function describeReport(report: ChainReport): string {
  if (report.ok) return `audit chain OK: ${report.entries} entries, head ${report.headSeq} ${report.headHash}`;
  const { entryId, chainSeq, reason } = report.broken;
  const where =
    entryId === null
      ? `after chain position ${BigInt(chainSeq) - 1n}`
      : `at entry ${entryId} (chain position ${chainSeq})`;
  return `audit chain BROKEN ${where}: ${reason}; ${report.entries} entries before it verified`;
}
