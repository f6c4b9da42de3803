import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { IsDateOnly } from '../../../common/tabular/date-only.js';
import { ExportQuery } from '../../../common/tabular/tabular.dto.js';
import { IsAmount } from '../../../common/validation.js';

export const PERFORMANCE_SORTS = ['completedDate', 'signedDate', 'amount', 'name'] as const;
export type PerformanceSort = (typeof PERFORMANCE_SORTS)[number];

/** Filters shared by the list and the export. */
export class PerformanceFilter {
  @ApiPropertyOptional({ description: 'Text in project name, customer, scope or location (Chinese too)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ example: 'steel' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  industry?: string;

  @ApiPropertyOptional({ example: '压力变送器' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  productLine?: string;

  @ApiPropertyOptional({ example: 'CNY' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency?: string;

  @ApiPropertyOptional({
    description: 'Contract amount at least (decimal string; not for production users)',
    example: '1000000',
  })
  @IsOptional()
  @IsAmount({ min: '0' })
  minAmount?: string;

  @ApiPropertyOptional({ description: 'Contract amount at most (decimal string; not for production users)' })
  @IsOptional()
  @IsAmount({ min: '0' })
  maxAmount?: string;

  @ApiPropertyOptional({
    description: 'Completed on or after asOf minus N years, and not after asOf',
    minimum: 1,
    maximum: 50,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  completedWithinYears?: number;

  @ApiPropertyOptional({ description: 'Reference day for completedWithinYears (default: today on the server)' })
  @IsOptional()
  @IsDateOnly()
  asOf?: string;

  @ApiPropertyOptional({ enum: PERFORMANCE_SORTS, default: 'completedDate' })
  @IsOptional()
  @IsIn(PERFORMANCE_SORTS)
  sort: PerformanceSort = 'completedDate';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default: desc for dates and amount, asc for name' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class PerformanceListQuery extends IntersectionType(PerformanceFilter, PageQuery) {}

export class PerformanceExportQuery extends IntersectionType(PerformanceFilter, ExportQuery) {}
