import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/** The largest built-in section is ~5 kB; a tender's own wording of one section is bounded at 50 kB. */
const MAX_BODY = 50_000;

export class PutSectionFormatDto {
  @ApiProperty({
    description:
      "The section's Handlebars body, with the package template's data and helpers (the DOCX HTML subset; no {{{ }}})",
    maxLength: MAX_BODY,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_BODY)
  body!: string;

  @ApiPropertyOptional({ description: 'A free section (custom:<slug>): its title', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({
    description:
      "A free section: where it goes, an index into the tender's sections (toc included); past the end: last",
    minimum: 0,
    maximum: 50,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(50)
  position?: number;
}
