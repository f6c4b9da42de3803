import { describe, expect, it } from '@jest/globals';
import { describeReport, GENESIS_HASH, sha256Hex, verifyChain, type ChainRow } from './audit-chain.js';

/** A well-formed chain of n entries (the canonical text stands in for the database's). */
function chainOf(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  for (let i = 1; i <= n; i++) {
    const prevHash = rows.at(-1)?.hash ?? GENESIS_HASH;
    const canonical = JSON.stringify(['v1', i, `entry ${i}`, prevHash]);
    rows.push({ id: String(100 + i), chainSeq: String(i), prevHash, hash: sha256Hex(canonical), canonical });
  }
  return rows;
}

async function* batches(rows: ChainRow[], size = 2) {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const headOf = (rows: ChainRow[]) => ({ seq: String(rows.length), hash: rows.at(-1)?.hash ?? GENESIS_HASH });

describe('verifyChain', () => {
  it('accepts a whole chain read in batches, and an empty one', async () => {
    const rows = chainOf(5);
    const report = await verifyChain(batches(rows), headOf(rows));
    expect(report).toEqual({ ok: true, entries: 5, headSeq: '5', headHash: rows[4].hash });
    expect(describeReport(report)).toBe(`audit chain OK: 5 entries, head 5 ${rows[4].hash}`);
    expect(await verifyChain(batches([]), { seq: '0', hash: GENESIS_HASH })).toMatchObject({ ok: true, entries: 0 });
  });

  it('names the changed entry', async () => {
    const rows = chainOf(5);
    rows[2] = { ...rows[2], canonical: rows[2].canonical.replace('entry 3', 'entry three') };
    const report = await verifyChain(batches(rows), headOf(rows));
    expect(report).toMatchObject({ ok: false, entries: 2, broken: { entryId: '103', chainSeq: '3' } });
    expect(describeReport(report)).toMatch(/^audit chain BROKEN at entry 103 \(chain position 3\): its content/);
  });

  it('names the entry after a deleted one, and notices entries deleted at the end', async () => {
    const rows = chainOf(5);
    const gap = await verifyChain(batches([...rows.slice(0, 2), ...rows.slice(3)]), headOf(rows));
    expect(gap).toMatchObject({
      ok: false,
      broken: { entryId: '104', reason: expect.stringMatching(/3\.\.3 are missing/) },
    });
    const tail = await verifyChain(batches(rows.slice(0, 4)), headOf(rows));
    expect(tail).toMatchObject({ ok: false, broken: { entryId: null, chainSeq: '5' } });
    expect(describeReport(tail)).toMatch(/BROKEN after chain position 4/);
  });

  it('names the entry whose prev_hash does not link, and a first entry not starting from genesis', async () => {
    const rows = chainOf(3);
    rows[1] = { ...rows[1], prevHash: 'f'.repeat(64) };
    expect(await verifyChain(batches(rows), headOf(rows))).toMatchObject({ broken: { entryId: '102' } });
    const first = chainOf(1);
    first[0] = { ...first[0], prevHash: 'a'.repeat(64) };
    expect(await verifyChain(batches(first), headOf(first))).toMatchObject({
      broken: { entryId: '101', reason: expect.stringMatching(/genesis/) },
    });
  });
});
