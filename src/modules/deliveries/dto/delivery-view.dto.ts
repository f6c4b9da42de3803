import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorRefDto } from '../../../common/openapi/ref.dto.js';
import { AMOUNT, DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import { DocumentFileViewDto } from '../../documents/index.js';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../outbox/index.js';
import type {
  DeliveryDocumentView,
  DeliveryListItem,
  DeliveryMailView,
  DeliveryView,
  MailAudience,
  RemainingView,
} from '../deliveries.service.js';
import { MAIL_AUDIENCES } from '../deliveries.service.js';
import type { LineProgress } from '../delivery-rules.js';
import { DELIVERY_STATUSES, type DeliveryItem, type DeliveryStatus, type GateShare } from '../delivery.entity.js';

const GATE_RESULTS = ['paid', 'approved'] as const;
type GateResult = (typeof GATE_RESULTS)[number];

export class DeliveryItemViewDto implements DeliveryItem {
  @ApiProperty({ description: "The contract line's number" })
  line!: number;

  @ApiProperty({ type: String, nullable: true })
  productCode!: string | null;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  specification!: string | null;

  @ApiProperty({ example: '1', description: 'A decimal string' })
  qty!: string;

  @ApiProperty({ example: '台' })
  unit!: string;
}

export class GateShareDto implements GateShare {
  @ApiProperty({ description: 'The share of the payment terms (index)' })
  share!: number;

  @ApiProperty()
  event!: string;

  @ApiProperty({ type: String, nullable: true })
  label!: string | null;

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  dueDate!: string | null;

  @ApiProperty(AMOUNT)
  outstanding!: string;
}

/**
 * The payment gate (GateView, a union by reader): the outstanding shares and the approval's reason are for the
 * roles that deal with money; production and engineering get result, approvedBy and at only.
 */
export class DeliveryGateViewDto {
  @ApiProperty({ enum: GATE_RESULTS, description: 'paid, or approved by a manager as an exception' })
  result!: GateResult;

  @ApiPropertyOptional({ type: [GateShareDto], description: 'What was outstanding at issue (money roles only)' })
  outstanding?: GateShareDto[];

  @ApiProperty({ type: ActorRefDto, nullable: true })
  approvedBy!: ActorRefDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Money roles only' })
  reason?: string | null;

  @ApiProperty(TIMESTAMP)
  at!: string;
}

export class DeliveryMailViewDto implements DeliveryMailView {
  @ApiProperty({ enum: MAIL_AUDIENCES })
  audience!: MailAudience;

  @ApiProperty({ type: String, nullable: true, description: 'null: no address known (status no_address)' })
  to!: string | null;

  @ApiProperty({
    enum: [...OUTBOX_STATUSES, 'no_address', 'not_queued'],
    description: 'The outbox status; no_address: nobody to send it to; not_queued: the notice is not rendered yet',
  })
  status!: OutboxStatus | 'no_address' | 'not_queued';

  @ApiProperty({ type: String, nullable: true })
  messageId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  outboxId!: string | null;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  sentAt!: Date | null;
}

export class LinkedFileViewDto extends DocumentFileViewDto {
  @ApiProperty({ description: 'Where to download it' })
  url!: string;
}

export class DeliveryDocumentVersionDto {
  @ApiProperty()
  version!: number;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty()
  signed!: boolean;

  @ApiProperty({ type: [LinkedFileViewDto] })
  files!: LinkedFileViewDto[];
}

export class DeliveryDocumentViewDto implements DeliveryDocumentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  latestVersion!: number;

  @ApiProperty({ type: [DeliveryDocumentVersionDto] })
  versions!: DeliveryDocumentVersionDto[];
}

export class DeliveryContractRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty()
  projectName!: string;

  @ApiProperty({ type: String, nullable: true })
  projectNumber!: string | null;
}

export class DeliveryCustomerRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}

export class DeliveryViewDto implements DeliveryView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;

  @ApiProperty({ type: DeliveryContractRefDto })
  contract!: DeliveryContractRefDto;

  @ApiProperty({ type: DeliveryCustomerRefDto })
  customer!: DeliveryCustomerRefDto;

  @ApiProperty({ type: [DeliveryItemViewDto] })
  items!: DeliveryItemViewDto[];

  @ApiProperty(DATE_ONLY)
  shipDate!: string;

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  estimatedArrival!: string | null;

  @ApiProperty()
  consignee!: string;

  @ApiProperty()
  address!: string;

  @ApiProperty()
  contactPhone!: string;

  @ApiProperty({ type: String, nullable: true })
  customerEmail!: string | null;

  @ApiProperty({ type: String, nullable: true })
  carrier!: string | null;

  @ApiProperty({ type: String, nullable: true })
  driverName!: string | null;

  @ApiProperty({ type: String, nullable: true })
  driverPhone!: string | null;

  @ApiProperty({ type: String, nullable: true })
  licencePlate!: string | null;

  @ApiProperty({ type: String, nullable: true })
  remarks!: string | null;

  @ApiProperty({ type: DeliveryGateViewDto })
  gate!: DeliveryGateViewDto;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  shippedAt!: Date | null;

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  arrivedOn!: string | null;

  @ApiProperty({ type: String, nullable: true })
  arrivalNote!: string | null;

  @ApiProperty({ type: DeliveryDocumentViewDto, nullable: true })
  document!: DeliveryDocumentViewDto | null;

  @ApiProperty({ type: [DeliveryMailViewDto] })
  mail!: DeliveryMailViewDto[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The render-and-mail job' })
  renderJobId!: string | null;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;
}

export class DeliveryListContractRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  number!: string | null;

  @ApiProperty({ type: String, nullable: true })
  projectNumber!: string | null;
}

export class DeliveryListCustomerRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;
}

export class DeliveryGateResultDto {
  @ApiProperty({ enum: GATE_RESULTS })
  result!: GateResult;
}

export class DeliveryListItemDto implements DeliveryListItem {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;

  @ApiProperty({ type: DeliveryListContractRefDto })
  contract!: DeliveryListContractRefDto;

  @ApiProperty({ type: DeliveryListCustomerRefDto })
  customer!: DeliveryListCustomerRefDto;

  @ApiProperty({ type: [DeliveryItemViewDto] })
  items!: DeliveryItemViewDto[];

  @ApiProperty(DATE_ONLY)
  shipDate!: string;

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  estimatedArrival!: string | null;

  @ApiProperty()
  consignee!: string;

  @ApiProperty({ type: DeliveryGateResultDto })
  gate!: DeliveryGateResultDto;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  shippedAt!: Date | null;

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  arrivedOn!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  documentId!: string | null;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;
}

export class LineProgressDto implements LineProgress {
  @ApiProperty()
  line!: number;

  @ApiProperty({ type: String, nullable: true })
  productCode!: string | null;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  specification!: string | null;

  @ApiProperty()
  unit!: string;

  @ApiProperty({ description: "The line's quantity on the contract (current revision)" })
  ordered!: string;

  @ApiProperty({ description: 'On notices that are not cancelled' })
  issued!: string;

  @ApiProperty({ description: 'On notices shipped or delivered' })
  shipped!: string;

  @ApiProperty({ description: 'On notices whose arrival was confirmed' })
  delivered!: string;

  @ApiProperty({ description: 'ordered - issued: what a new notice may still take' })
  remaining!: string;
}

export class RemainingViewDto implements RemainingView {
  @ApiProperty({ format: 'uuid' })
  contractId!: string;

  @ApiProperty()
  contractNumber!: string;

  @ApiProperty()
  revision!: number;

  @ApiProperty({ description: 'Every line has arrived in full' })
  fullyDelivered!: boolean;

  @ApiProperty({ type: [LineProgressDto] })
  lines!: LineProgressDto[];
}
