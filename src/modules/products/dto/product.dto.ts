import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { compare } from '../../../common/money.js';
import { IsAmount } from '../../../common/validation.js';

/** A percentage from 0 to 100 as a decimal string with at most two places ("13.00"); never a JSON number. */
export function IsPercent(): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isPercent',
      target: target.constructor,
      propertyName: propertyKey as string,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /^\d{1,3}(\.\d{1,2})?$/.test(value) && compare(value, '100') <= 0,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be a percentage from "0" to "100" with at most 2 places, as a string such as "13.00"`,
      },
    });
}

export class CreateProductDto {
  @ApiProperty({ example: 'LDG-50', description: 'Unique; letters, digits and . _ - /' })
  @IsString()
  @MaxLength(64)
  @Matches(/^[\p{L}\p{N}][\p{L}\p{N}._/-]*$/u, {
    message: 'code may hold letters, digits, . _ - / and must start with a letter or digit',
  })
  code!: string;

  @ApiProperty({ example: '电磁流量计' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameZh!: string;

  @ApiPropertyOptional({ example: 'Electromagnetic flowmeter', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  nameEn?: string | null;

  @ApiPropertyOptional({ example: 'DN50 PN16，PTFE 衬里，316L 电极，4-20mA/HART', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  specification?: string | null;

  @ApiProperty({ example: '台' })
  @IsString()
  @MinLength(1)
  @MaxLength(16)
  unit!: string;

  @ApiProperty({ example: '8600.00', description: 'Decimal string, not a JSON number' })
  @IsAmount({ min: '0' })
  listPrice!: string;

  @ApiProperty({ example: '6900.00', description: 'Decimal string; not above listPrice (FLOOR_ABOVE_LIST)' })
  @IsAmount({ min: '0' })
  floorPrice!: string;

  @ApiPropertyOptional({ example: '13.00', default: '13.00', description: 'VAT rate in percent' })
  @IsOptional()
  @IsPercent()
  taxRate?: string;

  @ApiPropertyOptional({ example: 'CNY', default: 'CNY', description: 'ISO 4217' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency?: string;

  @ApiPropertyOptional({ example: '流量仪表', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  productLine?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Some fields (PATCH); a required field cannot be set to null. */
export class UpdateProductDto extends PartialType(CreateProductDto, { skipNullProperties: false }) {}
