import { ApiProperty, OmitType } from '@nestjs/swagger';
import { ActorRefDto, IdNameDto } from '../../../common/openapi/ref.dto.js';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import { LinkedFileViewDto } from '../../deliveries/index.js';
import { JobViewDto, JobRefDto } from '../../jobs/index.js';
import {
  DEPARTMENTS,
  SHEET_STAGES,
  SHEET_STATUSES,
  type Department,
  type SheetStage,
  type SheetStatus,
} from '../contact-sheet.entity.js';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../outbox/index.js';
import type {
  ContactSheetView,
  CopyView,
  MailingView,
  SheetVersionView,
  SignoffView,
  SignResult,
} from '../contact-sheets.service.js';

export class SignoffViewDto implements SignoffView {
  @ApiProperty({ enum: DEPARTMENTS })
  department!: Department;

  @ApiProperty()
  signed!: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  userId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  signedAt!: Date | null;

  @ApiProperty({ type: String, nullable: true })
  comment!: string | null;
}

export class MailingViewDto implements MailingView {
  @ApiProperty({ enum: SHEET_STAGES })
  stage!: SheetStage;

  @ApiProperty({ enum: DEPARTMENTS })
  department!: Department;

  @ApiProperty({
    enum: [...OUTBOX_STATUSES, 'no_address'],
    description: "The outbox message's status; no_address: the department has no address, nothing was queued",
  })
  status!: OutboxStatus | 'no_address';

  @ApiProperty({ type: [String] })
  to!: string[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'GET /api/outbox/{id}' })
  outboxMessageId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The Message-ID every attempt sends' })
  messageId!: string | null;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  sentAt!: Date | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  createdAt!: Date | null;
}

export class CopyViewDto implements CopyView {
  @ApiProperty({ enum: DEPARTMENTS })
  department!: Department;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  documentId!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: "The copy's newest document version" })
  latestVersion!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The document version as issued' })
  issuedVersion!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Re-rendered with the sign-offs once complete' })
  completedVersion!: number | null;

  @ApiProperty({ type: [LinkedFileViewDto] })
  files!: LinkedFileViewDto[];
}

export class SheetVersionViewDto implements SheetVersionView {
  @ApiProperty()
  version!: number;

  @ApiProperty()
  contractRevision!: number;

  @ApiProperty()
  projectNumber!: string;

  @ApiProperty({ enum: SHEET_STATUSES })
  status!: SheetStatus;

  @ApiProperty({ description: 'A newer version replaced this one; it can no longer be signed' })
  superseded!: boolean;

  @ApiProperty(TIMESTAMP)
  issuedAt!: Date;

  @ApiProperty({ type: ActorRefDto })
  issuedBy!: ActorRefDto;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  completedAt!: Date | null;

  @ApiProperty({ type: [SignoffViewDto] })
  signoffs!: SignoffViewDto[];

  @ApiProperty({ type: [MailingViewDto] })
  mailings!: MailingViewDto[];

  @ApiProperty({ type: [CopyViewDto] })
  copies!: CopyViewDto[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The last render-and-mail job' })
  renderJobId!: string | null;
}

/** A version of the sheet without its copies (the version list). */
export class SheetVersionSummaryDto extends OmitType(SheetVersionViewDto, ['copies'] as const) {}

export class ContactSheetViewDto extends SheetVersionViewDto implements ContactSheetView {
  @ApiProperty({ format: 'uuid' })
  contractId!: string;

  @ApiProperty()
  contractNumber!: string;

  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty({ type: [SheetVersionSummaryDto] })
  versions!: SheetVersionSummaryDto[];
}

export class SignResultDto implements SignResult {
  @ApiProperty({ type: ContactSheetViewDto })
  contactSheet!: ContactSheetViewDto;

  @ApiProperty({ enum: DEPARTMENTS })
  department!: Department;

  @ApiProperty()
  complete!: boolean;

  @ApiProperty({
    type: JobRefDto,
    nullable: true,
    description: 'The job re-rendering and mailing the completed copies (when this sign-off completed the sheet)',
  })
  job!: JobRefDto | null;
}

export class SheetJobDto {
  @ApiProperty({ type: JobViewDto })
  job!: JobViewDto;
}
