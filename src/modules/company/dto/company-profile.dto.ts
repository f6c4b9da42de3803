import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { IsUscc } from '../uscc.js';

export class BankAccountDto {
  @ApiProperty({ example: '中国工商银行' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  bankName!: string;

  @ApiPropertyOptional({ example: '苏州吴中支行', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  branch?: string | null;

  @ApiProperty({ example: '华东智能仪表有限公司' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  accountName!: string;

  @ApiProperty({ example: '1102 0206 0900 1234 567', description: 'Digits, spaces and dashes' })
  @IsString()
  @Matches(/^[0-9][0-9 -]{4,40}$/, { message: 'accountNumber must be 5 to 41 digits, spaces or dashes' })
  accountNumber!: string;
}

/** The whole profile (PUT). Optional fields left out are cleared. */
export class CompanyProfileDto {
  @ApiProperty({ example: '华东智能仪表有限公司' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  legalNameZh!: string;

  @ApiPropertyOptional({ example: 'East China Smart Instruments Co., Ltd.', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  legalNameEn?: string | null;

  @ApiProperty({
    example: '91320506MA1NK4RB7H',
    description: '统一社会信用代码, check character verified (GB 32100-2015)',
  })
  @IsUscc()
  creditCode!: string;

  @ApiPropertyOptional({ example: '江苏省苏州市吴中区仪表产业园科技路88号', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  addressZh?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  addressEn?: string | null;

  @ApiPropertyOptional({ example: '215128', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  postalCode?: string | null;

  @ApiPropertyOptional({ example: '0512-6688 1200', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  fax?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ example: 'https://www.ecsi.example', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  website?: string | null;

  @ApiPropertyOptional({ example: '陈建国', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  legalRepresentative?: string | null;

  @ApiPropertyOptional({ type: [BankAccountDto], description: 'The first is the default on documents' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => BankAccountDto)
  bankAccounts?: BankAccountDto[];

  @ApiPropertyOptional({
    enum: LOCALES,
    default: 'zh-CN',
    description:
      "The language of the company's documents: internal ones (contact sheets and lists, the production copy), and a " +
      "customer's when neither the request nor the customer names one",
  })
  @IsOptional()
  @IsIn(LOCALES)
  documentLocale?: Locale;
}

/** Some fields (PATCH); a required field cannot be set to null. */
export class UpdateCompanyProfileDto extends PartialType(CompanyProfileDto, { skipNullProperties: false }) {}
