import type { RunItemStatus, RunStatus } from './statement-run.entity.js';

/** Items of a run by status as the report shows it (each item in exactly one). */
export type ItemCounts = Record<RunItemStatus, number>;

export function emptyCounts(): ItemCounts {
  return { pending: 0, rendered: 0, sent: 0, failed: 0, skipped: 0 };
}

/** Per run: its counts, its rendered items whose mail is still on its way, and its items with a statement. */
export interface RunCounts {
  counts: ItemCounts;
  mailInFlight: number;
  issued: number;
}

/** Folds the read model's groups (one per run and report status) into each run's counts; runs without items at 0. */
export function foldCounts(
  runIds: string[],
  rows: { runId: string; status: string; n: number; inFlight: number; issued: number }[],
): Map<string, RunCounts> {
  const result = new Map(runIds.map((id) => [id, { counts: emptyCounts(), mailInFlight: 0, issued: 0 }]));
  for (const r of rows) {
    const entry = result.get(r.runId);
    if (!entry) continue;
    entry.counts[r.status as RunItemStatus] += r.n;
    entry.mailInFlight += r.inFlight;
    entry.issued += r.issued;
  }
  return result;
}

/**
 * Percent done: an item is done once it is sent, failed or skipped, or rendered with no mail still on its way
 * (`mailInFlight`: rendered items whose message is queued or being sent). A completed run is at 100; a run not yet
 * listed (total 0, still queued) at 0. Rounded down, so 100 means every item is done.
 */
export function progressOf(status: RunStatus, total: number, counts: ItemCounts, mailInFlight: number): number {
  if (status === 'completed') return 100;
  if (total === 0) return 0;
  const done = total - counts.pending - mailInFlight;
  return Math.max(0, Math.min(100, Math.floor((100 * done) / total)));
}
