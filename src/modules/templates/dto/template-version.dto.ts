import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { BUILT_IN } from '../template-version.types.js';

/** One file's size bound: the largest built-in template is ~15 kB. */
const MAX_FILE = 200_000;
/** meta.json may carry the letterhead's logo (256 KB decoded, ~350 kB as base64) beside the labels. */
const MAX_META = 500_000;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const VERSION_REF = new RegExp(`^(${BUILT_IN}|${UUID})$`, 'i');
const DRAFT_FROM = new RegExp(`^(${BUILT_IN}|active|${UUID})$`, 'i');

/** A template folder's files (the names are those of templates/<type>/; others are refused). */
export class TemplateFilesDto {
  @ApiProperty({ description: 'The Handlebars body' })
  @IsString()
  @MaxLength(MAX_FILE)
  'template.hbs'!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILE)
  'styles.css'?: string;

  @ApiPropertyOptional({ description: "Chromium's page header; absent: templates/_partials/header.hbs" })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILE)
  'header.hbs'?: string;

  @ApiPropertyOptional({ description: "Chromium's page footer; absent: templates/_partials/footer.hbs" })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILE)
  'footer.hbs'?: string;

  @ApiPropertyOptional({
    description:
      "title, required fields, orientation, font, labels per locale, and the clerks' fields: letterhead (logo as a " +
      'data: URI, colour, alignment, shown lines, extra lines per locale) and theme (accent colour)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_META)
  'meta.json'?: string;
}

export class CreateDraftDto {
  @ApiProperty({ enum: LOCALES })
  @IsIn(LOCALES)
  locale!: Locale;

  @ApiPropertyOptional({
    description:
      "What to copy: 'built-in' (the folder), 'active' (the published version, else the built-in; the default) or a version id",
    example: 'active',
  })
  @IsOptional()
  @Matches(DRAFT_FROM, { message: "from must be 'built-in', 'active' or a version id" })
  from?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class UpdateDraftDto {
  @ApiProperty({ type: TemplateFilesDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateFilesDto)
  files!: TemplateFilesDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class RestoreDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class TemplateLocaleQuery {
  @ApiPropertyOptional({ enum: LOCALES, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LOCALES)
  locale: Locale = 'zh-CN';
}

const RECORD_ID_DESCRIPTION =
  "A real record to preview on (GET /api/templates gives each type's previewRecord): the data its workflow would " +
  'render, for a record the caller may read; without it, the sample (or the posted data)';

export class DraftPreviewQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'docx', 'html'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'docx', 'html'])
  format: 'pdf' | 'docx' | 'html' = 'pdf';

  @ApiPropertyOptional({ format: 'uuid', description: RECORD_ID_DESCRIPTION })
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiPropertyOptional({
    description: 'Which sample of the type: sample.json (default) or sample-*.json',
    example: 'sample',
  })
  @IsOptional()
  @Matches(/^sample[a-z0-9-]*$/)
  sample?: string;
}

export class TemplateDiffQuery {
  @ApiProperty({ description: "'built-in' or a version id", example: BUILT_IN })
  @Matches(VERSION_REF, { message: "from must be 'built-in' or a version id" })
  from!: string;

  @ApiProperty({ description: "'built-in' or a version id" })
  @Matches(VERSION_REF, { message: "to must be 'built-in' or a version id" })
  to!: string;
}

/** The built-in or published template's preview. */
export class PreviewQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'docx', 'html'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'docx', 'html'])
  format: 'pdf' | 'docx' | 'html' = 'pdf';

  @ApiPropertyOptional({ format: 'uuid', description: RECORD_ID_DESCRIPTION })
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}

/** The form fields beside the .docx of POST /api/templates/:type/drafts/import-docx. */
export class ImportDocxDto {
  @ApiProperty({ enum: LOCALES })
  @IsIn(LOCALES)
  locale!: Locale;
}
