import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorRefDto } from '../../../../common/openapi/ref.dto.js';
import { TIMESTAMP } from '../../../../common/openapi/responses.js';
import { LOCALES, type Locale } from '../../../../rendering/rendering.types.js';
import type { TemplateProblem } from '../../../../rendering/templates/template-guardrails.js';
import type { SectionFormatKey } from '../section-formats.js';
import type {
  SectionFormatListItem,
  SectionFormatMeta,
  SectionFormatsView,
  SectionFormatView,
} from '../section-formats.service.js';

const KEY = { description: 'A package section (bid_letter…) or custom:<slug>', example: 'bid_letter' };

export class SectionFormatMetaDto implements SectionFormatMeta {
  @ApiProperty({ description: 'Goes up with every save (the ETag)' })
  version!: number;

  @ApiProperty({ description: 'SHA-256 of key, title and body' })
  hash!: string;

  @ApiProperty({ description: "The company's tender-package template version the format started from" })
  basedOn!: string;

  @ApiProperty({ type: ActorRefDto })
  updatedBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;
}

export class SectionFormatListItemDto implements SectionFormatListItem {
  @ApiProperty(KEY)
  key!: SectionFormatKey;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  custom!: boolean;

  @ApiProperty({ description: "In the tender's package (a section it lists, or a free section)" })
  inPackage!: boolean;

  @ApiProperty({ type: Number, nullable: true })
  position!: number | null;

  @ApiProperty({ type: SectionFormatMetaDto, nullable: true, description: "null: the company's format" })
  format!: SectionFormatMetaDto | null;
}

export class SectionFormatsViewDto implements SectionFormatsView {
  @ApiProperty({ format: 'uuid' })
  tenderId!: string;

  @ApiProperty({ enum: LOCALES })
  locale!: Locale;

  @ApiProperty({ description: "The company's tender-package template version a new format starts from" })
  companyVersion!: string;

  @ApiProperty({ type: [SectionFormatListItemDto] })
  sections!: SectionFormatListItemDto[];
}

export class SectionFormatProblemDto implements TemplateProblem {
  @ApiProperty({ example: 'FIELD_UNKNOWN' })
  code!: TemplateProblem['code'];

  @ApiProperty({ enum: ['error', 'warning'] })
  severity!: 'error' | 'warning';

  @ApiProperty({ enum: ['template.hbs'] })
  file!: TemplateProblem['file'];

  @ApiPropertyOptional()
  line?: number;

  @ApiPropertyOptional()
  column?: number;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional()
  element?: string;

  @ApiPropertyOptional()
  field?: string;
}

export class SectionFormatViewDto implements SectionFormatView {
  @ApiProperty({ format: 'uuid' })
  tenderId!: string;

  @ApiProperty(KEY)
  key!: SectionFormatKey;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  custom!: boolean;

  @ApiProperty({ type: Number, nullable: true })
  position!: number | null;

  @ApiProperty({ description: "The tender's body, or the company's markup to start from" })
  body!: string;

  @ApiProperty({ description: "The company's current markup of the section (empty for a free section)" })
  companyBody!: string;

  @ApiProperty()
  companyVersion!: string;

  @ApiProperty()
  overridden!: boolean;

  @ApiProperty({ type: Number, nullable: true, description: "The format's version (ETag); null: the company's" })
  version!: number | null;

  @ApiProperty({ type: SectionFormatMetaDto, nullable: true })
  format!: SectionFormatMetaDto | null;

  @ApiPropertyOptional({ type: [SectionFormatProblemDto], description: "On a save: the guardrails' warnings" })
  problems?: SectionFormatProblemDto[];
}

export class SectionFormatDeletedDto {
  @ApiProperty(KEY)
  key!: SectionFormatKey;

  @ApiProperty()
  deleted!: boolean;
}
