import { Body, Controller, Get, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IdParam } from '../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { sendBytes } from '../files/index.js';
import { DeliveriesService } from './deliveries.service.js';
import {
  CancelDeliveryDto,
  CreateDeliveryDto,
  DeliverDeliveryDto,
  DeliveryFileQuery,
  DeliveryQuery,
  RemainingQuery,
  ShipDeliveryDto,
} from './dto/delivery.dto.js';
import { ApiFileResponse, DOCX, PageOf, PDF } from '../../common/openapi/responses.js';
import { DeliveryListItemDto, DeliveryViewDto, RemainingViewDto } from './dto/delivery-view.dto.js';

// Issued and cancelled by the office; production ships the goods and confirms their arrival too.
const ISSUERS = ['backoffice', 'sales', 'manager'] as const;
const MOVERS = ['backoffice', 'sales', 'manager', 'production'] as const;
// A notice carries no price: every office role reads it.
const READERS = ['backoffice', 'sales', 'finance', 'engineering', 'production', 'manager'] as const;

/** Delivery notices (发货通知单): issued against the payment gate, rendered, mailed, shipped, delivered. */
@ApiTags('deliveries')
@Controller('api/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Post()
  @Roles(...ISSUERS)
  @ApiOperation({
    summary:
      'Issue a delivery notice: items of a contract, ship date, consignee, transport; checked against the payment gate',
    description:
      'Refused, writing nothing: 404 CONTRACT_NOT_FOUND; 409 CONTRACT_NOT_APPROVED (approved or active only); 422 DELIVERY_LINE_UNKNOWN; ' +
      '422 DELIVERY_EXCEEDS_REMAINING (details.lines: line, asked, remaining); 409 PAYMENT_OUTSTANDING (details.shares: share, label, event, dueDate, ' +
      'outstanding; details.totalDue) unless a manager sends override.reason (403 GATE_OVERRIDE_FORBIDDEN for anyone else). Numbered FH{YYYY}-{SEQ:4} ' +
      "without gaps. customerEmail defaults to the customer's first contact with an e-mail. Then a job (renderJobId) renders the notice (signed PDF + DOCX) " +
      'and mails it to production scheduling and to the customer.',
  })
  @ApiCreatedResponse({ type: DeliveryViewDto })
  issue(@CurrentUser() actor: AuthUser, @Body() dto: CreateDeliveryDto) {
    return this.deliveries.issue(actor, dto);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Delivery notices, newest ship date first; filters contractId, customerId, status' })
  @ApiOkResponse({ type: PageOf(DeliveryListItemDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: DeliveryQuery) {
    return this.deliveries.list(user, query);
  }

  // Before `:id`: "remaining" is no id.
  @Get('remaining')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'What remains to deliver of a contract: per line of its current revision, ordered, issued, shipped, delivered, remaining',
    description: 'issued counts every notice not cancelled; delivered the confirmed arrivals. 404 CONTRACT_NOT_FOUND.',
  })
  @ApiOkResponse({ type: RemainingViewDto })
  remaining(@CurrentUser() user: AuthUser, @Query() query: RemainingQuery) {
    return this.deliveries.remaining(user, query.contractId);
  }

  @Get(':id')
  @OwnedRecord('delivery')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'One delivery notice: items, transport, gate, document versions, mail status per audience (production, customer), render job',
    description:
      'The gate lists the unpaid shares and the approval reason for backoffice, sales, finance and manager only. Mail status no_address: nobody to send that copy to.',
  })
  @ApiOkResponse({ type: DeliveryViewDto })
  get(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.deliveries.view(user, id);
  }

  @Get(':id/file')
  @OwnedRecord('delivery')
  @Roles(...READERS)
  @ApiProduces('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  @ApiFileResponse('The notice (signed PDF or DOCX)', PDF, DOCX)
  @ApiOperation({
    summary: "Download the notice; version = the document's version (default the newest)",
    description: '404 DELIVERY_NOTICE_NOT_RENDERED while the job is still rendering it.',
  })
  async file(
    @IdParam() id: string,
    @Query() q: DeliveryFileQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { file, bytes } = await this.deliveries.file(id, q.format, q.version);
    return sendBytes(res, { bytes, contentType: file.contentType, fileName: file.fileName, sha256: file.sha256 });
  }

  @Post(':id/ship')
  @OwnedRecord('delivery')
  @Roles(...MOVERS)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The goods left: issued -> shipped, with the transport details known by then (given fields replace the notice’s)',
    description: '409 DELIVERY_STATUS_CONFLICT; 422 SHIPPED_AT_IN_FUTURE.',
  })
  @ApiOkResponse({ type: DeliveryViewDto })
  ship(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: ShipDeliveryDto) {
    return this.deliveries.ship(actor, id, dto);
  }

  @Post(':id/deliver')
  @OwnedRecord('delivery')
  @Roles(...MOVERS)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The arrival confirmed: shipped -> delivered; the last arrival of a contract’s goods records its on_delivery milestone',
    description: '409 DELIVERY_STATUS_CONFLICT; 422 ARRIVAL_DATE_INVALID (before the goods shipped, or in the future).',
  })
  @ApiOkResponse({ type: DeliveryViewDto })
  deliver(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: DeliverDeliveryDto) {
    return this.deliveries.deliver(actor, id, dto);
  }

  @Post(':id/cancel')
  @OwnedRecord('delivery')
  @Roles(...ISSUERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel an issued notice (its quantities are free again); the reason goes to the audit log',
    description: '409 DELIVERY_STATUS_CONFLICT once shipped.',
  })
  @ApiOkResponse({ type: DeliveryViewDto })
  cancel(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: CancelDeliveryDto) {
    return this.deliveries.cancel(actor, id, dto.reason);
  }
}
