import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsDateOnly, IsNotBefore } from '../../../common/tabular/date-only.js';
import { IsAmount } from '../../../common/validation.js';
import { INDUSTRIES } from '../performance-record.entity.js';

const NOT_BLANK = /\S/;

/** Also validates every row of a performance import (performance.table.ts). */
export class CreatePerformanceRecordDto {
  @ApiProperty({ example: '宝钢湛江钢铁三号高炉仪表改造项目', maxLength: 300 })
  @IsString()
  @Matches(NOT_BLANK, { message: 'projectName must not be blank' })
  @MaxLength(300)
  projectName!: string;

  @ApiProperty({
    description: 'The customer (甲方) as on the contract',
    example: '宝钢湛江钢铁有限公司',
    maxLength: 300,
  })
  @IsString()
  @Matches(NOT_BLANK, { message: 'customerName must not be blank' })
  @MaxLength(300)
  customerName!: string;

  @ApiProperty({ description: `One of ${INDUSTRIES.join(', ')}, or another word`, example: 'steel', maxLength: 64 })
  @IsString()
  @Matches(NOT_BLANK, { message: 'industry must not be blank' })
  @MaxLength(64)
  industry!: string;

  @ApiPropertyOptional({ example: '压力变送器', maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  productLine?: string | null;

  @ApiProperty({
    description: 'Decimal string, at most 2 places, not negative (a JSON number is refused)',
    example: '1280000.00',
  })
  @IsAmount({ min: '0' })
  contractAmount!: string;

  @ApiPropertyOptional({ description: 'ISO 4217 code', default: 'CNY', example: 'CNY' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency?: string;

  @ApiProperty({ example: '2023-04-18' })
  @IsDateOnly()
  signedDate!: string;

  @ApiPropertyOptional({
    example: '2024-01-30',
    nullable: true,
    description: 'Acceptance date, not before signedDate; null while not completed',
  })
  @IsOptional()
  @IsDateOnly()
  @IsNotBefore('signedDate')
  completedDate?: string | null;

  @ApiPropertyOptional({ example: '广东省湛江市', maxLength: 200, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location?: string | null;

  @ApiPropertyOptional({ description: 'Scope of supply (供货范围)', maxLength: 4000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  scope?: string | null;
}
