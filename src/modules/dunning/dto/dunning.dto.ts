import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';

/** POST /api/dunning/letters: today's letter for one customer. */
export class IssueDunningLetterDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  customerId!: string;

  @ApiPropertyOptional({
    enum: LOCALES,
    default: 'zh-CN',
    description: 'The letter’s, its mail’s and the statement’s language',
  })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}

/** POST /api/dunning/run: a letter for every customer whose level is due. */
export class DunningRunDto {
  @ApiPropertyOptional({ enum: LOCALES, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}

export class DunningLetterQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class DunningLetterFileQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'docx'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'docx'])
  format: 'pdf' | 'docx' = 'pdf';
}
