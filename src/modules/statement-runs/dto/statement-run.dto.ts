import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsDateOnly } from '../../../common/tabular/date-only.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { RUN_ITEM_STATUSES, type RunItemStatus } from '../statement-run.entity.js';

export class StartStatementRunDto {
  @ApiPropertyOptional({
    example: '2026-04-01',
    description: 'First day of the period (YYYY-MM-DD); omitted: as-of statements (everything up to `to`)',
  })
  @IsOptional()
  @IsDateOnly()
  from?: string;

  @ApiProperty({ example: '2026-04-30', description: 'Last day of the period (YYYY-MM-DD), today at the latest' })
  @IsDateOnly()
  to!: string;

  @ApiPropertyOptional({ enum: LOCALES, description: "The statements' language (default: the statements' default)" })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}

export class StatementRunQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1, description: 'Page of the items' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  itemsPage = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  itemsPageSize = 100;

  @ApiPropertyOptional({
    enum: RUN_ITEM_STATUSES,
    description: 'Only the items with this status (as the report shows it)',
  })
  @IsOptional()
  @IsIn(RUN_ITEM_STATUSES)
  status?: RunItemStatus;
}
