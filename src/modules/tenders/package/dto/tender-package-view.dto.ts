import { OutboxMessageViewDto } from '../../../outbox/index.js';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ActorRefDto } from '../../../../common/openapi/ref.dto.js';
import { TIMESTAMP } from '../../../../common/openapi/responses.js';
import { DocumentVersionViewDto, DocumentViewDto } from '../../../documents/index.js';
import { DOCUMENT_FORMATS, type DocumentFormat } from '../../../../rendering/rendering.types.js';
import { TENDER_SECTIONS, type TenderSection } from '../../tender.entity.js';
import type { PackageSectionRange, PackageWarning } from '../tender-package-version.entity.js';
import type { SectionFormatKey, UsedFormat } from '../../formats/section-formats.js';
import type { PackageVersionView, SendResult, TenderPackageView } from '../tender-package.service.js';
import { SEND_PARTS, type SendPart } from './send-package.dto.js';

export class PackageSectionRangeDto implements PackageSectionRange {
  @ApiProperty({
    description: `One of ${TENDER_SECTIONS.join(', ')}, or custom:<slug> (a free section of the tender's own formats)`,
    example: 'bid_letter',
  })
  key!: TenderSection | SectionFormatKey;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  firstPage!: number;

  @ApiProperty()
  lastPage!: number;
}

export class UsedFormatDto implements UsedFormat {
  @ApiProperty({ description: 'A package section (bid_letter…) or custom:<slug>', example: 'bid_letter' })
  key!: SectionFormatKey;

  @ApiProperty({ type: String, nullable: true, description: 'A free section: its title' })
  title!: string | null;

  @ApiProperty({ description: "The format's version when the package was made" })
  version!: number;

  @ApiProperty({ description: 'SHA-256 of key, title and body' })
  hash!: string;

  @ApiProperty({ description: 'The wording the package had' })
  body!: string;
}

export class PackageWarningDto implements PackageWarning {
  @ApiProperty({ example: 'NO_COMPANY_SEAL' })
  code!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, unknown>;
}

export class PackageOverrideViewDto {
  @ApiProperty({ type: ActorRefDto })
  by!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  at!: Date;
}

export class PackageVersionViewDto extends DocumentVersionViewDto implements PackageVersionView {
  @ApiProperty({ type: Number, nullable: true })
  pages!: number | null;

  @ApiProperty({ type: [PackageSectionRangeDto] })
  sections!: PackageSectionRangeDto[];

  @ApiProperty({
    type: PackageOverrideViewDto,
    nullable: true,
    description: 'Set when a manager let the package out although a qualification was expired or missing',
  })
  override!: PackageOverrideViewDto | null;

  @ApiProperty({ type: [PackageWarningDto] })
  warnings!: PackageWarningDto[];

  @ApiProperty({
    type: [UsedFormatDto],
    description: "The tender's own section formats this version was made with; empty: every section the company's",
  })
  formats!: UsedFormatDto[];
}

export class TenderPackageViewDto
  extends OmitType(DocumentViewDto, ['versions'] as const)
  implements TenderPackageView
{
  @ApiProperty({ format: 'uuid' })
  tenderId!: string;

  @ApiProperty({ type: [PackageVersionViewDto] })
  versions!: PackageVersionViewDto[];
}

export class SentFileDto {
  @ApiProperty()
  fileName!: string;

  @ApiProperty({ enum: [...new Set([...SEND_PARTS, ...DOCUMENT_FORMATS])] })
  part!: SendPart | DocumentFormat;

  @ApiProperty({ type: String, nullable: true, example: '3-7', description: 'The pages of a section extract' })
  pages!: string | null;
}

/** 202: the mail queued in the outbox (GET /api/outbox/{id} follows it), with the package version and its parts. */
export class PackageSendResultDto extends OutboxMessageViewDto implements SendResult {
  @ApiProperty()
  version!: number;

  @ApiProperty({ type: [SentFileDto] })
  files!: SentFileDto[];
}
