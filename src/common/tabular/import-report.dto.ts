import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldChange, ImportReport, ImportTotals, RowError, RowResult, RowStatus } from './table-spec.js';

export class RowErrorDto implements RowError {
  @ApiProperty({ description: 'The row as numbered in the sheet' })
  row!: number;

  @ApiProperty({ type: String, nullable: true, description: 'The DTO field, or null for the whole row or sheet' })
  field!: string | null;

  @ApiPropertyOptional({ description: 'The column header as written in the sheet' })
  column?: string;

  @ApiPropertyOptional({
    description:
      'IMPORT_ROW_INVALID (a refused value), IMPORT_ROW_AMBIGUOUS (matches two records), IMPORT_ROW_DUPLICATE (an earlier row has the same record or key), NOT_YOUR_RECORD, or the code of the refused write',
    example: 'IMPORT_ROW_AMBIGUOUS',
  })
  code?: string;

  @ApiProperty()
  message!: string;
}

export class FieldChangeDto implements FieldChange {
  @ApiProperty({ example: 'listPrice' })
  field!: string;

  @ApiProperty({ example: '目录价', description: 'The column header' })
  column!: string;

  @ApiProperty({ type: String, nullable: true, example: '8600.00', description: 'As the sheet shows it; null: empty' })
  old!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '8800.00' })
  new!: string | null;
}

export class RowResultDto implements RowResult {
  @ApiProperty({ description: 'The row as numbered in the sheet' })
  row!: number;

  @ApiProperty({ enum: ['new', 'changed', 'unchanged', 'error'] })
  status!: RowStatus;

  @ApiProperty({ type: String, nullable: true, description: 'The record the row matched (by ID or by key)' })
  id!: string | null;

  @ApiProperty({ type: [FieldChangeDto], description: 'The fields that change (status changed)' })
  changes!: FieldChange[];

  @ApiProperty({ type: [RowErrorDto], description: 'Why the row is refused (status error)' })
  errors!: RowError[];
}

export class ImportTotalsDto implements ImportTotals {
  @ApiProperty()
  new!: number;

  @ApiProperty()
  changed!: number;

  @ApiProperty()
  unchanged!: number;

  @ApiProperty()
  error!: number;
}

/**
 * The answer of every import route (customers, products, qualifications, performance): the 200 of a dry run or of
 * an applied file, and the details of a 422 IMPORT_INVALID (then nothing was written).
 */
export class ImportReportDto implements ImportReport {
  @ApiProperty({ enum: ['csv', 'xlsx'] })
  format!: 'csv' | 'xlsx';

  @ApiPropertyOptional({ description: 'For CSV: the encoding the file was read in', example: 'utf-8' })
  encoding?: string;

  @ApiProperty({ description: 'Data rows read (blank rows are skipped)' })
  rows!: number;

  @ApiProperty({ type: [RowErrorDto], description: 'Every error of every row (and of the header); empty on a 200' })
  errors!: RowError[];

  @ApiProperty()
  dryRun!: boolean;

  @ApiProperty({ description: 'Records written (created or changed): 0 on a dry run' })
  written!: number;

  @ApiProperty({ type: [RowResultDto], description: 'Row by row: new, changed (old -> new), unchanged, error' })
  results!: RowResult[];

  @ApiProperty({ type: ImportTotalsDto })
  totals!: ImportTotals;
}
