import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsDateOnly, IsNotBefore } from '../../../common/tabular/date-only.js';
import { QUALIFICATION_TYPES, type QualificationType } from '../qualification.entity.js';

const NOT_BLANK = /\S/;

/** Also validates every row of a qualifications import (qualifications.table.ts). */
export class CreateQualificationDto {
  @ApiProperty({ enum: QUALIFICATION_TYPES, example: 'industry_permit' })
  @IsIn(QUALIFICATION_TYPES)
  type!: QualificationType;

  @ApiProperty({ example: '辐射安全许可证', maxLength: 200 })
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: '苏环辐证[00321]', maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  number?: string | null;

  @ApiPropertyOptional({ example: '江苏省生态环境厅', maxLength: 200, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  issuer?: string | null;

  @ApiPropertyOptional({
    description: 'Grade or scope (等级/范围)',
    example: '使用IV类、V类放射源',
    maxLength: 500,
    nullable: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  grade?: string | null;

  @ApiProperty({ example: '2024-01-15', description: 'First valid day (YYYY-MM-DD)' })
  @IsDateOnly()
  validFrom!: string;

  @ApiPropertyOptional({
    example: '2029-01-14',
    nullable: true,
    description:
      'Last valid day, inclusive (YYYY-MM-DD), not before validFrom; omit or null for a permanent one (长期)',
  })
  @IsOptional()
  @IsDateOnly()
  @IsNotBefore('validFrom')
  validTo?: string | null;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string | null;
}
