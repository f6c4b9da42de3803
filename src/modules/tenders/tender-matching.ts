import { addDays, todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { inForce, type QualificationStatus, type QualificationType } from '../qualifications/index.js';
import type { Locale } from '../../rendering/rendering.types.js';
import type { TenderStatus } from './tender.entity.js';

/**
 * The rules of tender matching, without I/O: which qualifications are in force on the deadline, which block,
 * which warn, what is proposed and what the selection holds. The service feeds them records whose status is
 * computed on the deadline's day (QualificationsService.validOn) and performance matches ranked best first
 * (PerformanceService.match); the unit tests feed them plain objects.
 */

export interface TenderDates {
  /** The deadline's calendar day in the server's time zone. */
  deadlineDate: DateOnly;
  /** deadlineDate + bid validity days: the last day the bid must hold. */
  validityEndDate: DateOnly;
}

export function tenderDates(deadline: Date, bidValidityDays: number): TenderDates {
  const deadlineDate = todayIso(deadline);
  return { deadlineDate, validityEndDate: addDays(deadlineDate, bidValidityDays) };
}

/** What matching needs of a qualification; `status` is its status on the deadline's day. */
export interface QualificationFacts {
  id: string;
  type: QualificationType;
  name: string;
  validTo: DateOnly | null;
  status: QualificationStatus;
}

export interface Flags {
  /** Not in force on the deadline (expired, or a hand-picked one that starts after it). */
  blocking: boolean;
  /** In force on the deadline but ends before the bid validity does. */
  warning: boolean;
}

export function flagsOf(q: QualificationFacts, dates: TenderDates): Flags {
  const valid = inForce(q.status);
  return { blocking: !valid, warning: valid && q.validTo !== null && q.validTo < dates.validityEndDate };
}

/** Best first: permanent ones (no validTo), then the latest validTo; the id keeps ties stable. */
export function byLatestValidTo(a: QualificationFacts, b: QualificationFacts): number {
  if (a.validTo !== b.validTo) {
    if (a.validTo === null) return -1;
    if (b.validTo === null) return 1;
    return a.validTo < b.validTo ? 1 : -1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A tender package is written in one of the documents' languages. */
export type TenderLanguage = Locale;

export function warningMessage(q: QualificationFacts, dates: TenderDates, language: TenderLanguage): string {
  switch (language) {
    case 'en':
      return `${q.name} expires on ${q.validTo}, before the bid validity ends on ${dates.validityEndDate}`;
    case 'es':
      return `${q.name} caduca el ${q.validTo}, antes del fin de la validez de la oferta (${dates.validityEndDate})`;
    case 'zh-CN':
      return `${q.name}有效期至 ${q.validTo}，早于投标有效期截止日 ${dates.validityEndDate}`;
  }
}

export interface QualificationMatch<Q extends QualificationFacts> {
  perType: { type: QualificationType; valid: Q[]; expired: Q[]; expiringBeforeValidityEnd: Q[]; missing: boolean }[];
  /** Every in-force or expired qualification of every required type, type by type, best first within a type. */
  proposedIds: string[];
  /** The hand-picked ids that still exist, in the given order; or the proposal when the selection is null. */
  selected: Q[];
  blocking: Q[];
  warnings: Q[];
  /** Required types the selection holds nothing in force for (with the proposal: types nobody holds in force). */
  missingTypes: QualificationType[];
}

/**
 * Qualifications against the required types. `all` is every qualification the company holds (any type), so a
 * hand-picked selection may name one of a type the tender does not ask for; not-yet-valid ones are never proposed.
 */
export function matchQualifications<Q extends QualificationFacts>(
  requiredTypes: QualificationType[],
  all: Q[],
  dates: TenderDates,
  selection: string[] | null,
): QualificationMatch<Q> {
  const types = [...new Set(requiredTypes)];
  const perType = types.map((type) => {
    const ofType = all.filter((q) => q.type === type).sort(byLatestValidTo);
    const valid = ofType.filter((q) => inForce(q.status));
    return {
      type,
      valid,
      expired: ofType.filter((q) => q.status === 'expired'),
      expiringBeforeValidityEnd: valid.filter((q) => flagsOf(q, dates).warning),
      missing: valid.length === 0,
    };
  });
  // In force ones end after every expired one, so this is still "latest validTo first" within the type.
  const proposed = perType.flatMap((t) => [...t.valid, ...t.expired]);
  const byId = new Map(all.map((q) => [q.id, q]));
  const selected = selection === null ? proposed : selection.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  return {
    perType,
    proposedIds: proposed.map((q) => q.id),
    selected,
    blocking: selected.filter((q) => flagsOf(q, dates).blocking),
    warnings: selected.filter((q) => flagsOf(q, dates).warning),
    missingTypes: types.filter((type) => !selected.some((q) => q.type === type && inForce(q.status))),
  };
}

/** The package's two qualification sections: credit ratings go to `credit`, everything else to `qualifications`. */
export function splitCredit<Q extends { type: QualificationType }>(
  selected: Q[],
): { qualifications: Q[]; credit: Q[] } {
  return {
    qualifications: selected.filter((q) => q.type !== 'credit_rating'),
    credit: selected.filter((q) => q.type === 'credit_rating'),
  };
}

/** At least five references are proposed (a buyer reads more than the minimum), or minCount when it is larger. */
export const PROPOSED_PERFORMANCE_MIN = 5;

export interface PerformanceMatch<P extends { id: string }> {
  proposedIds: string[];
  /** The hand-picked records that still exist (matching or not), in the given order; or the proposal. */
  selected: P[];
  /** Selected records that meet the criteria: only these count toward minCount. */
  matchingCount: number;
  minCountMet: boolean;
}

/**
 * `matches`: the records meeting the criteria, best first. `others`: records that do not match but were picked
 * by hand (allowed; they do not count toward minCount).
 */
export function matchPerformance<P extends { id: string }>(
  matches: P[],
  others: P[],
  minCount: number,
  selection: string[] | null,
): PerformanceMatch<P> {
  const proposed = matches.slice(0, Math.max(minCount, PROPOSED_PERFORMANCE_MIN));
  const matching = new Set(matches.map((m) => m.id));
  const byId = new Map([...others, ...matches].map((r) => [r.id, r]));
  const selected = selection === null ? proposed : selection.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  const matchingCount = selected.filter((r) => matching.has(r.id)).length;
  return { proposedIds: proposed.map((r) => r.id), selected, matchingCount, minCountMet: matchingCount >= minCount };
}

/** The ids in `wanted` that are not among `known` (a hand-picked selection naming records that do not exist). */
export function unknownIds(wanted: string[] | null | undefined, known: Iterable<string>): string[] {
  if (!wanted) return [];
  const set = new Set(known);
  return wanted.filter((id) => !set.has(id));
}

/*
 * The life of a tender:
 *
 *   preparing --generate--> generated --submit--> submitted --> won | lost
 *   preparing --submit--> submitted          (a package made outside the service)
 *   preparing | generated | submitted --> cancelled
 *
 * generated -> generated is a new package (the package service marks it each time).
 */
const NEXT: Record<TenderStatus, readonly TenderStatus[]> = {
  preparing: ['generated', 'submitted', 'cancelled'],
  generated: ['generated', 'submitted', 'cancelled'],
  submitted: ['won', 'lost', 'cancelled'],
  won: [],
  lost: [],
  cancelled: [],
};

export function canMove(from: TenderStatus, to: TenderStatus): boolean {
  return NEXT[from].includes(to);
}

/**
 * Once submitted (or decided, or cancelled) the tender is what was handed in: only the bid bond's status (paid,
 * returned, forfeited after the award) and the notes may change.
 */
export const LOCKED_STATUSES: readonly TenderStatus[] = ['submitted', 'won', 'lost', 'cancelled'];
export const isLocked = (status: TenderStatus) => LOCKED_STATUSES.includes(status);
