import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto, IdNameDto } from '../../../common/openapi/ref.dto.js';
import { AMOUNT, DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { AgingDto } from '../../receivables/index.js';
import {
  STATEMENT_RESPONSES,
  type StatementFigures,
  type StatementResponse,
  type StatementResponseStatus,
} from '../statement.entity.js';
import type { AnswerRecorded, StatementView } from '../statements.service.js';

export class StatementPeriodDto {
  @ApiProperty({ ...DATE_ONLY, nullable: true, description: 'null: a statement as of `to`' })
  from!: string | null;

  @ApiProperty(DATE_ONLY)
  to!: string;
}

export class StatementTotalsDto {
  @ApiProperty(AMOUNT)
  debit!: string;

  @ApiProperty(AMOUNT)
  credit!: string;

  @ApiProperty(AMOUNT)
  invoiced!: string;
}

export class StatementFiguresDto implements StatementFigures {
  @ApiProperty(AMOUNT)
  openingBalance!: string;

  @ApiProperty(AMOUNT)
  closingBalance!: string;

  @ApiProperty({ type: StatementTotalsDto })
  totals!: StatementTotalsDto;

  @ApiProperty({ type: AgingDto })
  aging!: AgingDto;

  @ApiProperty()
  lineCount!: number;
}

export class StatementDocumentRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  version!: number;
}

export class ConfirmationCodeStateDto {
  @ApiProperty({ description: 'Whether a confirmation code was mailed (the code itself is never shown)' })
  sent!: boolean;

  @ApiProperty()
  attempts!: number;

  @ApiProperty()
  attemptsAllowed!: number;
}

export class StatementResponseDetailDto implements StatementResponse {
  @ApiProperty({ enum: ['confirmed', 'disputed'] })
  status!: 'confirmed' | 'disputed';

  @ApiProperty({ ...AMOUNT, nullable: true, description: 'disputed: the balance the customer says is right' })
  amount!: string | null;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The name the customer typed' })
  name!: string | null;

  @ApiProperty(TIMESTAMP)
  at!: string;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;
}

export class StatementCustomerResponseDto {
  @ApiProperty({ enum: STATEMENT_RESPONSES })
  status!: StatementResponseStatus;

  @ApiProperty({ type: StatementResponseDetailDto, nullable: true })
  detail!: StatementResponseDetailDto | null;
}

export class StatementMailDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: [String] })
  to!: string[];

  @ApiProperty({ example: 'sent', description: 'The outbox status' })
  status!: string;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  sentAt!: Date | null;
}

export class StatementViewDto implements StatementView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'DZ2026-00001' })
  number!: string;

  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty({ type: StatementPeriodDto })
  period!: StatementPeriodDto;

  @ApiProperty(DATE_ONLY)
  issuedOn!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ enum: LOCALES })
  locale!: Locale;

  @ApiProperty({ type: StatementFiguresDto, description: 'As issued (the ledger can change later)' })
  figures!: StatementFiguresDto;

  @ApiProperty(AMOUNT)
  closingBalance!: string;

  @ApiProperty({ type: StatementDocumentRefDto, nullable: true })
  document!: StatementDocumentRefDto | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  runId!: string | null;

  @ApiProperty(DATE_ONLY)
  replyBy!: string;

  @ApiProperty(TIMESTAMP)
  tokenExpiresAt!: Date;

  @ApiProperty({ type: ConfirmationCodeStateDto })
  confirmationCode!: ConfirmationCodeStateDto;

  @ApiProperty({ type: StatementCustomerResponseDto })
  response!: StatementCustomerResponseDto;

  @ApiProperty({ type: [StatementMailDto], description: 'The outbox messages about it' })
  mail!: StatementMailDto[];

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;
}

/** POST /api/customers/{id}/statements. */
export class IssuedStatementDto {
  @ApiProperty({ type: StatementViewDto })
  statement!: StatementViewDto;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The customer's confirmation link: shown this once (only its hash is kept)",
  })
  confirmationUrl!: string | null;
}

/** The JSON answer of POST /statements/confirm/{token} (a program's; the page's form gets HTML). */
export class AnswerRecordedDto implements AnswerRecorded {
  @ApiProperty()
  number!: string;

  @ApiProperty({ enum: ['confirmed', 'disputed'] })
  responseStatus!: 'confirmed' | 'disputed';

  @ApiProperty({ type: StatementResponseDetailDto })
  response!: StatementResponseDetailDto;
}
