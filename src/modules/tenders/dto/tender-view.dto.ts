import { ApiProperty } from '@nestjs/swagger';
import { IdNameDto } from '../../../common/openapi/ref.dto.js';
import { AMOUNT, DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { PerformanceViewDto } from '../../performance/index.js';
import { QualificationViewDto, QUALIFICATION_TYPES, type QualificationType } from '../../qualifications/index.js';
import {
  BID_BOND_FORMS,
  BID_BOND_STATUSES,
  DEVIATION_KINDS,
  TENDER_SECTIONS,
  TENDER_STATUSES,
  type AuthorisedRepresentative,
  type BidBondForm,
  type BidBondStatus,
  type DeviationKind,
  type DeviationRow,
  type PerformanceRequirement,
  type TenderRequirements,
  type TenderSection,
  type TenderSelection,
  type TenderStatus,
} from '../tender.entity.js';
import type { QualificationCandidate, TenderCandidates, TenderView } from '../tender.view.js';

export class BidBondViewDto {
  @ApiProperty({ ...AMOUNT, nullable: true })
  amount!: string | null;

  @ApiProperty({ enum: BID_BOND_FORMS, nullable: true })
  form!: BidBondForm | null;

  @ApiProperty({ type: String, nullable: true })
  bank!: string | null;

  @ApiProperty({ enum: BID_BOND_STATUSES })
  status!: BidBondStatus;
}

export class TenderQuotationRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;
}

export class SalesOwnerRefDto extends IdNameDto {
  @ApiProperty({ type: String, nullable: true })
  email!: string | null;
}

export class PerformanceRequirementDto implements PerformanceRequirement {
  @ApiProperty({ type: String, nullable: true })
  industry!: string | null;

  @ApiProperty({ type: String, nullable: true })
  productLine!: string | null;

  @ApiProperty({ ...AMOUNT, nullable: true })
  minAmount!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  completedWithinYears!: number | null;

  @ApiProperty()
  minCount!: number;
}

export class DeviationRowViewDto implements DeviationRow {
  @ApiProperty()
  clause!: string;

  @ApiProperty()
  requirement!: string;

  @ApiProperty()
  response!: string;

  @ApiProperty({ enum: DEVIATION_KINDS, description: 'none 无偏离, positive 正偏离, negative 负偏离' })
  deviation!: DeviationKind;

  @ApiProperty({ type: String, nullable: true })
  note!: string | null;
}

export class TenderRequirementsViewDto implements TenderRequirements {
  @ApiProperty({ enum: QUALIFICATION_TYPES, isArray: true })
  qualificationTypes!: QualificationType[];

  @ApiProperty({ type: PerformanceRequirementDto, nullable: true })
  performance!: PerformanceRequirementDto | null;

  @ApiProperty({ enum: TENDER_SECTIONS, isArray: true, description: 'The sections wanted, in order' })
  sections!: TenderSection[];

  @ApiProperty({ type: [DeviationRowViewDto] })
  deviations!: DeviationRowViewDto[];
}

export class TenderSelectionViewDto implements TenderSelection {
  @ApiProperty({ type: [String], nullable: true, description: 'null: the proposal of GET /candidates' })
  qualificationIds!: string[] | null;

  @ApiProperty({ type: [String], nullable: true, description: 'null: the proposal of GET /candidates' })
  performanceIds!: string[] | null;
}

export class AuthorisedRepresentativeViewDto implements AuthorisedRepresentative {
  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  title!: string | null;

  @ApiProperty({ type: String, nullable: true })
  idNumber!: string | null;

  @ApiProperty({ type: String, nullable: true })
  phone!: string | null;
}

export class TenderViewDto implements TenderView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  tenderNo!: string;

  @ApiProperty()
  projectName!: string;

  @ApiProperty({ type: String, nullable: true })
  lot!: string | null;

  @ApiProperty()
  buyer!: string;

  @ApiProperty({ type: String, nullable: true })
  agency!: string | null;

  @ApiProperty(TIMESTAMP)
  deadline!: Date;

  @ApiProperty({ ...DATE_ONLY, description: "The deadline's calendar day: qualifications must be in force on it" })
  deadlineDate!: string;

  @ApiProperty()
  bidValidityDays!: number;

  @ApiProperty({ ...DATE_ONLY, description: 'deadlineDate + bidValidityDays' })
  validityEndDate!: string;

  @ApiProperty({ type: BidBondViewDto })
  bidBond!: BidBondViewDto;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ type: TenderQuotationRefDto, nullable: true })
  quotation!: TenderQuotationRefDto | null;

  @ApiProperty({ type: SalesOwnerRefDto, nullable: true })
  salesOwner!: SalesOwnerRefDto | null;

  @ApiProperty({ enum: LOCALES })
  language!: Locale;

  @ApiProperty({ type: TenderRequirementsViewDto })
  requirements!: TenderRequirementsViewDto;

  @ApiProperty({ type: TenderSelectionViewDto })
  selection!: TenderSelectionViewDto;

  @ApiProperty({ type: AuthorisedRepresentativeViewDto, nullable: true })
  representative!: AuthorisedRepresentativeViewDto | null;

  @ApiProperty({ enum: TENDER_STATUSES })
  status!: TenderStatus;

  @ApiProperty({ type: String, nullable: true })
  notes!: string | null;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;

  @ApiProperty({ description: 'Goes up with every change; GET gives it as the ETag, writes take it as If-Match' })
  version!: number;
}

export class QualificationCandidateDto extends QualificationViewDto implements QualificationCandidate {
  @ApiProperty({ description: 'Expired on the deadline' })
  blocking!: boolean;

  @ApiProperty({ description: 'Expires before the bid validity ends' })
  warning!: boolean;

  @ApiProperty({ description: 'In the current selection (or in the proposal when the selection is null)' })
  selected!: boolean;
}

export class QualificationTypeCandidatesDto {
  @ApiProperty({ enum: QUALIFICATION_TYPES })
  type!: QualificationType;

  @ApiProperty({ type: [QualificationCandidateDto], description: 'In force on the deadline, best first' })
  valid!: QualificationCandidateDto[];

  @ApiProperty({ type: [QualificationCandidateDto], description: 'Expired on the deadline: blocking' })
  expired!: QualificationCandidateDto[];

  @ApiProperty({ type: [QualificationCandidateDto], description: 'Expiring before deadline + bid validity' })
  expiringBeforeValidityEnd!: QualificationCandidateDto[];

  @ApiProperty({ description: 'No qualification of this type is in force on the deadline' })
  missing!: boolean;
}

export class PerformanceCandidateDto extends PerformanceViewDto {
  @ApiProperty()
  selected!: boolean;
}

export class PerformanceCandidatesDto {
  @ApiProperty({ type: PerformanceRequirementDto, nullable: true })
  criteria!: PerformanceRequirementDto | null;

  @ApiProperty({ type: [PerformanceCandidateDto], description: 'Matching records, best first' })
  matches!: PerformanceCandidateDto[];

  @ApiProperty({ type: [String] })
  proposedIds!: string[];

  @ApiProperty()
  minCount!: number;

  @ApiProperty({ description: 'The selection (or proposal) holds at least minCount matching records' })
  minCountMet!: boolean;
}

export class BlockingQualificationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: QUALIFICATION_TYPES })
  type!: QualificationType;

  @ApiProperty()
  name!: string;

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  validTo!: string | null;
}

export class QualificationWarningDto extends BlockingQualificationDto {
  @ApiProperty()
  message!: string;
}

/** GET /api/tenders/{id}/candidates, and the answer of PUT /api/tenders/{id}/selection. */
export class TenderCandidatesDto implements TenderCandidates {
  @ApiProperty({ format: 'uuid' })
  tenderId!: string;

  @ApiProperty(DATE_ONLY)
  deadlineDate!: string;

  @ApiProperty(DATE_ONLY)
  validityEndDate!: string;

  @ApiProperty({ type: [QualificationTypeCandidatesDto] })
  qualifications!: QualificationTypeCandidatesDto[];

  @ApiProperty({ type: [String], description: 'Every qualification of a required type, expired ones included' })
  proposedQualificationIds!: string[];

  @ApiProperty({ type: PerformanceCandidatesDto })
  performance!: TenderCandidates['performance'];

  @ApiProperty({
    type: [BlockingQualificationDto],
    description: 'Expired qualifications in the selection: generation is refused with QUALIFICATION_EXPIRED',
  })
  blocking!: BlockingQualificationDto[];

  @ApiProperty({ enum: QUALIFICATION_TYPES, isArray: true })
  missingTypes!: QualificationType[];

  @ApiProperty({ type: [QualificationWarningDto] })
  warnings!: QualificationWarningDto[];
}
