import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { EXPORT_FORMATS, type ExportFormat } from './export-table.js';

/** `?dryRun=true`: validate and report, write nothing. Only the words true/false are accepted. */
export class ImportQuery {
  @ApiPropertyOptional({ default: false, description: 'Validate only: report the rows, write nothing' })
  @IsOptional()
  // @Type(() => Boolean) would read "false" as true.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dryRun = false;
}

export class ExportQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat = 'csv';
}
