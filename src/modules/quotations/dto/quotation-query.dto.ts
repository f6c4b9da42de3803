import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { QUOTATION_STATUSES, type QuotationStatus } from '../quotation-status.js';

// No sorting by amount: the order alone would tell production users (who see no prices) what they are.
export const QUOTATION_SORTS = ['createdAt', 'updatedAt', 'number', 'validUntil'] as const;
export type QuotationSort = (typeof QUOTATION_SORTS)[number];

export class QuotationQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Part of the number, project name or customer name (Chinese or English), any case',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({
    enum: QUOTATION_STATUSES,
    description: 'expired: past the validity date, not accepted or rejected',
  })
  @IsOptional()
  @IsIn(QUOTATION_STATUSES)
  status?: QuotationStatus;

  @ApiPropertyOptional({ enum: QUOTATION_SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(QUOTATION_SORTS)
  sort: QuotationSort = 'createdAt';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';
}

export const RENDER_FORMATS = ['pdf', 'docx', 'bundle'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

export class RenderQuery {
  @ApiPropertyOptional({ description: 'Comma-separated: pdf, docx, bundle', example: 'pdf,docx', default: 'pdf' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((f) => f.trim()) : value,
  )
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(RENDER_FORMATS, { each: true })
  formats: RenderFormat[] = ['pdf'];

  @ApiPropertyOptional({
    enum: LOCALES,
    description: "Default: the customer's language, else the company's documentLocale",
  })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}
