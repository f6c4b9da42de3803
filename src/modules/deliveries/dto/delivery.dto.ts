import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { compare } from '../../../common/money.js';
import { PageQuery } from '../../../common/pagination.js';
import { IsDateOnly, IsNotBefore } from '../../../common/tabular/date-only.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../delivery.entity.js';
import { QTY_DIGITS, QTY_PLACES } from '../delivery-rules.js';

/** Text that is not blank: at least one character other than white space. */
const NOT_BLANK = /\S/;

/**
 * A quantity: a decimal string above zero with the precision of a contract line's quantity (12 digits, 3 places:
 * "3", "2.5", "0.125"), never a JSON number.
 */
function IsQuantity(): PropertyDecorator {
  const pattern = new RegExp(`^\\d{1,${QTY_DIGITS}}(\\.\\d{1,${QTY_PLACES}})?$`);
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isQuantity',
      target: target.constructor,
      propertyName: propertyKey as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && pattern.test(value) && compare(value, '0') > 0,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be a decimal string above 0 with at most ${QTY_PLACES} places (e.g. "3" or "2.5")`,
      },
    });
}

export class DeliveryItemDto {
  @ApiProperty({ example: 1, description: "The contract line's number (its current revision)" })
  @IsInt()
  @Min(1)
  @Max(100000)
  line!: number;

  @ApiProperty({
    example: '2',
    description: 'Decimal string above 0, up to 3 places; not more than remains to deliver',
  })
  @IsQuantity()
  qty!: string;
}

export class GateOverrideDto {
  @ApiProperty({
    example: '客户为战略客户，总经理同意先发货，余款月底前付清',
    description: 'Why the goods ship before the payment due (audit log and the delivery record; never printed)',
  })
  @IsString()
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @MaxLength(1000)
  reason!: string;
}

export class CreateDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'An approved or active contract' })
  @IsUUID()
  contractId!: string;

  @ApiProperty({ type: [DeliveryItemDto], description: 'Each contract line at most once' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique((i: DeliveryItemDto | null) => (i && typeof i === 'object' ? i.line : i), {
    message: 'items must name each line only once',
  })
  @ValidateNested({ each: true })
  @Type(() => DeliveryItemDto)
  items!: DeliveryItemDto[];

  @ApiProperty({ example: '2026-07-20', description: 'YYYY-MM-DD' })
  @IsDateOnly()
  shipDate!: string;

  @ApiPropertyOptional({ example: '2026-07-22', description: 'Estimated arrival, not before shipDate' })
  @IsOptional()
  @IsDateOnly()
  @IsNotBefore('shipDate')
  estimatedArrival?: string;

  @ApiProperty({ example: '赵志强' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'consignee must not be blank' })
  @MaxLength(100)
  consignee!: string;

  @ApiProperty({ example: '山东省日照市岚山区钢城大道1号 炼铁厂仓库' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'address must not be blank' })
  @MaxLength(300)
  address!: string;

  @ApiProperty({ example: '139 1234 5601' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'contactPhone must not be blank' })
  @MaxLength(50)
  contactPhone!: string;

  @ApiPropertyOptional({
    example: 'zhao@qinglan-steel.example',
    description: "Where the customer's copy is mailed; default: the customer's first contact with an e-mail",
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  customerEmail?: string;

  @ApiPropertyOptional({ example: '德邦物流' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  carrier?: string;

  @ApiPropertyOptional({ example: '孙师傅' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  driverName?: string;

  @ApiPropertyOptional({ example: '135 0000 1111' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  driverPhone?: string;

  @ApiPropertyOptional({ example: '鲁L·A1234' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  licencePlate?: string;

  @ApiPropertyOptional({ example: '放射源随车附准运证' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  remarks?: string;

  @ApiPropertyOptional({
    type: GateOverrideDto,
    description:
      'manager only (403 GATE_OVERRIDE_FORBIDDEN): issue although PAYMENT_OUTSTANDING would refuse; the notice says "shipped on approval"',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GateOverrideDto)
  override?: GateOverrideDto;
}

/** The transport details may be corrected when the goods leave: the same fields and rules as on the notice. */
export class ShipDeliveryDto extends PickType(CreateDeliveryDto, [
  'carrier',
  'driverName',
  'driverPhone',
  'licencePlate',
] as const) {
  @ApiPropertyOptional({
    example: '2026-07-20T08:30:00+08:00',
    description: 'When the goods left; default now; not in the future',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'shippedAt must be a date, a time and a zone, such as 2026-07-20T08:30:00+08:00',
  })
  @IsISO8601({ strict: true, strictSeparator: true })
  shippedAt?: string;
}

export class DeliverDeliveryDto {
  @ApiProperty({
    example: '2026-07-22',
    description: 'The day the goods arrived: not before they shipped, not in the future',
  })
  @IsDateOnly()
  arrivedOn!: string;

  @ApiPropertyOptional({ example: '签收单号 QS-0722，收货人赵志强' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  note?: string;
}

export class CancelDeliveryDto {
  @ApiProperty({ example: '客户要求推迟发货', description: 'Why (audit log)' })
  @IsString()
  @MinLength(1)
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @MaxLength(2000)
  reason!: string;
}

export class DeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contractId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class RemainingQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  contractId!: string;
}

export class DeliveryFileQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'docx'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'docx'])
  format: 'pdf' | 'docx' = 'pdf';

  @ApiPropertyOptional({ description: "The notice's document version (default: the newest)" })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}
