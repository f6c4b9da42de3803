import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { DOCUMENT_FORMATS, type DocumentFormat } from '../document-file.entity.js';

export class SubjectDto {
  @ApiProperty({ example: 'customer' })
  @IsString()
  @Matches(/^[a-z][a-z-]{1,63}$/)
  type!: string;

  @ApiProperty({ example: '3f0c…' })
  @IsString()
  @MaxLength(64)
  id!: string;
}

export class CreateDocumentDto {
  @ApiProperty({ example: 'customer-statement', description: 'A folder under templates/' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,63}$/, { message: 'template must be a template name such as customer-statement' })
  template!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The template's data (see its sample.json)" })
  @IsObject()
  data!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: DOCUMENT_FORMATS, isArray: true, default: ['pdf'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DOCUMENT_FORMATS, { each: true })
  formats: DocumentFormat[] = ['pdf'];

  @ApiPropertyOptional({ default: true, description: 'PAdES-sign the PDF' })
  @IsOptional()
  @IsBoolean()
  sign = true;

  @ApiPropertyOptional({ enum: LOCALES, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({
    type: SubjectDto,
    description: 'The record the document is about: re-generating adds a version',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SubjectDto)
  subject?: SubjectDto;
}
