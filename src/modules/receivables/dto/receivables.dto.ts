import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsDateOnly } from '../../../common/tabular/date-only.js';

export class AsOfQuery {
  @ApiPropertyOptional({ example: '2026-06-30', description: 'The day the figures are taken on (default: today)' })
  @IsOptional()
  @IsDateOnly()
  asOf?: string;
}

export class MilestoneDto {
  @ApiProperty({ example: '2026-07-15', description: 'The day the contract reached the event (YYYY-MM-DD)' })
  @IsDateOnly()
  date!: string;

  @ApiPropertyOptional({ description: 'Why (kept in the audit log), e.g. the acceptance certificate number' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export const OVERDUE_FORMATS = ['json', 'xlsx'] as const;
export type OverdueFormat = (typeof OVERDUE_FORMATS)[number];

export class OverdueQuery extends AsOfQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Customers of this sales owner; a sales user only ever sees their own',
  })
  @IsOptional()
  @IsUUID()
  salesOwnerId?: string;

  @ApiPropertyOptional({ minimum: 1, default: 1, description: 'Shares at least this many days overdue' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(36500)
  minDays?: number;

  @ApiPropertyOptional({ enum: OVERDUE_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(OVERDUE_FORMATS)
  format?: OverdueFormat;
}
