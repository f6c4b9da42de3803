import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { FieldDescription, FieldKind, ProductionAudience } from '../../../rendering/templates/data-contract.js';
import type { HelperDoc } from '../../../rendering/templates/helpers.js';
import { PREVIEW_RECORDS, type PreviewRecord } from '../preview-records.js';
import { ActorRefDto } from '../../../common/openapi/ref.dto.js';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { TEMPLATE_VERSION_STATUSES, type TemplateVersionStatus } from '../template-version.types.js';
import type {
  TemplateContractView,
  TemplateDiffView,
  TemplateFileDiff,
  TemplateVersionsView,
  TemplateVersionView,
} from '../templates.service.js';
import { GuardrailCode, type TemplateProblem } from '../../../rendering/templates/template-guardrails.js';
import { TEMPLATE_FILE_NAMES, type TemplateFileName } from '../../../rendering/templates/template-source.js';
import { TemplateFilesDto } from './template-version.dto.js';

export class TemplateVersionViewDto implements TemplateVersionView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'customer-statement' })
  type!: string;

  @ApiProperty({ enum: LOCALES })
  locale!: Locale;

  @ApiProperty({ description: '1, 2, … per type and locale' })
  number!: number;

  @ApiProperty({ enum: TEMPLATE_VERSION_STATUSES })
  status!: TemplateVersionStatus;

  @ApiProperty({ description: 'SHA-256 of the files' })
  hash!: string;

  @ApiProperty({ description: "What a document rendered from it records in templateVersions (this build's)" })
  renderVersion!: string;

  @ApiProperty({ description: "The built-in template's version or the id of the version it was copied from" })
  basedOn!: string;

  @ApiProperty({ type: String, nullable: true })
  note!: string | null;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty({ type: ActorRefDto, nullable: true })
  publishedBy!: ActorRefDto | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  publishedAt!: Date | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  restoredFrom!: string | null;

  @ApiProperty({ description: 'Goes up with every saved change of a draft (the ETag)' })
  version!: number;

  @ApiPropertyOptional({ type: TemplateFilesDto, description: 'In answers about one version, not in lists' })
  files?: TemplateFilesDto;

  @ApiPropertyOptional({
    type: () => [TemplateProblemDto],
    description:
      "In answers to a draft's creation, save or Word import: what the guardrails found (a saved draft: warnings only)",
  })
  problems?: TemplateProblemDto[];
}

export class TemplateProblemDto implements TemplateProblem {
  @ApiProperty({ enum: Object.values(GuardrailCode), description: 'docs/architecture.md, "Template guardrails"' })
  code!: GuardrailCode;

  @ApiProperty({ enum: ['error', 'warning'] })
  severity!: 'error' | 'warning';

  @ApiProperty({ enum: TEMPLATE_FILE_NAMES })
  file!: TemplateFileName;

  @ApiPropertyOptional()
  line?: number;

  @ApiPropertyOptional()
  column?: number;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ description: 'The offending element (DOCX_* codes)' })
  element?: string;

  @ApiPropertyOptional({
    description:
      "The field as the data contract writes it (lines[].unitPrice); for a clerk's setting, its path in meta.json " +
      '(letterhead.color, letterhead.lines.en[0])',
  })
  field?: string;
}

/** A Word document imported as a draft: the draft, and what the import dropped or changed. */
export class ImportedDraftDto extends TemplateVersionViewDto {
  @ApiProperty({ type: [String], description: "What the import dropped or changed, in the caller's language" })
  importWarnings!: string[];
}

class BuiltInTemplateDto {
  @ApiProperty({ description: "The built-in template's version (content hash)" })
  version!: string;

  @ApiProperty({ type: TemplateFilesDto })
  files!: TemplateFilesDto;
}

class ActiveTemplateDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the built-in' })
  id!: string | null;

  @ApiProperty({ description: 'What documents rendered now record in templateVersions' })
  renderVersion!: string;
}

export class TemplateVersionsViewDto implements TemplateVersionsView {
  @ApiProperty()
  type!: string;

  @ApiProperty({ enum: LOCALES })
  locale!: Locale;

  @ApiProperty({ type: BuiltInTemplateDto })
  builtIn!: BuiltInTemplateDto;

  @ApiProperty({ type: ActiveTemplateDto })
  active!: ActiveTemplateDto;

  @ApiProperty({ type: [TemplateVersionViewDto], description: 'Newest first, without files' })
  versions!: TemplateVersionViewDto[];
}

class TemplateFileDiffDto implements TemplateFileDiff {
  @ApiProperty({ example: 'styles.css' })
  file!: string;

  @ApiProperty()
  changed!: boolean;

  @ApiProperty({ description: 'A unified diff; empty when unchanged' })
  patch!: string;
}

export class TemplateDiffViewDto implements TemplateDiffView {
  @ApiProperty()
  type!: string;

  @ApiProperty()
  from!: string;

  @ApiProperty()
  to!: string;

  @ApiProperty({ type: [TemplateFileDiffDto] })
  files!: TemplateFileDiffDto[];
}

/** GET /api/templates: a template and its version (content hash). */
export class TemplateTypeDto {
  @ApiProperty({ example: 'quotation' })
  type!: string;

  @ApiProperty()
  version!: string;

  @ApiProperty({
    enum: PREVIEW_RECORDS,
    nullable: true,
    description: 'The record a preview can be made on (?recordId=); null: the samples only',
  })
  previewRecord!: PreviewRecord | null;
}

class FieldDescriptionDto implements FieldDescription {
  @ApiProperty({ example: 'lines[].unitPrice', description: 'Dotted, `[]` for the items of a list' })
  path!: string;

  @ApiProperty({ enum: ['string', 'decimal', 'number', 'date', 'boolean', 'array', 'object', 'null'] })
  kind!: FieldKind;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    nullable: true,
    description: 'From the samples; none for lists and objects',
  })
  example?: string | number | boolean | null;
}

class HelperDocDto implements HelperDoc {
  @ApiProperty({ example: 'money' })
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ example: '{{money total currency}}' })
  example!: string;

  @ApiPropertyOptional({ description: "Handlebars' own block helper (if, unless, each, with, lookup)" })
  builtIn?: boolean;
}

class LabelDto {
  @ApiProperty({ example: 'statement.intro' })
  key!: string;

  @ApiProperty()
  text!: string;
}

class ProductionAudienceFieldDto {
  @ApiProperty({ example: 'audience' })
  field!: string;

  @ApiProperty({ example: 'production' })
  value!: string;
}

class ProductionContractDto {
  @ApiProperty({
    oneOf: [{ type: 'string', enum: ['always'] }, { $ref: getSchemaPath(ProductionAudienceFieldDto) }],
    description: "'always': the whole type goes to production; else the copy whose data has field = value",
  })
  audience!: ProductionAudience;

  @ApiProperty({ type: [String], description: "The type's price fields: the production copy cannot reach them" })
  priceFields!: string[];
}

/** GET /api/templates/:type/contract. */
@ApiExtraModels(ProductionAudienceFieldDto)
export class TemplateContractDto implements TemplateContractView {
  @ApiProperty()
  type!: string;

  @ApiProperty({ enum: LOCALES })
  locale!: Locale;

  @ApiProperty({ type: [FieldDescriptionDto] })
  fields!: FieldDescriptionDto[];

  @ApiProperty({ type: [HelperDocDto] })
  helpers!: HelperDocDto[];

  @ApiProperty({ type: [String], description: 'What {{> name}} may name' })
  partials!: string[];

  @ApiProperty({ type: [LabelDto], description: 'The labels {{t "key"}} finds in the locale' })
  labels!: LabelDto[];

  @ApiProperty({ type: ProductionContractDto, nullable: true, description: 'null: no production copy' })
  production!: ProductionContractDto | null;

  @ApiProperty({ enum: PREVIEW_RECORDS, nullable: true })
  previewRecord!: PreviewRecord | null;
}
