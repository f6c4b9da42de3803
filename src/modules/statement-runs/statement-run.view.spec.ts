import { describe, expect, it } from '@jest/globals';
import { emptyCounts, progressOf } from './statement-run.view.js';

describe('statement run progress', () => {
  it('counts sent, failed and skipped items as done, and rendered ones only once their mail is no longer on its way', () => {
    const counts = { ...emptyCounts(), pending: 2, rendered: 3, sent: 3, failed: 1, skipped: 1 };
    // 10 items: 2 pending, 2 of the 3 rendered still queued for mail -> 6 done
    expect(progressOf('running', 10, counts, 2)).toBe(60);
    expect(progressOf('running', 10, counts, 0)).toBe(80);
  });

  it('rounds down, so that 100 means every item is done', () => {
    expect(progressOf('running', 200, { ...emptyCounts(), sent: 199, pending: 1 }, 0)).toBe(99);
    expect(progressOf('running', 3, { ...emptyCounts(), sent: 1, pending: 2 }, 0)).toBe(33);
  });

  it('is 0 for a run not listed yet and 100 for a completed one, even an empty one', () => {
    expect(progressOf('queued', 0, emptyCounts(), 0)).toBe(0);
    expect(progressOf('completed', 0, emptyCounts(), 0)).toBe(100);
  });
});
