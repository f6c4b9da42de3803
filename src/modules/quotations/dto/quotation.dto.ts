import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
  IsEmail,
} from 'class-validator';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { compare } from '../../../common/money.js';
import { IsDateOnly } from '../../../common/tabular/date-only.js';
import { IsAmount } from '../../../common/validation.js';
import { IsPercent } from '../../products/index.js';
import { INCOTERMS, PAYMENT_EVENTS, type PaymentEvent } from '../quotation-revision.entity.js';

/**
 * A positive decimal string ("3", "2.5", "0.125"), never a JSON number: `places` after the point, `digits`
 * before it, above zero and at most `max`.
 */
function IsPositiveDecimal(opts: { places: number; digits: number; max?: string }): PropertyDecorator {
  const pattern = new RegExp(`^\\d{1,${opts.digits}}(\\.\\d{1,${opts.places}})?$`);
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isPositiveDecimal',
      target: target.constructor,
      propertyName: propertyKey as string,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          pattern.test(value) &&
          compare(value, '0') > 0 &&
          (opts.max === undefined || compare(value, opts.max) <= 0),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be a decimal string above 0 with at most ${opts.places} places` +
          (opts.max ? `, at most ${opts.max}` : '') +
          ' (e.g. "3" or "2.5")',
      },
    });
}

const noProduct = (o: { productId?: string }) => o.productId === undefined || o.productId === null;

export class QuotationLineDto {
  @ApiPropertyOptional({
    description:
      'A product of the price list: name, specification, unit, unit price (list price) and tax rate default from it',
  })
  @IsOptional()
  @IsUUID()
  productId?: string;

  @ApiPropertyOptional({ example: '电磁流量计', description: 'Required for a free-text line (no productId)' })
  @ValidateIf((o: QuotationLineDto) => noProduct(o) || o.name !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'DN50 PN16，PTFE 衬里', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  specification?: string | null;

  @ApiProperty({ example: '3', description: 'Decimal string above 0, up to 3 places' })
  @IsPositiveDecimal({ places: 3, digits: 12 })
  qty!: string;

  @ApiPropertyOptional({ example: '台', description: 'Required for a free-text line' })
  @ValidateIf((o: QuotationLineDto) => noProduct(o) || o.unit !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(16)
  unit?: string;

  @ApiPropertyOptional({
    example: '8600.00',
    description: "Decimal string; default: the product's list price; required for a free-text line",
  })
  @ValidateIf((o: QuotationLineDto) => noProduct(o) || o.unitPrice !== undefined)
  @IsAmount({ min: '0' })
  unitPrice?: string;

  @ApiPropertyOptional({ example: '5', default: '0', description: 'Percent off the unit price, "0" to "100"' })
  @IsOptional()
  @IsPercent()
  discount?: string;

  @ApiPropertyOptional({ example: '13', description: "VAT percent; default: the product's, or 13" })
  @IsOptional()
  @IsPercent()
  taxRate?: string;
}

export class PaymentShareDto {
  @ApiProperty({ example: '30', description: 'Percent of the total, above 0; the shares add up to exactly 100' })
  @IsPositiveDecimal({ places: 2, digits: 3, max: '100' })
  percent!: string;

  @ApiProperty({ enum: PAYMENT_EVENTS, example: 'contract_signed' })
  @IsIn(PAYMENT_EVENTS)
  event!: PaymentEvent;

  @ApiPropertyOptional({ example: 7, description: 'Due within this many days of the event' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  days?: number;

  @ApiPropertyOptional({ example: '质保金', description: 'Required when event is "other"' })
  @ValidateIf((o: PaymentShareDto) => o.event === 'other' || o.label !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  label?: string;
}

export class DeliveryTermsDto {
  @ApiPropertyOptional({ example: 45, description: 'Delivery within this many days of receiving the advance payment' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  daysAfterAdvance?: number;

  @ApiPropertyOptional({ example: '2026-09-30', description: 'Or a delivery date' })
  @IsOptional()
  @IsDateOnly()
  date?: string;

  @ApiPropertyOptional({ example: '需方现场（江苏苏州）' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  place?: string;

  @ApiPropertyOptional({ enum: INCOTERMS })
  @IsOptional()
  @IsIn(INCOTERMS)
  incoterm?: (typeof INCOTERMS)[number];
}

export class CreateQuotationDto {
  @ApiProperty({ description: 'An existing customer' })
  @IsUUID()
  customerId!: string;

  @ApiProperty({ example: '炼铁厂高炉煤气流量计改造' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  projectName!: string;

  @ApiPropertyOptional({ example: 'CNY', default: 'CNY', description: 'ISO 4217' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency?: string;

  @ApiPropertyOptional({ example: '2026-06-01', description: 'Default: today (a new revision: today)' })
  @IsOptional()
  @IsDateOnly()
  issueDate?: string;

  @ApiProperty({ example: '2026-06-30', description: 'The last day the offer holds; not before issueDate' })
  @IsDateOnly()
  validUntil!: string;

  @ApiProperty({ type: [QuotationLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => QuotationLineDto)
  lines!: QuotationLineDto[];

  @ApiProperty({
    type: [PaymentShareDto],
    description:
      'The schedule, e.g. 30 % on signing, 60 % before delivery, 10 % after acceptance; 400 PAYMENT_TERMS_NOT_100',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PaymentShareDto)
  paymentTerms!: PaymentShareDto[];

  @ApiPropertyOptional({ type: DeliveryTermsDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeliveryTermsDto)
  deliveryTerms?: DeliveryTermsDto | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string | null;
}

/** Some fields (PATCH); `lines` and `paymentTerms`, when given, replace the whole list. The customer stays. */
export class UpdateQuotationDto extends PartialType(OmitType(CreateQuotationDto, ['customerId'] as const), {
  skipNullProperties: false,
}) {}

export class ReasonDto {
  @ApiPropertyOptional({
    example: '战略客户首单，总经理同意按低于底价供货',
    description:
      'approve: required when a line is below its floor price (APPROVAL_REASON_REQUIRED); reject: the customer’s reason',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

/** POST /api/quotations/{id}/send: optionally mailed to the customer with its acceptance link. */
export class SendQuotationDto {
  @ApiPropertyOptional({
    example: 'shebei@customer.example',
    description:
      'Mail the signed PDF of the approved revision to this address with a link where the customer accepts (name, ' +
      'position) or declines (reason) it online; without it the quotation is only marked sent',
  })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  sendTo?: string;

  @ApiPropertyOptional({
    enum: LOCALES,
    description:
      "The language of the PDF, mail and page. Default: the customer's language, else the company's documentLocale",
  })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}
