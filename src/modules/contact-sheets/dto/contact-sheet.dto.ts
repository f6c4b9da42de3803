import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { IsDateOnly, IsNotBefore } from '../../../common/tabular/date-only.js';
import { CONTRACT_STATUSES, type ContractStatus } from '../../contracts/index.js';
import { DEPARTMENTS, type Department } from '../contact-sheet.entity.js';
import { LIST_AUDIENCES, LIST_FORMATS, type ListAudience, type ListFormat } from '../views/contact-list.view.js';

export class SignContactSheetDto {
  @ApiPropertyOptional({ enum: DEPARTMENTS, description: 'Required only for a user with several department roles' })
  @IsOptional()
  @IsIn(DEPARTMENTS)
  department?: Department;

  @ApiPropertyOptional({ example: '预付款已到账' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  comment?: string;
}

export class CopyFileQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'docx'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'docx'])
  format: 'pdf' | 'docx' = 'pdf';

  @ApiPropertyOptional({ description: "The copy's document version (default: the newest)" })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

export class ContactListQuery {
  @ApiPropertyOptional({ description: 'Signing date from (inclusive), YYYY-MM-DD' })
  @IsOptional()
  @IsDateOnly()
  from?: string;

  @ApiPropertyOptional({ description: 'Signing date to (inclusive), YYYY-MM-DD' })
  @IsOptional()
  @IsDateOnly()
  @IsNotBefore('from')
  to?: string;

  @ApiPropertyOptional({ description: 'Contract statuses, comma-separated (default: all)', example: 'approved,active' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray()
  @ArrayUnique()
  @IsIn(CONTRACT_STATUSES, { each: true })
  status?: ContractStatus[];

  @ApiPropertyOptional({
    enum: LIST_AUDIENCES,
    description:
      'finance (amounts; finance, backoffice, manager) or production (no amount; everyone). Default: finance for those who may read it, else production',
  })
  @IsOptional()
  @IsIn(LIST_AUDIENCES)
  audience?: ListAudience;

  @ApiPropertyOptional({ enum: LIST_FORMATS, default: 'pdf' })
  @IsOptional()
  @IsIn(LIST_FORMATS)
  format: ListFormat = 'pdf';
}
