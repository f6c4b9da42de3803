import type { Amount } from '../../common/money.js';
import type { DateOnly } from '../../common/tabular/date-only.js';
import type { PerformanceView } from '../performance/index.js';
import type { QualificationType, QualificationView } from '../qualifications/index.js';
import type { TenderLanguage } from './tender-matching.js';
import type {
  AuthorisedRepresentative,
  BidBondForm,
  BidBondStatus,
  TenderRequirements,
  TenderSelection,
  TenderStatus,
} from './tender.entity.js';

/** A tender with every field (prices included: production users never reach the tender routes). */
export interface TenderView {
  id: string;
  tenderNo: string;
  projectName: string;
  lot: string | null;
  buyer: string;
  agency: string | null;
  deadline: Date;
  /** The deadline's calendar day (server time zone): qualifications must be in force on it. */
  deadlineDate: DateOnly;
  bidValidityDays: number;
  /** deadlineDate + bidValidityDays: a qualification expiring before it gets a warning. */
  validityEndDate: DateOnly;
  bidBond: { amount: Amount | null; form: BidBondForm | null; bank: string | null; status: BidBondStatus };
  currency: string;
  quotation: { id: string; number: string } | null;
  salesOwner: { id: string; name: string; email: string | null } | null;
  language: TenderLanguage;
  requirements: TenderRequirements;
  selection: TenderSelection;
  representative: AuthorisedRepresentative | null;
  status: TenderStatus;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Goes up with every change; GET gives it as the ETag, writes take it as If-Match. */
  version: number;
}

/** A qualification as a candidate: `blocking` when expired on the deadline, `warning` when it expires before the bid validity ends. */
export interface QualificationCandidate extends QualificationView {
  blocking: boolean;
  warning: boolean;
  /** In the current selection (or in the proposal when the selection is null). */
  selected: boolean;
}

/** GET /api/tenders/{id}/candidates */
export interface TenderCandidates {
  tenderId: string;
  deadlineDate: DateOnly;
  validityEndDate: DateOnly;
  qualifications: {
    type: QualificationType;
    /** In force on the deadline (status valid or expiring), best first (latest validTo). */
    valid: QualificationCandidate[];
    /** Expired on the deadline: blocking. */
    expired: QualificationCandidate[];
    /** In force on the deadline but expiring before deadline + bid validity: warning (also listed in `valid`). */
    expiringBeforeValidityEnd: QualificationCandidate[];
    /** No qualification of this type is in force on the deadline. */
    missing: boolean;
  }[];
  /** The proposal: every qualification of a required type, expired ones included (so that they show as blocking). */
  proposedQualificationIds: string[];
  performance: {
    criteria: TenderRequirements['performance'];
    /** Matching records, best first (most recently completed, then largest). */
    matches: (PerformanceView & { selected: boolean })[];
    proposedIds: string[];
    minCount: number;
    /** The selection (or proposal) holds at least minCount matching records. */
    minCountMet: boolean;
  };
  /** Expired qualifications in the selection (or proposal): generation is refused with QUALIFICATION_EXPIRED. */
  blocking: { id: string; type: QualificationType; name: string; validTo: DateOnly | null }[];
  /** Required types without any qualification in force on the deadline. */
  missingTypes: QualificationType[];
  warnings: { id: string; type: QualificationType; name: string; validTo: DateOnly | null; message: string }[];
}

/** What the package service needs: the tender and the records the package is made of, in package order. */
export interface TenderPackageInput {
  tender: TenderView;
  /** Selected (or proposed) qualifications except credit ratings, in the order of requirements.qualificationTypes, then by hand-picked order. */
  qualifications: QualificationView[];
  /** Selected (or proposed) qualifications of type credit_rating. */
  credit: QualificationView[];
  performance: PerformanceView[];
  blocking: TenderCandidates['blocking'];
  missingTypes: QualificationType[];
}
