import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { plainToInstance, Transform, Type } from 'class-transformer';
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
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsDateOnly } from '../../../common/tabular/date-only.js';
import { PaymentShareDto, QuotationLineDto } from '../../quotations/index.js';

const handMade = (o: { quotationId?: string }) => o.quotationId === undefined || o.quotationId === null;

export class ConfigurationItemDto {
  @ApiProperty({ example: '变送器', description: 'An item of the configuration (配置)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  item!: string;

  @ApiPropertyOptional({ example: '分体式，IP68，4-20mA + HART', nullable: true, description: 'Its technical options' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  options?: string | null;
}

/**
 * A contract from an accepted quotation (`quotationId`: customer, project, lines, payment terms and delivery date
 * default from it) or by hand (no quotationId: customerId, projectName, lines and paymentTerms required).
 */
export class CreateContractDto {
  @ApiPropertyOptional({ description: 'An accepted quotation; its current revision is copied and reviewed against' })
  @IsOptional()
  @IsUUID()
  quotationId?: string;

  @ApiPropertyOptional({ description: 'Required without quotationId; with one, it must be the quotation’s customer' })
  @ValidateIf((o: CreateContractDto) => handMade(o) || o.customerId !== undefined)
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ example: 'HT2026-0001', description: 'Default: HT{YYYY}-{SEQ:4} by the signing year, gap-free' })
  @IsOptional()
  @IsString()
  @Matches(/^\S(.*\S)?$/, { message: 'number must not be blank or start or end with a space' })
  @MaxLength(40)
  number?: string;

  @ApiPropertyOptional({ example: '炼铁厂高炉煤气流量计改造', description: 'Default: the quotation’s' })
  @ValidateIf((o: CreateContractDto) => handMade(o) || o.projectName !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  projectName?: string;

  @ApiProperty({ example: '2026-06-18' })
  @IsDateOnly()
  signingDate!: string;

  @ApiPropertyOptional({ example: 'CNY', description: 'By hand only (default CNY); from a quotation: the quotation’s' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency?: string;

  @ApiPropertyOptional({
    type: [QuotationLineDto],
    description: 'Default: the quotation’s lines as quoted. Given lines are priced like quotation lines (half-up per line).',
  })
  @ValidateIf((o: CreateContractDto) => handMade(o) || o.lines !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => QuotationLineDto)
  lines?: QuotationLineDto[];

  @ApiPropertyOptional({
    type: [PaymentShareDto],
    description: 'e.g. 3-6-1; the shares add up to exactly 100 (400 PAYMENT_TERMS_NOT_100). Default: the quotation’s',
  })
  @ValidateIf((o: CreateContractDto) => handMade(o) || o.paymentTerms !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PaymentShareDto)
  paymentTerms?: PaymentShareDto[];

  @ApiPropertyOptional({ example: '2026-08-15', nullable: true, description: 'Default: the quotation’s delivery date' })
  @IsOptional()
  @IsDateOnly()
  deliveryDate?: string | null;

  @ApiPropertyOptional({ type: [ConfigurationItemDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ConfigurationItemDto)
  configuration?: ConfigurationItemDto[];

  @ApiPropertyOptional({ nullable: true, description: '特殊要求, printed in the contact sheet’s remarks' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  specialRequirements?: string | null;
}

/** Some fields of a draft (or review_failed) contract; `lines`, `paymentTerms`, `configuration` replace the lists. */
export class UpdateContractDto extends PartialType(
  OmitType(CreateContractDto, ['quotationId', 'customerId', 'currency'] as const),
  { skipNullProperties: false },
) {}

export class RequiredReasonDto {
  @ApiProperty({ example: '客户为战略客户，总经理同意按合同价执行' })
  @IsString()
  @MaxLength(2000)
  reason!: string;
}

export class OptionalReasonDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export const CHANGE_OPS = ['add', 'remove', 'replace'] as const;

export class ChangeOperationDto {
  @ApiProperty({ enum: CHANGE_OPS })
  @IsIn(CHANGE_OPS)
  op!: (typeof CHANGE_OPS)[number];
}

export class AddLineDto extends ChangeOperationDto {
  declare op: 'add';

  @ApiProperty({ type: QuotationLineDto, description: 'The new line (appended)' })
  @IsObject()
  @ValidateNested()
  @Type(() => QuotationLineDto)
  line!: QuotationLineDto;
}

export class RemoveLineDto extends ChangeOperationDto {
  declare op: 'remove';

  @ApiProperty({ example: 2, description: 'A line number of the current revision' })
  @IsInt()
  @Min(1)
  line!: number;
}

export class ReplaceLineDto extends ChangeOperationDto {
  declare op: 'replace';

  @ApiProperty({ example: 1, description: 'A line number of the current revision' })
  @IsInt()
  @Min(1)
  line!: number;

  @ApiProperty({ type: QuotationLineDto, description: 'What the line becomes' })
  @IsObject()
  @ValidateNested()
  @Type(() => QuotationLineDto)
  with!: QuotationLineDto;
}

export type ChangeOperationInput = AddLineDto | RemoveLineDto | ReplaceLineDto;

const OPERATION_TYPES: Record<string, new () => ChangeOperationDto> = {
  add: AddLineDto,
  remove: RemoveLineDto,
  replace: ReplaceLineDto,
};

/**
 * Each operation as the class its `op` names (class-transformer's discriminator would fail on a null element);
 * an unknown op stays a ChangeOperationDto and fails its @IsIn, anything but an object fails @ValidateNested.
 */
function operationInstances(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((v: unknown) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    const op = (v as { op?: unknown }).op;
    const type = typeof op === 'string' && Object.hasOwn(OPERATION_TYPES, op) ? OPERATION_TYPES[op] : ChangeOperationDto;
    return plainToInstance(type, v);
  });
}

export class CreateChangeDto {
  @ApiProperty({
    description:
      '{ op: "add", line: {…} } | { op: "remove", line: n } | { op: "replace", line: n, with: {…} }; n as in the current revision',
    example: [{ op: 'replace', line: 1, with: { productId: '…', qty: '4' } }, { op: 'remove', line: 2 }],
  })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Transform(({ obj }: { obj: { operations?: unknown } }) => operationInstances(obj.operations), { toClassOnly: true })
  operations!: ChangeOperationInput[];

  @ApiPropertyOptional({ example: '2026-09-30', description: 'A new delivery date' })
  @IsOptional()
  @IsDateOnly()
  deliveryDate?: string;

  @ApiPropertyOptional({ type: [ConfigurationItemDto], description: 'The new configuration (replaces the list)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ConfigurationItemDto)
  configuration?: ConfigurationItemDto[];

  @ApiPropertyOptional({ description: 'New special requirements (replace the old)' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  specialRequirements?: string;

  @ApiProperty({ example: '客户要求增加一台备用表' })
  @IsString()
  @MaxLength(2000)
  reason!: string;
}
