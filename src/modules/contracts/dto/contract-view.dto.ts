import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorRefDto, IdNameDto } from '../../../common/openapi/ref.dto.js';
import { AMOUNT, DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import { QuotationViewPaymentShareDto as PaymentShareDto } from '../../quotations/index.js';
import {
  CHANGE_STATUSES,
  CONTRACT_STATUSES,
  type ChangeOperation,
  type ChangeStatus,
  type ConfigurationItem,
  type ContractApproval,
  type ContractReview,
  type ContractStatus,
  type ReviewCheck,
} from '../contract.entity.js';
import type {
  ChangeView,
  ContractLineViewFor,
  ContractListItemFor,
  ContractReviewResult,
  ContractViewFor,
} from '../contracts.service.js';

const PRICE_NOTE = 'Absent (not zero) for production users';

export class ContractLineViewDto implements ContractLineViewFor {
  @ApiProperty({ description: 'Line number, from 1' })
  line!: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  productId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  productCode!: string | null;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  specification!: string | null;

  @ApiProperty({ example: '2', description: 'A decimal string' })
  qty!: string;

  @ApiProperty({ example: '台' })
  unit!: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  unitPrice?: string;

  @ApiPropertyOptional({ example: '5', description: `Percent. ${PRICE_NOTE}` })
  discount?: string;

  @ApiPropertyOptional({ example: '13', description: `VAT percent. ${PRICE_NOTE}` })
  taxRate?: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  net?: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  tax?: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  total?: string;
}

export class ConfigurationItemViewDto implements ConfigurationItem {
  @ApiProperty()
  item!: string;

  @ApiProperty({ type: String, nullable: true })
  options!: string | null;
}

export class ReviewCheckDto implements ReviewCheck {
  @ApiProperty({ example: 'line.2.unitPrice' })
  check!: string;

  @ApiProperty()
  passed!: boolean;

  @ApiProperty({ description: "The quotation's value (any JSON)" })
  quotation!: unknown;

  @ApiProperty({ description: "The contract's value (any JSON)" })
  contract!: unknown;

  @ApiProperty()
  message!: string;
}

export class ContractReviewDto implements ContractReview {
  @ApiProperty(TIMESTAMP)
  at!: string;

  @ApiProperty({ type: ActorRefDto })
  by!: ActorRefDto;

  @ApiProperty()
  revision!: number;

  @ApiProperty()
  passed!: boolean;

  @ApiProperty({ type: [ReviewCheckDto] })
  checks!: ReviewCheckDto[];
}

export class ContractReviewResultDto extends ContractReviewDto implements ContractReviewResult {
  @ApiProperty({ enum: CONTRACT_STATUSES, description: "The contract's status after the review" })
  status!: ContractStatus;
}

export class ContractApprovalDto implements ContractApproval {
  @ApiProperty(TIMESTAMP)
  at!: string;

  @ApiProperty({ type: ActorRefDto })
  by!: ActorRefDto;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ type: [String], description: 'The failed checks the manager let through' })
  failedChecks!: string[];
}

export class QuotationRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty()
  revision!: number;
}

export class ContractRevisionSummaryDto {
  @ApiProperty()
  revision!: number;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The change request it came from' })
  changeRequestId!: string | null;
}

export class ContractViewDto implements ContractViewFor {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty({ type: QuotationRefDto, nullable: true })
  quotation!: QuotationRefDto | null;

  @ApiProperty()
  projectName!: string;

  @ApiProperty({ type: String, nullable: true, description: '项目号: given when the advance payment arrives' })
  projectNumber!: string | null;

  @ApiProperty(DATE_ONLY)
  signingDate!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ enum: CONTRACT_STATUSES })
  status!: ContractStatus;

  @ApiProperty({ description: 'The revision shown here' })
  revision!: number;

  @ApiProperty()
  currentRevision!: number;

  @ApiProperty({ type: [ContractLineViewDto] })
  lines!: ContractLineViewDto[];

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  subtotal?: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  taxTotal?: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  total?: string;

  @ApiPropertyOptional({ type: [PaymentShareDto], description: PRICE_NOTE })
  paymentTerms?: PaymentShareDto[];

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  deliveryDate!: string | null;

  @ApiProperty({ type: [ConfigurationItemViewDto] })
  configuration!: ConfigurationItemViewDto[];

  @ApiProperty({ type: String, nullable: true })
  specialRequirements!: string | null;

  @ApiPropertyOptional({ type: ContractReviewDto, nullable: true, description: PRICE_NOTE })
  review?: ContractReviewDto | null;

  @ApiPropertyOptional({ type: ContractApprovalDto, nullable: true, description: PRICE_NOTE })
  approval?: ContractApprovalDto | null;

  @ApiProperty({ type: [ContractRevisionSummaryDto] })
  revisions!: ContractRevisionSummaryDto[];

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;

  @ApiProperty({ description: 'Every change raises it: the ETag of GET, If-Match of PATCH' })
  version!: number;
}

export class ContractListItemDto implements ContractListItemFor {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty({ type: QuotationRefDto, nullable: true })
  quotation!: QuotationRefDto | null;

  @ApiProperty()
  projectName!: string;

  @ApiProperty({ type: String, nullable: true })
  projectNumber!: string | null;

  @ApiProperty(DATE_ONLY)
  signingDate!: string;

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  deliveryDate!: string | null;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ enum: CONTRACT_STATUSES })
  status!: ContractStatus;

  @ApiProperty()
  revision!: number;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  total?: string;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;
}

/**
 * One operation of a change request (ChangeOperation, a union on `op`): add a line, remove line n, or replace
 * line n with `with`. One class for the three arms: `line` is a line number for remove and replace, the new line
 * for add.
 */
export class ChangeOperationDto {
  @ApiProperty({ enum: ['add', 'remove', 'replace'] })
  op!: ChangeOperation['op'];

  @ApiProperty({
    oneOf: [{ type: 'integer' }, { type: 'object', additionalProperties: true }],
    description: 'remove, replace: the line number; add: the new line (the fields of a contract line, unpriced)',
  })
  line!: unknown;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'replace: the new line (the fields of a contract line, unpriced)',
  })
  with?: unknown;
}

export class ChangeViewDto implements ChangeView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  contractId!: string;

  @ApiProperty({ description: 'The revision the change was asked against' })
  baseRevision!: number;

  @ApiProperty({ type: [ChangeOperationDto] })
  operations!: ChangeOperation[];

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  deliveryDate!: string | null;

  @ApiProperty({ type: [ConfigurationItemViewDto], nullable: true })
  configuration!: ConfigurationItemViewDto[] | null;

  @ApiProperty({ type: String, nullable: true })
  specialRequirements!: string | null;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ enum: CHANGE_STATUSES })
  status!: ChangeStatus;

  @ApiProperty({ type: ActorRefDto })
  requestedBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  requestedAt!: Date;

  @ApiProperty({ type: ActorRefDto, nullable: true })
  decidedBy!: ActorRefDto | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  decidedAt!: Date | null;

  @ApiProperty({ type: String, nullable: true })
  decisionReason!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The revision an approved change became' })
  resultRevision!: number | null;
}
