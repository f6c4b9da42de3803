import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { ContractsService } from './contracts.service.js';
import { ContractQuery, ContractRevisionQuery } from './dto/contract-query.dto.js';
import {
  CreateChangeDto,
  CreateContractDto,
  OptionalReasonDto,
  RequiredReasonDto,
  UpdateContractDto,
} from './dto/contract.dto.js';
import type { ExpectedVersion } from '../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../common/versioning/versioned.decorators.js';
import { PageOf } from '../../common/openapi/responses.js';
import {
  ChangeViewDto,
  ContractListItemDto,
  ContractReviewResultDto,
  ContractViewDto,
} from './dto/contract-view.dto.js';

// The back office keeps the contracts, sales bring them in; the manager may do either.
const WRITERS = ['backoffice', 'sales', 'manager'] as const;
const PRICES_NOTE =
  'Production users get no price, amount, discount, tax, payment-term, review or approval field (absent, not zero).';

/**
 * Contracts: records, review against the quotation, manager approval, change requests. Every `:id` is a UUID
 * (IdParam): the contact sheets' and contact list's routes under /api/contracts live in their own controller.
 */
@ApiTags('contracts')
@Controller('api/contracts')
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Create a contract (draft, revision 1) from an accepted quotation or by hand',
    description:
      'From a quotation: its current revision’s lines, payment terms, project and delivery date are copied unless given. ' +
      'Number default HT{YYYY}-{SEQ:4} (signing year, gap-free). 400 PAYMENT_TERMS_NOT_100, AMOUNT_TOO_LARGE; ' +
      '409 CONTRACT_NUMBER_TAKEN, CONTRACT_EXISTS_FOR_QUOTATION; 422 QUOTATION_NOT_FOUND, QUOTATION_NOT_ACCEPTED, ' +
      'CUSTOMER_NOT_FOUND, CUSTOMER_ARCHIVED, CUSTOMER_MISMATCH, CURRENCY_MISMATCH, PRODUCT_NOT_FOUND',
  })
  @ApiCreatedResponse({ type: ContractViewDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateContractDto) {
    return this.contracts.create(actor, dto);
  }

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'Contracts: search (q: number, project, project number, customer), filters; sorted and paginated',
    description: PRICES_NOTE,
  })
  @ApiOkResponse({ type: PageOf(ContractListItemDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: ContractQuery) {
    return this.contracts.listFor(user, query);
  }

  @Get(':id')
  @OwnedRecord('contract')
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'A contract at its current revision (or ?revision=n), with the list of its revisions',
    description: PRICES_NOTE,
  })
  @ApiOkResponse({ type: ContractViewDto })
  @VersionedRead()
  get(@CurrentUser() user: AuthUser, @IdParam() id: string, @Query() query: ContractRevisionQuery) {
    return this.contracts.getFor(user, id, query.revision);
  }

  @Patch(':id')
  @OwnedRecord('contract')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Change a draft (or review_failed) contract in place; it becomes a draft again and must be reviewed again',
    description: '409 CONTRACT_LOCKED once approved: changes then go through change requests.',
  })
  @VersionedWrite()
  @ApiOkResponse({ type: ContractViewDto })
  update(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @Body() dto: UpdateContractDto,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.contracts.update(actor, id, dto, ifMatch);
  }

  @Post(':id/review')
  @OwnedRecord('contract')
  @Roles(...WRITERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Review against the quotation: draft | review_failed → approved (all checks pass) or review_failed',
    description:
      'Checks (each listed with passed, both values and a message): quotation, line.N.qty/unitPrice/discount/total, ' +
      'configuration.added, configuration.removed, subtotal, total, paymentTerms, deliveryDate, configuration (info).',
  })
  @ApiOkResponse({ type: ContractReviewResultDto })
  review(@CurrentUser() actor: AuthUser, @IdParam() id: string) {
    return this.contracts.review(actor, id);
  }

  @Post(':id/approve')
  @OwnedRecord('contract')
  @Roles('manager')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A manager approves a contract whose review failed, with { reason }: review_failed → approved',
    description: '400 APPROVAL_REASON_REQUIRED; 409 INVALID_TRANSITION',
  })
  @ApiOkResponse({ type: ContractViewDto })
  approve(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: RequiredReasonDto) {
    return this.contracts.approve(actor, id, dto.reason);
  }

  @Post(':id/cancel')
  @OwnedRecord('contract')
  @Roles('backoffice', 'manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel with { reason }: any status but completed (or cancelled)' })
  @ApiOkResponse({ type: ContractViewDto })
  cancel(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: RequiredReasonDto) {
    return this.contracts.cancel(actor, id, dto.reason);
  }

  @Post(':id/complete')
  @OwnedRecord('contract')
  @Roles('backoffice', 'manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'active → completed' })
  @ApiOkResponse({ type: ContractViewDto })
  complete(@CurrentUser() actor: AuthUser, @IdParam() id: string) {
    return this.contracts.complete(actor, id);
  }

  @Post(':id/changes')
  @OwnedRecord('contract')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Ask for a change of an approved or active contract (lines added, removed, replaced); a manager decides',
    description:
      '409 CONTRACT_NOT_CHANGEABLE; 422 CHANGE_LINE_NOT_FOUND, CHANGE_LINE_TWICE, CHANGE_EMPTY, CONTRACT_WITHOUT_LINES',
  })
  @ApiCreatedResponse({ type: ChangeViewDto })
  requestChange(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: CreateChangeDto) {
    return this.contracts.requestChange(actor, id, dto);
  }

  @Get(':id/changes')
  @OwnedRecord('contract')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'The change requests of a contract, oldest first', description: PRICES_NOTE })
  @ApiOkResponse({ type: [ChangeViewDto] })
  changes(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.contracts.changesFor(user, id);
  }

  @Post(':id/changes/:changeId/approve')
  @OwnedRecord('contract')
  @Roles('manager')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a pending change: the contract gets a new revision (and the contact sheet a new version)',
    description: '409 CHANGE_OUTDATED when another change landed since it was asked; 409 CHANGE_NOT_PENDING',
  })
  @ApiOkResponse({ type: ContractViewDto, description: 'The contract at the new revision' })
  approveChange(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @IdParam('changeId') changeId: string,
    @Body() dto: OptionalReasonDto,
  ) {
    return this.contracts.approveChange(actor, id, changeId, dto.reason);
  }

  @Post(':id/changes/:changeId/reject')
  @OwnedRecord('contract')
  @Roles('manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a pending change with { reason }' })
  @ApiOkResponse({ type: ChangeViewDto })
  rejectChange(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @IdParam('changeId') changeId: string,
    @Body() dto: RequiredReasonDto,
  ) {
    return this.contracts.rejectChange(actor, id, changeId, dto.reason);
  }
}
