import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { IsTaxId } from '../../company/index.js';

/** A contact's field rules, shared by ContactDto and the contact columns of the customer sheet. */
export const ContactRules = {
  name: () => applyDecorators(IsString(), MinLength(1), MaxLength(100)),
  title: () => applyDecorators(IsString(), MaxLength(100)),
  phone: () => applyDecorators(IsString(), MaxLength(50)),
  email: () => applyDecorators(IsEmail(), MaxLength(254)),
};

export class ContactDto {
  @ApiProperty({ example: '刘芳' })
  @ContactRules.name()
  name!: string;

  @ApiPropertyOptional({ example: '财务部 会计', nullable: true, description: 'Role or title' })
  @IsOptional()
  @ContactRules.title()
  title?: string | null;

  @ApiPropertyOptional({ example: '0512-6655 3021', nullable: true })
  @IsOptional()
  @ContactRules.phone()
  phone?: string | null;

  @ApiPropertyOptional({ example: 'liu.fang@qinglan-steel.example', nullable: true })
  @IsOptional()
  @ContactRules.email()
  email?: string | null;

  @ApiPropertyOptional({
    default: false,
    description: 'The billing contact (statements go to them); at most one per customer',
  })
  @IsOptional()
  @IsBoolean()
  billing?: boolean;
}

export class CreateCustomerDto {
  @ApiProperty({ example: '青澜钢铁集团有限公司' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Qinglan Iron & Steel Group Co., Ltd.', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  nameEn?: string | null;

  @ApiPropertyOptional({
    example: '91320500MA1W8K7C2W',
    nullable: true,
    description:
      '18 letters/digits: checked as a unified social credit code; other tax numbers (5-30 letters, digits, dashes) as they are',
  })
  @IsOptional()
  @IsTaxId()
  taxId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  address?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @ApiPropertyOptional({
    enum: LOCALES,
    nullable: true,
    description: "The language of this customer's documents and mails (null: the company's documentLocale)",
  })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale | null;

  @ApiPropertyOptional({
    nullable: true,
    description: "A user id; a sales user's own customers only (default: themselves)",
  })
  @IsOptional()
  @IsUUID()
  salesOwnerId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string | null;

  @ApiPropertyOptional({ type: [ContactDto], description: 'At most one with billing: true' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts?: ContactDto[];
}

export class UpdateCustomerDto extends PartialType(CreateCustomerDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ description: 'false restores an archived customer (admin, backoffice)' })
  @IsOptional()
  @IsBoolean()
  archived?: boolean;
}
