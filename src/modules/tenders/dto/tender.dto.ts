import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayContains,
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsAmount } from '../../../common/validation.js';
import { LOCALES } from '../../../rendering/rendering.types.js';
import type { TenderLanguage } from '../tender-matching.js';
import { QUALIFICATION_TYPES, type QualificationType } from '../../qualifications/index.js';
import {
  BID_BOND_FORMS,
  BID_BOND_STATUSES,
  DEVIATION_KINDS,
  TENDER_SECTIONS,
  type BidBondForm,
  type BidBondStatus,
  type DeviationKind,
  type TenderSection,
} from '../tender.entity.js';

// No property initialisers anywhere here: PartialType copies them, and a PATCH would then reset the field.

export const TENDER_LANGUAGES = LOCALES;
/** A date and time, with or without an offset (without: the server's time zone): 2026-12-15T09:30:00+08:00. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

export class BidBondDto {
  @ApiPropertyOptional({ example: '20000.00', nullable: true, description: 'Decimal string, not negative' })
  @IsOptional()
  @IsAmount({ min: '0' })
  amount?: string | null;

  @ApiPropertyOptional({ enum: BID_BOND_FORMS, nullable: true })
  @IsOptional()
  @IsIn(BID_BOND_FORMS)
  form?: BidBondForm | null;

  @ApiPropertyOptional({ example: '中国银行苏州工业园区支行', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  bank?: string | null;

  @ApiPropertyOptional({ enum: BID_BOND_STATUSES, description: 'Default not_required' })
  @IsOptional()
  @IsIn(BID_BOND_STATUSES)
  status?: BidBondStatus;
}

export class PerformanceRequirementDto {
  @ApiPropertyOptional({ example: 'steel', nullable: true, description: "A performance record's industry" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  industry?: string | null;

  @ApiPropertyOptional({ example: '压力变送器', nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  productLine?: string | null;

  @ApiPropertyOptional({ example: '1000000.00', nullable: true, description: 'Contract amount at least' })
  @IsOptional()
  @IsAmount({ min: '0' })
  minAmount?: string | null;

  @ApiPropertyOptional({ example: 3, nullable: true, description: 'Completed within N years before the deadline' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  completedWithinYears?: number | null;

  @ApiPropertyOptional({ example: 3, description: 'How many matching records the buyer wants; default 1' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  minCount?: number;
}

export class DeviationRowDto {
  @ApiProperty({ example: '第五章 技术要求 3.2' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  clause!: string;

  @ApiProperty({ example: '测量精度优于 ±1%' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  requirement!: string;

  @ApiProperty({ example: '±0.5%' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  response!: string;

  @ApiProperty({ enum: DEVIATION_KINDS, description: 'none 无偏离, positive 正偏离, negative 负偏离' })
  @IsIn(DEVIATION_KINDS)
  deviation!: DeviationKind;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string | null;
}

/** Requirements on create (every field optional, with defaults) and on PATCH (each given field replaces its own). */
export class RequirementsDto {
  @ApiPropertyOptional({ enum: QUALIFICATION_TYPES, isArray: true, description: 'Unique; default []' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(QUALIFICATION_TYPES.length)
  @ArrayUnique()
  @IsIn(QUALIFICATION_TYPES, { each: true })
  qualificationTypes?: QualificationType[];

  @ApiPropertyOptional({ type: PerformanceRequirementDto, nullable: true, description: 'null: no performance asked' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PerformanceRequirementDto)
  performance?: PerformanceRequirementDto | null;

  @ApiPropertyOptional({
    enum: TENDER_SECTIONS,
    isArray: true,
    description: 'The sections in the order wanted: unique, must contain bid_letter; default all, in the usual order',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayContains(['bid_letter'], { message: 'sections must contain bid_letter (投标函)' })
  @IsIn(TENDER_SECTIONS, { each: true })
  sections?: TenderSection[];

  @ApiPropertyOptional({ type: [DeviationRowDto], description: 'Default []' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => DeviationRowDto)
  deviations?: DeviationRowDto[];
}

export class RepresentativeDto {
  @ApiProperty({ example: '陈晓东' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: '销售经理', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  title?: string | null;

  @ApiPropertyOptional({ nullable: true, description: '身份证号' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  idNumber?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string | null;
}

export class CreateTenderDto {
  @ApiProperty({ example: 'QLGT-2026-ZB-0153', description: '招标编号' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  tenderNo!: string;

  @ApiProperty({ example: '炼铁厂烧结矿浆浓度及料位测量改造' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  projectName!: string;

  @ApiPropertyOptional({ example: '第二标段', nullable: true, description: '标段; none when the tender has one lot' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lot?: string | null;

  @ApiProperty({ example: '青澜钢铁集团有限公司' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  buyer!: string;

  @ApiPropertyOptional({ example: '江苏中诚招标代理有限公司', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  agency?: string | null;

  @ApiProperty({
    example: '2026-12-15T09:30:00+08:00',
    description: 'Submission deadline: date and time; without an offset, in the server time zone',
  })
  @Matches(DATE_TIME, { message: 'deadline must be a date and time such as 2026-12-15T09:30:00+08:00' })
  @IsISO8601({ strict: true }, { message: 'deadline must be a real date and time' })
  deadline!: string;

  @ApiPropertyOptional({ example: 90, minimum: 1, maximum: 365, description: '投标有效期 in days; default 90' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  bidValidityDays?: number;

  @ApiPropertyOptional({ type: BidBondDto, nullable: true, description: 'null or absent: no bid bond' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BidBondDto)
  bidBond?: BidBondDto | null;

  @ApiPropertyOptional({ example: 'CNY', description: "ISO 4217; default the quotation's currency, else CNY" })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency?: string;

  @ApiPropertyOptional({ nullable: true, description: 'The quotation bid with (any status but rejected)' })
  @IsOptional()
  @IsUUID()
  quotationId?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'A user: the salesman who owns the bid' })
  @IsOptional()
  @IsUUID()
  salesOwnerId?: string | null;

  @ApiPropertyOptional({ enum: TENDER_LANGUAGES, description: "The package's language; default zh-CN" })
  @IsOptional()
  @IsIn(TENDER_LANGUAGES)
  language?: TenderLanguage;

  @ApiPropertyOptional({ type: RequirementsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RequirementsDto)
  requirements?: RequirementsDto;

  @ApiPropertyOptional({ type: RepresentativeDto, nullable: true, description: '授权委托人' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RepresentativeDto)
  representative?: RepresentativeDto | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string | null;
}

/**
 * Any subset of the fields. null clears an optional field (lot, agency, quotation, owner, bid bond, representative,
 * notes, requirements.performance); `bidBond` and `requirements` merge field by field into what is stored.
 */
export class UpdateTenderDto extends PartialType(OmitType(CreateTenderDto, ['requirements'] as const), {
  skipNullProperties: false,
}) {
  @ApiPropertyOptional({ type: RequirementsDto, description: 'Each given field replaces its own' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RequirementsDto)
  requirements?: RequirementsDto;
}

export class SelectionDto {
  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Qualification ids in package order (any type); null: accept the proposal; absent: unchanged',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  qualificationIds?: string[] | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Performance record ids in package order; null: accept the proposal; absent: unchanged',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  performanceIds?: string[] | null;
}

/** What a user may set by hand; `generated` is set by the package builder. */
export const MANUAL_TENDER_STATUSES = ['submitted', 'won', 'lost', 'cancelled'] as const;

export class TenderStatusDto {
  @ApiProperty({ enum: MANUAL_TENDER_STATUSES })
  @IsIn(MANUAL_TENDER_STATUSES)
  status!: (typeof MANUAL_TENDER_STATUSES)[number];

  @ApiPropertyOptional({ example: '价格分第二，未中标', description: 'Kept in the audit log' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
