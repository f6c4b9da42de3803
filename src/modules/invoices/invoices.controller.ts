import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { CreateInvoiceDto, InvoiceQuery, ReverseInvoiceDto } from './dto/invoice.dto.js';
import { InvoicesService } from './invoices.service.js';
import { PageOf } from '../../common/openapi/responses.js';
import { InvoiceViewDto } from './dto/invoice-view.dto.js';

// Invoices are amounts: production never reads them.
const WRITERS = ['finance', 'backoffice', 'manager'] as const;
const READERS = ['finance', 'backoffice', 'manager', 'sales'] as const;

@ApiTags('invoices')
@Controller('api/invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Record a VAT invoice issued (开票): number, kind, customer, contract, date, amount incl. VAT, tax',
    description:
      '422 CUSTOMER_NOT_FOUND, INVOICE_CUSTOMER_MISMATCH, CURRENCY_MISMATCH, INVOICE_EXCEEDS_CONTRACT (the invoiced total ' +
      'of the contract would exceed its total); 404 CONTRACT_NOT_FOUND; 409 INVOICE_NUMBER_TAKEN, CONTRACT_NOT_APPROVED. ' +
      'Nothing is recorded on a refusal.',
  })
  @ApiCreatedResponse({ type: InvoiceViewDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateInvoiceDto) {
    return this.invoices.create(actor, dto);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Invoices, newest first; filters customerId, contractId, from/to (invoice date)' })
  @ApiOkResponse({ type: PageOf(InvoiceViewDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: InvoiceQuery) {
    return this.invoices.list(user, query);
  }

  @Get(':id')
  @OwnedRecord('invoice')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One invoice (reversedBy: the red-letter invoice cancelling it)' })
  @ApiOkResponse({ type: InvoiceViewDto })
  get(@IdParam() id: string) {
    return this.invoices.get(id);
  }

  @Post(':id/reverse')
  @OwnedRecord('invoice')
  @Roles(...WRITERS)
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Cancel an invoice by a red-letter invoice (红字发票): its own number, negative amount and tax, `reverses` set',
    description:
      '409 INVOICE_ALREADY_REVERSED, INVOICE_IS_REVERSAL, INVOICE_NUMBER_TAKEN; 422 INVOICE_DATE_BEFORE_ORIGINAL; 404 INVOICE_NOT_FOUND.',
  })
  @ApiCreatedResponse({ type: InvoiceViewDto, description: 'The red-letter invoice' })
  reverse(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: ReverseInvoiceDto) {
    return this.invoices.reverse(actor, id, { number: dto.number, reason: dto.reason, date: dto.date });
  }
}
