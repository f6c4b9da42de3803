import { describe, expect, it } from '@jest/globals';
import { CONTRACT_STATUSES, type ContractStatus } from './contract.entity.js';
import { CONTRACT_ACTIONS, contractTransition, isEditable, type ContractAction } from './contract-status.js';

describe('contract status machine', () => {
  const allowed: [ContractStatus, ContractAction, boolean, ContractStatus][] = [
    ['draft', 'edit', false, 'draft'],
    ['review_failed', 'edit', false, 'draft'],
    ['draft', 'review', true, 'approved'],
    ['draft', 'review', false, 'review_failed'],
    ['review_failed', 'review', true, 'approved'],
    ['review_failed', 'review', false, 'review_failed'],
    ['review_failed', 'approve', false, 'approved'],
    ['approved', 'activate', false, 'active'],
    ['active', 'complete', false, 'completed'],
    ['draft', 'cancel', false, 'cancelled'],
    ['review_failed', 'cancel', false, 'cancelled'],
    ['approved', 'cancel', false, 'cancelled'],
    ['active', 'cancel', false, 'cancelled'],
    ['approved', 'change', false, 'approved'],
    ['active', 'change', false, 'active'],
  ];

  it.each(allowed)('allows %s --%s (review passed: %s)--> %s', (from, action, passed, to) => {
    expect(contractTransition(from, action, passed)).toEqual({ ok: true, from, to });
  });

  it('refuses every other pair, naming the statuses the action needs', () => {
    let refused = 0;
    for (const from of CONTRACT_STATUSES) {
      for (const action of CONTRACT_ACTIONS) {
        if (allowed.some(([f, a]) => f === from && a === action)) continue;
        const result = contractTransition(from, action, true);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.allowedFrom).not.toContain(from);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(20);
  });

  it('never leaves completed or cancelled', () => {
    for (const action of CONTRACT_ACTIONS) {
      expect(contractTransition('completed', action).ok).toBe(false);
      expect(contractTransition('cancelled', action).ok).toBe(false);
    }
  });

  it('lets only a draft or a failed review be edited (afterwards: change requests)', () => {
    expect(CONTRACT_STATUSES.filter(isEditable)).toEqual(['draft', 'review_failed']);
  });

  it('approves without a manager only through a passing review', () => {
    expect(contractTransition('draft', 'approve').ok).toBe(false);
    expect(contractTransition('approved', 'review', true).ok).toBe(false);
  });
});
