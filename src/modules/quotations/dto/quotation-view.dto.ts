import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorRefDto, IdNameDto } from '../../../common/openapi/ref.dto.js';
import { AMOUNT, DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import {
  INCOTERMS,
  PAYMENT_EVENTS,
  type BelowFloorLine,
  type DeliveryTerms,
  type PaymentEvent,
  type PaymentShare,
} from '../quotation-revision.entity.js';
import { QUOTATION_STATUSES, type QuotationStatus } from '../quotation-status.js';
import { QUOTATION_ANSWERS, type QuotationAnswer } from '../quotation-link.types.js';
import type {
  ApprovalView,
  CustomerAnswerView,
  OnlineLinkView,
  QuotationLineViewFor,
  QuotationListItemFor,
  QuotationViewFor,
  RevisionSummary,
} from '../quotations.service.js';

const PRICE_NOTE = 'Absent (not zero) for callers who may not see prices';

export class PaymentShareDto implements PaymentShare {
  @ApiProperty({ example: '30', description: 'Percent, two places at most; the shares add up to exactly 100' })
  percent!: string;

  @ApiProperty({ enum: PAYMENT_EVENTS })
  event!: PaymentEvent;

  @ApiProperty({ type: Number, nullable: true, description: 'Due within this many days of the event' })
  days!: number | null;

  @ApiProperty({ type: String, nullable: true })
  label!: string | null;
}

export class DeliveryTermsDto implements DeliveryTerms {
  @ApiProperty({ type: Number, nullable: true, description: 'Delivery within this many days of the advance payment' })
  daysAfterAdvance!: number | null;

  @ApiProperty({ ...DATE_ONLY, nullable: true, description: 'Or on/by this date' })
  date!: string | null;

  @ApiProperty({ type: String, nullable: true })
  place!: string | null;

  @ApiProperty({ enum: INCOTERMS, nullable: true })
  incoterm!: (typeof INCOTERMS)[number] | null;
}

export class BelowFloorLineDto implements BelowFloorLine {
  @ApiProperty()
  line!: number;

  @ApiProperty()
  productCode!: string;
}

export class QuotationLineViewDto implements QuotationLineViewFor {
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

  @ApiPropertyOptional({ ...AMOUNT, description: `net + tax. ${PRICE_NOTE}` })
  total?: string;

  @ApiPropertyOptional({
    ...AMOUNT,
    nullable: true,
    description: "The product's current floor price (floor-price roles only)",
  })
  floorPrice?: string | null;

  @ApiPropertyOptional({ description: 'The price after discount is below the floor (floor-price roles only)' })
  belowFloor?: boolean;
}

export class QuotationApprovalDto implements ApprovalView {
  @ApiProperty({ type: ActorRefDto })
  by!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  at!: Date;

  @ApiPropertyOptional({ type: String, nullable: true })
  reason?: string | null;

  @ApiPropertyOptional({ type: [BelowFloorLineDto], description: 'The lines approved below their floor price' })
  belowFloorLines?: BelowFloorLineDto[];
}

export class RevisionSummaryDto implements RevisionSummary {
  @ApiProperty()
  revision!: number;

  @ApiProperty(DATE_ONLY)
  issueDate!: string;

  @ApiProperty(DATE_ONLY)
  validUntil!: string;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;
}

export class AnsweredDocumentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The document version the customer was sent (and saw through the link)' })
  sentVersion!: number;

  @ApiProperty({ description: 'sha256 (hex) of that version’s PDF' })
  sha256!: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'accepted: the version with the signed acceptance record page appended',
  })
  recordVersion!: number | null;
}

export class CustomerAnswerDto implements CustomerAnswerView {
  @ApiProperty()
  revision!: number;

  @ApiProperty({ enum: QUOTATION_ANSWERS })
  answer!: QuotationAnswer;

  @ApiProperty(TIMESTAMP)
  at!: Date;

  @ApiProperty({ description: 'As the customer typed it' })
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  position!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why they declined, or a remark with an acceptance' })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The client address (TRUST_PROXY)' })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty({ description: 'Where the link was mailed' })
  sentTo!: string;

  @ApiProperty({ type: AnsweredDocumentDto })
  document!: AnsweredDocumentDto;
}

export class OnlineLinkDto implements OnlineLinkView {
  @ApiProperty()
  revision!: number;

  @ApiProperty({ description: 'Where the link was mailed' })
  sentTo!: string;

  @ApiProperty(TIMESTAMP)
  sentAt!: Date;

  @ApiProperty(TIMESTAMP)
  expiresAt!: Date;

  @ApiProperty({ ...TIMESTAMP, nullable: true, description: 'First opened (page or PDF); null: not yet' })
  openedAt!: Date | null;

  @ApiProperty({
    enum: ['sent', 'opened', 'expired', 'accepted', 'declined'],
    description:
      'sent: not opened yet; opened: opened, not answered; expired: unanswered past its end; accepted / declined: ' +
      'the answer (customerAnswers)',
  })
  state!: OnlineLinkView['state'];
}

export class QuotationViewDto implements QuotationViewFor {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ enum: QUOTATION_STATUSES, description: 'Today’s (expired derived from the validity date)' })
  status!: QuotationStatus;

  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty({ description: 'The revision shown here' })
  revision!: number;

  @ApiProperty()
  currentRevision!: number;

  @ApiProperty()
  projectName!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty(DATE_ONLY)
  issueDate!: string;

  @ApiProperty(DATE_ONLY)
  validUntil!: string;

  @ApiProperty({ type: [QuotationLineViewDto] })
  lines!: QuotationLineViewDto[];

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  subtotal?: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  taxTotal?: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  total?: string;

  @ApiPropertyOptional({ type: [PaymentShareDto], description: PRICE_NOTE })
  paymentTerms?: PaymentShareDto[];

  @ApiProperty({ type: DeliveryTermsDto, nullable: true })
  deliveryTerms!: DeliveryTermsDto | null;

  @ApiProperty({ type: String, nullable: true })
  notes!: string | null;

  @ApiProperty({ type: QuotationApprovalDto, nullable: true })
  approval!: QuotationApprovalDto | null;

  @ApiProperty({ type: [RevisionSummaryDto] })
  revisions!: RevisionSummaryDto[];

  @ApiProperty({
    type: [CustomerAnswerDto],
    description: 'What the customer answered through acceptance links (POST /send with sendTo), newest first',
  })
  customerAnswers!: CustomerAnswerDto[];

  @ApiProperty({ type: [OnlineLinkDto], description: 'Every acceptance link mailed, newest first, with its state' })
  onlineLinks!: OnlineLinkDto[];

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;

  @ApiProperty({ description: 'Any change raises it: the ETag of GET, If-Match of PATCH' })
  version!: number;
}

export class QuotationListItemDto implements QuotationListItemFor {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ enum: QUOTATION_STATUSES })
  status!: QuotationStatus;

  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty()
  revision!: number;

  @ApiProperty()
  projectName!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty(DATE_ONLY)
  issueDate!: string;

  @ApiProperty(DATE_ONLY)
  validUntil!: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  subtotal?: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  taxTotal?: string;

  @ApiPropertyOptional({ ...AMOUNT, description: PRICE_NOTE })
  total?: string;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;
}
