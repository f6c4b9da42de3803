import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto, IdNameDto } from '../../../common/openapi/ref.dto.js';
import { AMOUNT, DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import type { DunningLetterItem } from '../dunning-letter.entity.js';
import { DUNNING_LEVELS, type DunningLevel } from '../dunning-level.js';
import type { DunningLetterView, DunningList, DunningListEntry, IssuedLetter } from '../dunning.service.js';

export class DunningLetterItemDto implements DunningLetterItem {
  @ApiProperty({ format: 'uuid' })
  contractId!: string;

  @ApiProperty()
  contractNumber!: string;

  @ApiProperty({ type: Number, nullable: true, description: "The share's place in the schedule" })
  share!: number | null;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: [String], description: "Invoice numbers the ledger holds for the item's contract" })
  invoices!: string[];

  @ApiProperty(DATE_ONLY)
  dueDate!: string;

  @ApiProperty()
  daysOverdue!: number;

  @ApiProperty(AMOUNT)
  amount!: string;

  @ApiProperty(AMOUNT)
  outstanding!: string;
}

export class DocumentRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  version!: number;
}

export class DunningMailDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: [String] })
  to!: string[];

  @ApiProperty({ type: [String] })
  cc!: string[];

  @ApiProperty()
  status!: string;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  sentAt!: Date | null;
}

export class DunningLetterViewDto implements DunningLetterView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'CS2026-00001' })
  number!: string;

  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty({ enum: DUNNING_LEVELS })
  level!: DunningLevel;

  @ApiProperty(DATE_ONLY)
  issuedOn!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ enum: LOCALES })
  locale!: Locale;

  @ApiProperty(AMOUNT)
  total!: string;

  @ApiProperty({ description: "The oldest item's age in days on the day of issue" })
  maxDaysOverdue!: number;

  @ApiProperty({ type: [DunningLetterItemDto] })
  items!: DunningLetterItemDto[];

  @ApiProperty({ type: DocumentRefDto })
  document!: DocumentRefDto;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The statement the mail attached' })
  statementId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'NO_BILLING_EMAIL', description: 'Why it was not mailed' })
  mailSkipReason!: string | null;

  @ApiProperty({ type: [DunningMailDto] })
  mail!: DunningMailDto[];

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;
}

export class IssuedLetterDto implements IssuedLetter {
  @ApiProperty({ type: DunningLetterViewDto })
  letter!: DunningLetterViewDto;

  @ApiProperty({ description: "False: today's letter at this level existed already (nothing issued or mailed again)" })
  created!: boolean;
}

export class LastLetterDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ enum: DUNNING_LEVELS })
  level!: DunningLevel;

  @ApiProperty(DATE_ONLY)
  issuedOn!: string;

  @ApiProperty({ format: 'uuid' })
  documentId!: string;
}

export class SalesOwnerRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;
}

export class DunningListEntryDto implements DunningListEntry {
  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty({ type: SalesOwnerRefDto, nullable: true })
  salesOwner!: SalesOwnerRefDto | null;

  @ApiProperty(AMOUNT)
  total!: string;

  @ApiProperty()
  maxDaysOverdue!: number;

  @ApiProperty()
  itemCount!: number;

  @ApiProperty({ enum: DUNNING_LEVELS, nullable: true, description: 'null: younger than the first threshold' })
  levelDue!: DunningLevel | null;

  @ApiProperty({ description: "Today's letter at the level due was issued already" })
  issuedToday!: boolean;

  @ApiProperty({ type: LastLetterDto, nullable: true })
  lastLetter!: LastLetterDto | null;

  @ApiProperty({ type: String, nullable: true })
  billingEmail!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'NO_BILLING_EMAIL',
    description: 'Why a letter would not be mailed',
  })
  mailSkipReason!: string | null;
}

export class DunningThresholdsDto {
  @ApiProperty()
  friendly!: number;

  @ApiProperty()
  firm!: number;

  @ApiProperty()
  final!: number;
}

export class DunningListDto implements DunningList {
  @ApiProperty(DATE_ONLY)
  asOf!: string;

  @ApiProperty({
    type: DunningThresholdsDto,
    description: 'DUNNING_LEVEL_DAYS: the age (days) from which each level is due',
  })
  thresholds!: DunningThresholdsDto;

  @ApiProperty({ type: [DunningListEntryDto] })
  customers!: DunningListEntryDto[];
}
