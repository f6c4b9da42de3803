import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { IsDateOnly } from '../../../common/tabular/date-only.js';
import { ExportQuery } from '../../../common/tabular/tabular.dto.js';
import { QUALIFICATION_TYPES, type QualificationType } from '../qualification.entity.js';
import { DEFAULT_EXPIRING_DAYS, QUALIFICATION_STATUSES, type QualificationStatus } from '../qualification-status.js';

/** Filters shared by the list and the export. */
export class QualificationFilter {
  @ApiPropertyOptional({
    description:
      'Only those in force (valid or expiring) on this day; statuses are computed for it. Not together with asOf.',
  })
  @IsOptional()
  @IsDateOnly()
  validOn?: string;

  @ApiPropertyOptional({ description: 'The day statuses are computed for (default: today on the server)' })
  @IsOptional()
  @IsDateOnly()
  asOf?: string;

  @ApiPropertyOptional({ enum: QUALIFICATION_TYPES })
  @IsOptional()
  @IsIn(QUALIFICATION_TYPES)
  type?: QualificationType;

  @ApiPropertyOptional({ enum: QUALIFICATION_STATUSES })
  @IsOptional()
  @IsIn(QUALIFICATION_STATUSES)
  status?: QualificationStatus;

  @ApiPropertyOptional({ description: 'Text in name, number, issuer, grade or notes (Chinese too)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({
    default: DEFAULT_EXPIRING_DAYS,
    minimum: 0,
    maximum: 3650,
    description: '"expiring" means validTo within this many days',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  expiringWithinDays: number = DEFAULT_EXPIRING_DAYS;
}

export class QualificationListQuery extends IntersectionType(QualificationFilter, PageQuery) {}

export class QualificationExportQuery extends IntersectionType(QualificationFilter, ExportQuery) {}

export class ExpiringQuery {
  @ApiPropertyOptional({ default: DEFAULT_EXPIRING_DAYS, minimum: 0, maximum: 3650 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  days: number = DEFAULT_EXPIRING_DAYS;

  @ApiPropertyOptional({ description: 'Reference day (default: today on the server)' })
  @IsOptional()
  @IsDateOnly()
  asOf?: string;
}
