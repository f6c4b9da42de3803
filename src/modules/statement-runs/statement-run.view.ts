import type { RunItemStatus, RunStatus } from './statement-run.entity.js';

/** Items of a run by status as the report shows it (each item in exactly one). */
export type ItemCounts = Record<RunItemStatus, number>;

export function emptyCounts(): ItemCounts {
  return { pending: 0, rendered: 0, sent: 0, failed: 0, skipped: 0 };
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
