import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { DOCUMENT_FORMATS, type DocumentFormat } from '../document-file.entity.js';

const bool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

export class WaitQuery {
  @ApiPropertyOptional({
    description: 'Render now and answer 201 with the document (small documents); default: a job (202)',
  })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  wait = false;
}

export class FileQuery {
  @ApiPropertyOptional({ enum: DOCUMENT_FORMATS, default: 'pdf' })
  @IsOptional()
  @IsIn(DOCUMENT_FORMATS)
  format: DocumentFormat = 'pdf';

  @ApiPropertyOptional({ description: 'default: the latest' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}
