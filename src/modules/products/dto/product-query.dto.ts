import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { ExportQuery } from '../../../common/tabular/tabular.dto.js';

// No sorting by price: the order alone would tell production users (who see no prices) what they are.
export const PRODUCT_SORTS = ['code', 'nameZh', 'createdAt', 'updatedAt'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

const bool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/** Filters shared by the list and the export. */
export class ProductFilter {
  @ApiPropertyOptional({ description: 'Part of the code, name (Chinese or English) or specification, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ example: '流量仪表' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  productLine?: string;

  @ApiPropertyOptional({ description: 'Only active (true) or inactive (false) products; default: both' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ enum: PRODUCT_SORTS, default: 'code' })
  @IsOptional()
  @IsIn(PRODUCT_SORTS)
  sort: ProductSort = 'code';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'asc';
}

export class ProductQuery extends IntersectionType(ProductFilter, PageQuery) {}

export class ProductExportQuery extends IntersectionType(ProductFilter, ExportQuery) {}
