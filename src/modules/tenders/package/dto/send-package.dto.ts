import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DOCUMENT_FORMATS, type DocumentFormat } from '../../../../rendering/rendering.types.js';
import { TENDER_SECTIONS, type TenderSection } from '../../tender.entity.js';

export const SEND_PARTS = ['all', ...TENDER_SECTIONS] as const;
export type SendPart = 'all' | TenderSection;

export class SendPackageDto {
  @ApiPropertyOptional({
    enum: SEND_PARTS,
    isArray: true,
    default: ['all'],
    description:
      "'all': the signed package; a section key: that section's pages (appended scans included) as an unsigned extract",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SEND_PARTS, { each: true })
  parts?: SendPart[];

  @ApiPropertyOptional({
    enum: DOCUMENT_FORMATS,
    isArray: true,
    default: ['pdf'],
    description: "pdf: the signed package (with 'all'); docx and bundle: the whole package's DOCX and signed bundle",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DOCUMENT_FORMATS, { each: true })
  formats?: DocumentFormat[];

  @ApiPropertyOptional({ description: 'default: the latest' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2147483647)
  version?: number;
}
