import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ImportReport, RowError } from './table-spec.js';

export class RowErrorDto implements RowError {
  @ApiProperty({ description: 'The row as numbered in the sheet' })
  row!: number;

  @ApiProperty({ type: String, nullable: true, description: 'The DTO field, or null for the whole row or sheet' })
  field!: string | null;

  @ApiPropertyOptional({ description: 'The column header as written in the sheet' })
  column?: string;

  @ApiProperty()
  message!: string;
}

/** The answer of every import route (customers, products, qualifications, performance). */
export class ImportReportDto implements ImportReport {
  @ApiProperty({ enum: ['csv', 'xlsx'] })
  format!: 'csv' | 'xlsx';

  @ApiPropertyOptional({ description: 'For CSV: the encoding the file was read in', example: 'utf-8' })
  encoding?: string;

  @ApiProperty({ description: 'Data rows read (blank rows are skipped)' })
  rows!: number;

  @ApiProperty({ type: [RowErrorDto], description: 'Empty on a 200; a 422 lists them in details.errors' })
  errors!: RowError[];

  @ApiProperty()
  dryRun!: boolean;

  @ApiProperty({ description: 'Records written: 0 on a dry run' })
  written!: number;
}
