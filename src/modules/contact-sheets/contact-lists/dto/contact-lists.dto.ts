import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '../../../../common/pagination.js';
import { IsDateOnly, IsNotBefore } from '../../../../common/tabular/date-only.js';
import { CONTRACT_STATUSES, type ContractStatus } from '../../../contracts/index.js';
import {
  ISSUED_LIST_FORMATS,
  LIST_AUDIENCES,
  type IssuedListFormat,
  type ListAudience,
} from '../issued-contact-list.types.js';

/** At most this many addresses per issued list (one message to all of them). */
export const MAX_MAIL_TO = 20;

export class IssueContactListDto {
  @ApiProperty({
    enum: LIST_AUDIENCES,
    description: 'finance (amounts, received, outstanding) or production (no amount)',
  })
  @IsIn(LIST_AUDIENCES)
  audience!: ListAudience;

  @ApiPropertyOptional({
    description: 'Signing date from (inclusive), YYYY-MM-DD; absent: open',
    example: '2026-11-01',
  })
  @IsOptional()
  @IsDateOnly()
  from?: string;

  @ApiPropertyOptional({ description: 'Signing date to (inclusive), YYYY-MM-DD; absent: open', example: '2026-11-30' })
  @IsOptional()
  @IsDateOnly()
  @IsNotBefore('from')
  to?: string;

  @ApiPropertyOptional({ enum: CONTRACT_STATUSES, isArray: true, description: 'Contract statuses (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(CONTRACT_STATUSES, { each: true })
  statuses?: ContractStatus[];

  @ApiPropertyOptional({ enum: ISSUED_LIST_FORMATS, isArray: true, default: ['pdf', 'docx'] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(ISSUED_LIST_FORMATS, { each: true })
  formats?: IssuedListFormat[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_MAIL_TO,
    example: ['caiwu@example.com'],
    description: 'Mail the signed PDF (or the DOCX, when no PDF is issued) to these addresses, through the outbox',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_MAIL_TO)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(254, { each: true })
  @IsEmail({}, { each: true })
  mailTo?: string[];
}

export class IssuedContactListQuery extends PageQuery {}

export class IssuedListFileQuery {
  @ApiPropertyOptional({ enum: ISSUED_LIST_FORMATS, default: 'pdf' })
  @IsOptional()
  @IsIn(ISSUED_LIST_FORMATS)
  format: IssuedListFormat = 'pdf';
}
