import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { CreatePaymentDto, PaymentQuery, ReversePaymentDto } from './dto/payment.dto.js';
import { PaymentsService } from './payments.service.js';
import { PageOf } from '../../common/openapi/responses.js';
import { PaymentRecordedDto, PaymentViewDto } from './dto/payment-view.dto.js';

// Payments are amounts: production never reads them.
const WRITERS = ['finance', 'backoffice', 'manager'] as const;
const READERS = ['finance', 'backoffice', 'manager', 'sales'] as const;

@ApiTags('payments')
@Controller('api/payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary:
      'Record a payment received; an advance payment on an approved contract gives it its project number and issues its contact sheet',
    description:
      'Same transaction: payment, project number (PROJECT_NUMBER_PATTERN, gap-free per year of the payment date), contract active, contact sheet version 1; ' +
      'then a job renders and mails the three copies (contactSheet.job). A second advance payment is recorded without a new number. ' +
      '422 CUSTOMER_NOT_FOUND, PAYMENT_CUSTOMER_MISMATCH, CURRENCY_MISMATCH; 404 CONTRACT_NOT_FOUND; 409 CONTRACT_NOT_APPROVED (nothing recorded).',
  })
  @ApiCreatedResponse({ type: PaymentRecordedDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreatePaymentDto) {
    return this.payments.create(actor, dto);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Payments, newest first; filters customerId, contractId, nature, from/to (payment date)' })
  @ApiOkResponse({ type: PageOf(PaymentViewDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: PaymentQuery) {
    return this.payments.list(user, query);
  }

  @Get(':id')
  @OwnedRecord('payment')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One payment' })
  @ApiOkResponse({ type: PaymentViewDto })
  get(@IdParam() id: string) {
    return this.payments.get(id);
  }

  @Post(':id/reverse')
  @OwnedRecord('payment')
  @Roles(...WRITERS)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Correct a payment: records its negative (today) with `reverses` set; payments are never edited',
    description: '409 PAYMENT_ALREADY_REVERSED, 409 PAYMENT_IS_REVERSAL. A project number the payment gave stays.',
  })
  @ApiCreatedResponse({ type: PaymentViewDto, description: 'The reversal' })
  reverse(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: ReversePaymentDto) {
    return this.payments.reverse(actor, id, dto.reason);
  }
}
