import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { IsDateOnly, IsNotBefore } from '../../../common/tabular/date-only.js';
import { IsAmount } from '../../../common/validation.js';
import { PAYMENT_METHODS, PAYMENT_NATURES, type PaymentMethod, type PaymentNature } from '../payment.entity.js';

export class CreatePaymentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  customerId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The contract paid; its customer must be customerId' })
  @IsOptional()
  @IsUUID()
  contractId?: string;

  @ApiProperty({ example: '2026-06-12', description: 'The day the money arrived (YYYY-MM-DD)' })
  @IsDateOnly()
  date!: string;

  @ApiProperty({ example: '245029.20', description: 'Decimal string, above zero (a correction is a reversal)' })
  @IsAmount({ min: '0.01' })
  amount!: string;

  @ApiPropertyOptional({ example: 'CNY', description: "Default: the contract's currency, else CNY" })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency?: string;

  @ApiProperty({ enum: PAYMENT_METHODS })
  @IsIn(PAYMENT_METHODS)
  method!: PaymentMethod;

  @ApiProperty({ enum: PAYMENT_NATURES, description: 'advance on a contract without a project number gives it one' })
  @IsIn(PAYMENT_NATURES)
  nature!: PaymentNature;

  @ApiPropertyOptional({ description: "The bank's reference or the acceptance bill's number" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reference?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ReversePaymentDto {
  @ApiProperty({ description: 'Why the payment is reversed (kept as the reversal note and in the audit log)' })
  @IsString()
  @MinLength(2)
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(2000)
  reason!: string;
}

export class PaymentQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contractId?: string;

  @ApiPropertyOptional({ enum: PAYMENT_NATURES })
  @IsOptional()
  @IsIn(PAYMENT_NATURES)
  nature?: PaymentNature;

  @ApiPropertyOptional({ description: 'Payment date from (inclusive)' })
  @IsOptional()
  @IsDateOnly()
  from?: string;

  @ApiPropertyOptional({ description: 'Payment date to (inclusive)' })
  @IsOptional()
  @IsDateOnly()
  @IsNotBefore('from')
  to?: string;
}
