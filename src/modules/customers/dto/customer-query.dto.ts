import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { ExportQuery } from '../../../common/tabular/tabular.dto.js';

export const CUSTOMER_SORTS = ['name', 'createdAt', 'updatedAt'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

const bool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/** Filters shared by the list and the export. */
export class CustomerFilter {
  @ApiPropertyOptional({ description: 'Part of the name (Chinese or English) or tax id, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: "A sales owner's user id" })
  @IsOptional()
  @IsUUID()
  salesOwnerId?: string;

  @ApiPropertyOptional({ default: false, description: 'true: the archived customers instead' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  archived = false;

  @ApiPropertyOptional({ enum: CUSTOMER_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(CUSTOMER_SORTS)
  sort: CustomerSort = 'name';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'asc';
}

export class CustomerQuery extends IntersectionType(CustomerFilter, PageQuery) {}

export class CustomerExportQuery extends IntersectionType(CustomerFilter, ExportQuery) {}
