import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { QuotationQuery, RenderQuery } from './dto/quotation-query.dto.js';
import { CreateQuotationDto, ReasonDto, SendQuotationDto, UpdateQuotationDto } from './dto/quotation.dto.js';
import { QuotationsService } from './quotations.service.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import type { ExpectedVersion } from '../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../common/versioning/versioned.decorators.js';
import { PageOf } from '../../common/openapi/responses.js';
import { DocumentViewDto } from '../documents/index.js';
import { QuotationListItemDto, QuotationViewDto } from './dto/quotation-view.dto.js';

// Sales ask for quotations and the back office writes them; both submit, send and record the answer.
const WRITERS = ['backoffice', 'sales'] as const;
const PRICES_NOTE =
  'Production users get no price, amount, discount, tax or payment-term field; floorPrice/belowFloor only for admin, backoffice, finance and manager.';

const RevisionParam = () =>
  Param(
    'n',
    new ParseIntPipe({
      exceptionFactory: () =>
        AppException.badRequest(ErrorCode.VALIDATION_FAILED, 'Parameter "n" must be a revision number', {
          fields: [{ field: 'n', messages: ['n must be an integer'] }],
        }),
    }),
  );

@ApiTags('quotations')
@Controller('api/quotations')
export class QuotationsController {
  constructor(private readonly quotations: QuotationsService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Create a quotation (draft, revision 1, number Q{YYYY}-{SEQ})',
    description:
      'Line amounts: net = round2(qty × unitPrice × (1 − discount/100)), tax = round2(net × taxRate/100), half-up per line; ' +
      'totals are sums of the rounded lines. 400 PAYMENT_TERMS_NOT_100, VALIDITY_BEFORE_ISSUE_DATE, AMOUNT_TOO_LARGE; ' +
      '422 CUSTOMER_NOT_FOUND, CUSTOMER_ARCHIVED, PRODUCT_NOT_FOUND, PRODUCT_INACTIVE, CURRENCY_MISMATCH',
  })
  @ApiCreatedResponse({ type: QuotationViewDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateQuotationDto) {
    return this.quotations.create(actor, dto);
  }

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'Quotations: search (q: number, project, customer), filter by customer and status; sorted and paginated',
    description: PRICES_NOTE,
  })
  @ApiOkResponse({ type: PageOf(QuotationListItemDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: QuotationQuery) {
    return this.quotations.listFor(user, query);
  }

  @Get(':id')
  @OwnedRecord('quotation')
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'A quotation at its current revision, with the list of its revisions',
    description: PRICES_NOTE,
  })
  @ApiOkResponse({ type: QuotationViewDto })
  @VersionedRead()
  get(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.quotations.getFor(user, id);
  }

  @Get(':id/revisions/:n')
  @OwnedRecord('quotation')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'A quotation as it was at revision n', description: PRICES_NOTE })
  @ApiOkResponse({ type: QuotationViewDto })
  revision(@CurrentUser() user: AuthUser, @IdParam() id: string, @RevisionParam() n: number) {
    return this.quotations.getFor(user, id, n);
  }

  @Patch(':id')
  @OwnedRecord('quotation')
  @Roles(...WRITERS)
  @ApiOperation({
    summary:
      'Change a quotation: a draft in place; a submitted, approved, sent or rejected one becomes revision N+1 (a draft)',
    description: 'lines and paymentTerms, when given, replace the lists. 409 QUOTATION_LOCKED once accepted.',
  })
  @VersionedWrite()
  @ApiOkResponse({ type: QuotationViewDto })
  update(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @Body() dto: UpdateQuotationDto,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.quotations.update(actor, id, dto, ifMatch);
  }

  @Post(':id/submit')
  @OwnedRecord('quotation')
  @Roles(...WRITERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'draft → submitted (for approval); 409 INVALID_TRANSITION otherwise' })
  @ApiOkResponse({ type: QuotationViewDto })
  submit(@CurrentUser() actor: AuthUser, @IdParam() id: string) {
    return this.quotations.submit(actor, id);
  }

  @Post(':id/approve')
  @OwnedRecord('quotation')
  @Roles('backoffice', 'manager')
  @HttpCode(200)
  @ApiOperation({
    summary: 'submitted → approved',
    description:
      'A line below its floor price: 403 BELOW_FLOOR_NEEDS_MANAGER unless a manager approves, and then 400 APPROVAL_REASON_REQUIRED without { reason }.',
  })
  @ApiOkResponse({ type: QuotationViewDto })
  approve(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: ReasonDto) {
    return this.quotations.approve(actor, id, dto.reason);
  }

  @Post(':id/send')
  @OwnedRecord('quotation')
  @Roles(...WRITERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'approved → sent (to the customer); with { sendTo }, mailed with a link to accept or decline it online',
    description:
      'With sendTo: the approved revision is issued as a new signed PDF version of the quotation document and mailed ' +
      'to sendTo through the outbox with its acceptance link (/quotations/accept/{token}, valid until the end of the ' +
      'validity date). 400 INVALID_EMAIL; 409 INVALID_TRANSITION, COMPANY_PROFILE_NOT_SET.',
  })
  @ApiOkResponse({ type: QuotationViewDto })
  send(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: SendQuotationDto) {
    return this.quotations.send(actor, id, { sendTo: dto.sendTo, locale: dto.locale });
  }

  @Post(':id/accept')
  @OwnedRecord('quotation')
  @Roles(...WRITERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'sent → accepted (the customer agreed; the quotation is final)' })
  @ApiOkResponse({ type: QuotationViewDto })
  accept(@CurrentUser() actor: AuthUser, @IdParam() id: string) {
    return this.quotations.accept(actor, id);
  }

  @Post(':id/reject')
  @OwnedRecord('quotation')
  @Roles(...WRITERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'sent → rejected (the customer declined; { reason } is kept in the audit log)' })
  @ApiOkResponse({ type: QuotationViewDto })
  reject(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: ReasonDto) {
    return this.quotations.reject(actor, id, dto.reason);
  }

  @Post(':id/render')
  @OwnedRecord('quotation')
  @Roles('backoffice', 'sales', 'manager')
  @RateLimit('render')
  @ApiOperation({
    summary: 'Render the approved current revision (template quotation, signed PDF and/or DOCX) as a stored document',
    description: '409 QUOTATION_NOT_APPROVED, 409 COMPANY_PROFILE_NOT_SET',
  })
  @ApiCreatedResponse({
    type: DocumentViewDto,
    description: 'The document: GET /api/documents/{id}/file?format=pdf|docx downloads it',
  })
  render(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Query() query: RenderQuery) {
    return this.quotations.render(actor, id, query.formats, query.locale);
  }
}
