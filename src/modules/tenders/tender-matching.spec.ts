import { describe, expect, it } from '@jest/globals';
import { qualificationStatus } from '../qualifications/qualification-status.js';
import type { QualificationType } from '../qualifications/qualification.entity.js';
import {
  byLatestValidTo,
  canMove,
  flagsOf,
  isLocked,
  matchPerformance,
  matchQualifications,
  splitCredit,
  tenderDates,
  unknownIds,
  warningMessage,
  type QualificationFacts,
  type TenderDates,
} from './tender-matching.js';

const dates: TenderDates = { deadlineDate: '2026-06-21', validityEndDate: '2026-07-21' };

/** A qualification with its status computed on the deadline day, as QualificationsService.validOn does. */
function q(id: string, type: QualificationType, validFrom: string, validTo: string | null): QualificationFacts {
  return {
    id,
    type,
    name: `${type} ${id}`,
    validTo,
    status: qualificationStatus({ validFrom, validTo }, dates.deadlineDate, 60),
  };
}

const licence = q('lic', 'business_licence', '2016-01-01', null);
const iso9001 = q('9001', 'iso9001', '2024-01-01', '2027-07-01');
const iso14001 = q('14001', 'iso14001', '2023-01-01', '2026-07-10'); // in force on the deadline, ends before validity
const iso45001 = q('45001', 'iso45001', '2023-01-01', '2026-05-01'); // expired
const certOld = q('cert-old', 'product_certificate', '2020-01-01', '2026-06-15'); // expired
const certNew = q('cert-new', 'product_certificate', '2024-01-01', '2029-01-01');
const certMid = q('cert-mid', 'product_certificate', '2024-01-01', '2028-01-01');
const certFuture = q('cert-future', 'product_certificate', '2026-09-01', '2030-01-01'); // not yet valid on the deadline
const credit = q('aaa', 'credit_rating', '2025-01-01', '2027-01-01');
const other = q('hitech', 'other', '2025-01-01', '2027-01-01');
const all = [licence, iso9001, iso14001, iso45001, certOld, certNew, certMid, certFuture, credit, other];

describe('tender dates', () => {
  it('takes the deadline day in the server time zone and adds the bid validity', () => {
    const deadline = new Date(2026, 5, 21, 23, 30); // 23:30 local: still the 21st here, whatever UTC says
    expect(tenderDates(deadline, 30)).toEqual({ deadlineDate: '2026-06-21', validityEndDate: '2026-07-21' });
    expect(tenderDates(new Date(2026, 11, 20, 9, 30), 90).validityEndDate).toBe('2027-03-20');
  });
});

describe('qualification flags', () => {
  it('blocks a qualification expired on the deadline, from the day after its last valid day', () => {
    expect(flagsOf(iso45001, dates)).toEqual({ blocking: true, warning: false });
    const lastDay = q('x', 'iso9001', '2020-01-01', '2026-06-21');
    const dayBefore = q('y', 'iso9001', '2020-01-01', '2026-06-20');
    expect(flagsOf(lastDay, dates).blocking).toBe(false);
    expect(flagsOf(dayBefore, dates).blocking).toBe(true);
  });

  it('warns when in force on the deadline but ending before deadline + validity, not when it ends that day', () => {
    expect(flagsOf(iso14001, dates)).toEqual({ blocking: false, warning: true });
    expect(flagsOf(q('z', 'iso9001', '2020-01-01', '2026-07-20'), dates).warning).toBe(true);
    expect(flagsOf(q('z', 'iso9001', '2020-01-01', '2026-07-21'), dates).warning).toBe(false);
    expect(flagsOf(licence, dates)).toEqual({ blocking: false, warning: false });
  });

  it('never counts a not-yet-valid qualification as valid', () => {
    expect(flagsOf(certFuture, dates)).toEqual({ blocking: true, warning: false });
  });

  it('orders permanent ones first, then by the latest validTo', () => {
    expect([certOld, certMid, licence, certNew].sort(byLatestValidTo).map((x) => x.id)).toEqual([
      'lic',
      'cert-new',
      'cert-mid',
      'cert-old',
    ]);
  });

  it('words the warning in the tender language', () => {
    expect(warningMessage(iso14001, dates, 'zh-CN')).toContain('早于投标有效期截止日 2026-07-21');
    expect(warningMessage(iso14001, dates, 'en')).toBe(
      'iso14001 14001 expires on 2026-07-10, before the bid validity ends on 2026-07-21',
    );
  });
});

describe('matching qualifications', () => {
  const types: QualificationType[] = [
    'business_licence',
    'iso14001',
    'iso45001',
    'product_certificate',
    'credit_rating',
  ];

  it('lists per required type the valid (best first), expired and expiring ones, and which types are missing', () => {
    const m = matchQualifications(types, all, dates, null);
    const cert = m.perType.find((t) => t.type === 'product_certificate')!;
    expect(cert.valid.map((x) => x.id)).toEqual(['cert-new', 'cert-mid']);
    expect(cert.expired.map((x) => x.id)).toEqual(['cert-old']);
    expect(cert.missing).toBe(false);
    const iso45 = m.perType.find((t) => t.type === 'iso45001')!;
    expect(iso45).toMatchObject({ valid: [], expired: [iso45001], missing: true });
    expect(m.perType.find((t) => t.type === 'iso14001')!.expiringBeforeValidityEnd).toEqual([iso14001]);
  });

  it('proposes every qualification of every required type, expired ones included, never a not-yet-valid one', () => {
    const m = matchQualifications(types, all, dates, null);
    expect(m.proposedIds).toEqual(['lic', '14001', '45001', 'cert-new', 'cert-mid', 'cert-old', 'aaa']);
    expect(m.selected.map((x) => x.id)).toEqual(m.proposedIds);
    expect(m.blocking.map((x) => x.id)).toEqual(['45001', 'cert-old']);
    expect(m.warnings.map((x) => x.id)).toEqual(['14001']);
    expect(m.missingTypes).toEqual(['iso45001']);
  });

  it('takes a hand-picked selection in its own order, any type, and ignores ids that no longer exist', () => {
    const m = matchQualifications(types, all, dates, ['cert-mid', 'hitech', 'lic', 'gone', '14001', 'aaa']);
    expect(m.selected.map((x) => x.id)).toEqual(['cert-mid', 'hitech', 'lic', '14001', 'aaa']);
    expect(m.blocking).toEqual([]);
    expect(m.missingTypes).toEqual(['iso45001']);
  });

  it('reports a required type the hand-picked selection leaves out as missing, and a picked not-yet-valid one as blocking', () => {
    const m = matchQualifications(types, all, dates, ['lic', '14001', 'cert-future', 'aaa']);
    expect(m.missingTypes).toEqual(['iso45001', 'product_certificate']);
    expect(m.blocking.map((x) => x.id)).toEqual(['cert-future']);
  });

  it('treats duplicate required types once', () => {
    const m = matchQualifications(['iso9001', 'iso9001'], all, dates, null);
    expect(m.perType).toHaveLength(1);
    expect(m.proposedIds).toEqual(['9001']);
  });

  it('puts credit ratings in their own section, keeping the order', () => {
    const m = matchQualifications(['credit_rating', 'business_licence', 'iso9001'], all, dates, null);
    expect(splitCredit(m.selected)).toEqual({ qualifications: [licence, iso9001], credit: [credit] });
  });
});

describe('matching performance records', () => {
  const rec = (id: string) => ({ id });
  const matches = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(rec);

  it('proposes the best five, or minCount when larger, or all when fewer', () => {
    expect(matchPerformance(matches, [], 3, null).proposedIds).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(matchPerformance(matches, [], 6, null).proposedIds).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(matchPerformance(matches.slice(0, 2), [], 1, null).proposedIds).toEqual(['a', 'b']);
  });

  it('says whether the proposal meets minCount', () => {
    expect(matchPerformance(matches.slice(0, 3), [], 3, null).minCountMet).toBe(true);
    expect(matchPerformance(matches.slice(0, 3), [], 4, null).minCountMet).toBe(false);
    expect(matchPerformance([], [], 0, null).minCountMet).toBe(true);
  });

  it('counts only hand-picked records that meet the criteria toward minCount', () => {
    const picked = matchPerformance(matches, [rec('x'), rec('y')], 3, ['x', 'a', 'y', 'b']);
    expect(picked.selected.map((r) => r.id)).toEqual(['x', 'a', 'y', 'b']);
    expect(picked).toMatchObject({ matchingCount: 2, minCountMet: false });
    expect(matchPerformance(matches, [rec('x')], 3, ['x', 'a', 'b', 'c']).minCountMet).toBe(true);
  });
});

describe('the rest', () => {
  it('finds the unknown ids of a selection', () => {
    expect(unknownIds(['a', 'b', 'c'], ['a', 'c'])).toEqual(['b']);
    expect(unknownIds(null, [])).toEqual([]);
  });

  it('moves a tender only along its life', () => {
    expect(canMove('preparing', 'generated')).toBe(true);
    expect(canMove('generated', 'generated')).toBe(true);
    expect(canMove('generated', 'submitted')).toBe(true);
    expect(canMove('submitted', 'won')).toBe(true);
    expect(canMove('preparing', 'won')).toBe(false);
    expect(canMove('won', 'cancelled')).toBe(false);
    expect(canMove('submitted', 'generated')).toBe(false);
    expect(['preparing', 'generated', 'submitted', 'won'].map((s) => isLocked(s as 'won'))).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});
