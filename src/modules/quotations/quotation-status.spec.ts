import { describe, expect, it } from '@jest/globals';
import {
  editMode,
  effectiveStatus,
  QUOTATION_ACTIONS,
  QUOTATION_STATUSES,
  STORED_STATUSES,
  transition,
  type QuotationAction,
  type QuotationStatus,
} from './quotation-status.js';

describe('quotation status machine', () => {
  const allowed: [QuotationStatus, QuotationAction, QuotationStatus][] = [
    ['draft', 'submit', 'submitted'],
    ['submitted', 'approve', 'approved'],
    ['approved', 'send', 'sent'],
    ['sent', 'accept', 'accepted'],
    ['sent', 'reject', 'rejected'],
  ];

  it.each(allowed)('allows %s --%s--> %s', (from, action, to) => {
    expect(transition(from, action)).toEqual({ ok: true, from, to });
  });

  it('refuses every other pair, naming from and to', () => {
    for (const from of QUOTATION_STATUSES) {
      for (const action of QUOTATION_ACTIONS) {
        if (allowed.some(([f, a]) => f === from && a === action)) continue;
        const result = transition(from, action);
        expect({ from, action, ok: result.ok }).toEqual({ from, action, ok: false });
        expect(result.from).toBe(from);
      }
    }
    expect(transition('draft', 'approve')).toEqual({ ok: false, from: 'draft', to: 'approved' });
    expect(transition('expired', 'accept')).toEqual({ ok: false, from: 'expired', to: 'accepted' });
  });

  it('derives expired after the validity date, never for accepted or rejected', () => {
    expect(effectiveStatus('sent', '2026-03-31', '2026-03-31')).toBe('sent'); // the last valid day
    expect(effectiveStatus('sent', '2026-03-31', '2026-04-01')).toBe('expired');
    expect(effectiveStatus('draft', '2026-03-31', '2026-04-01')).toBe('expired');
    expect(effectiveStatus('approved', '2026-03-31', '2026-04-01')).toBe('expired');
    expect(effectiveStatus('accepted', '2026-03-31', '2027-01-01')).toBe('accepted');
    expect(effectiveStatus('rejected', '2026-03-31', '2027-01-01')).toBe('rejected');
  });

  it('edits a draft in place, revises anything seen by others, locks an accepted quotation', () => {
    expect(Object.fromEntries(STORED_STATUSES.map((s) => [s, editMode(s)]))).toEqual({
      draft: 'in_place',
      submitted: 'new_revision',
      approved: 'new_revision',
      sent: 'new_revision',
      rejected: 'new_revision',
      accepted: 'locked',
    });
  });
});
