import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { compare, isAmount } from '../../../common/money.js';
import { PageQuery } from '../../../common/pagination.js';
import { IsDateOnly, IsNotBefore } from '../../../common/tabular/date-only.js';
import { IsAmount } from '../../../common/validation.js';
import { INVOICE_KINDS, type InvoiceKind } from '../invoice.entity.js';

/** This amount field must be below the amount field `other` (checked only when both are amounts). */
function IsBelow(other: string): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isBelow',
      target: target.constructor,
      propertyName: propertyKey as string,
      constraints: [other],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const limit = (args?.object as Record<string, unknown> | undefined)?.[other];
          return !isAmount(value) || !isAmount(limit) || compare(value, limit) < 0;
        },
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be less than ${other}`,
      },
    });
}

const INVOICE_NUMBER = /^[0-9A-Za-z][0-9A-Za-z\-_/]*$/;

export class CreateInvoiceDto {
  @ApiProperty({ example: '04471234', description: 'The invoice number as printed (unique; letters, digits, - _ /)' })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(INVOICE_NUMBER, {
    message: 'number may hold letters, digits, -, _ and / and must start with a letter or digit',
  })
  number!: string;

  @ApiPropertyOptional({
    enum: INVOICE_KINDS,
    default: 'special',
    description: '增值税专用发票 (special) or 普通发票 (ordinary)',
  })
  @IsOptional()
  @IsIn(INVOICE_KINDS)
  kind?: InvoiceKind;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  customerId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The contract invoiced; its customer must be customerId' })
  @IsOptional()
  @IsUUID()
  contractId?: string;

  @ApiProperty({ example: '2026-06-12', description: 'The invoice date (YYYY-MM-DD)' })
  @IsDateOnly()
  date!: string;

  @ApiProperty({
    example: '113000.00',
    description: 'Including VAT; decimal string above zero (a correction is a reversal)',
  })
  @IsAmount({ min: '0.01' })
  amount!: string;

  @ApiProperty({ example: '13000.00', description: 'The VAT part of amount: 0 or more and less than amount' })
  @IsAmount({ min: '0' })
  @IsBelow('amount')
  tax!: string;

  @ApiPropertyOptional({ example: 'CNY', description: "Default: the contract's currency, else CNY" })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ReverseInvoiceDto {
  @ApiProperty({ example: '04471299', description: "The red-letter invoice's own number (unique)" })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(INVOICE_NUMBER, {
    message: 'number may hold letters, digits, -, _ and / and must start with a letter or digit',
  })
  number!: string;

  @ApiProperty({
    description: 'Why the invoice is cancelled (kept as the red-letter invoice’s note and in the audit log)',
  })
  @IsString()
  @MinLength(2)
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({
    example: '2026-06-20',
    description: 'The red-letter invoice’s date; default today; not before the original',
  })
  @IsOptional()
  @IsDateOnly()
  date?: string;
}

export class InvoiceQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contractId?: string;

  @ApiPropertyOptional({ description: 'Invoice date from (inclusive)' })
  @IsOptional()
  @IsDateOnly()
  from?: string;

  @ApiPropertyOptional({ description: 'Invoice date to (inclusive)' })
  @IsOptional()
  @IsDateOnly()
  @IsNotBefore('from')
  to?: string;
}
