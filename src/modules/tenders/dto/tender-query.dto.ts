import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { IsDateOnly, IsNotBefore } from '../../../common/tabular/date-only.js';
import { TENDER_STATUSES, type TenderStatus } from '../tender.entity.js';

export class TenderQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the tender number, project name or buyer (Chinese too), any case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: TENDER_STATUSES })
  @IsOptional()
  @IsIn(TENDER_STATUSES)
  status?: TenderStatus;

  @ApiPropertyOptional({ description: 'The sales owner (a user id)' })
  @IsOptional()
  @IsUUID()
  salesOwnerId?: string;

  @ApiPropertyOptional({ example: '2026-06-01', description: 'Deadline on or after this day (server time zone)' })
  @IsOptional()
  @IsDateOnly()
  deadlineFrom?: string;

  @ApiPropertyOptional({ example: '2026-06-30', description: 'Deadline on or before this day (server time zone)' })
  @IsOptional()
  @IsDateOnly()
  @IsNotBefore('deadlineFrom')
  deadlineTo?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'By deadline: soonest first by default' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}
