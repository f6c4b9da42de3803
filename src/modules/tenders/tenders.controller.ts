import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { TenderQuery } from './dto/tender-query.dto.js';
import { CreateTenderDto, SelectionDto, TenderStatusDto, UpdateTenderDto } from './dto/tender.dto.js';
import { TendersService } from './tenders.service.js';
import type { ExpectedVersion } from '../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../common/versioning/versioned.decorators.js';
import { PageOf } from '../../common/openapi/responses.js';
import { TenderCandidatesDto, TenderViewDto } from './dto/tender-view.dto.js';

// A tender carries the bid's prices: production and engineering have no access at all (admin passes everything).
const WRITERS = ['backoffice', 'sales', 'manager'] as const;
const READERS = ['backoffice', 'sales', 'manager', 'finance'] as const;

@ApiTags('tenders')
@Controller('api/tenders')
export class TendersController {
  constructor(private readonly tenders: TendersService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Create a tender (status preparing; the selection starts as the proposal)',
    description:
      '400 VALIDATION_FAILED (fields listed: sections must be unique TENDER_SECTIONS containing bid_letter, ' +
      'qualificationTypes unique QUALIFICATION_TYPES, amounts decimal strings ≥ 0, bidValidityDays 1..365); ' +
      '422 QUOTATION_NOT_FOUND, QUOTATION_REJECTED, CURRENCY_MISMATCH, USER_NOT_FOUND, USER_DISABLED',
  })
  @ApiCreatedResponse({ type: TenderViewDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateTenderDto) {
    return this.tenders.create(actor, dto);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Tenders: search (q: tender number, project, buyer), filter by status, owner and deadline days; by deadline',
  })
  @ApiOkResponse({ type: PageOf(TenderViewDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: TenderQuery) {
    return this.tenders.list(user, query);
  }

  @Get(':id')
  @OwnedRecord('tender')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A tender with its requirements and selection; 404 TENDER_NOT_FOUND' })
  @ApiOkResponse({ type: TenderViewDto })
  @VersionedRead()
  get(@IdParam() id: string) {
    return this.tenders.get(id);
  }

  @Patch(':id')
  @OwnedRecord('tender')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Change a tender; bidBond and requirements merge field by field',
    description:
      'Once submitted, won, lost or cancelled only bidBond.status and notes change (409 TENDER_LOCKED). ' +
      'Same validation codes as create.',
  })
  @VersionedWrite()
  @ApiOkResponse({ type: TenderViewDto })
  update(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @Body() dto: UpdateTenderDto,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.tenders.update(actor, id, dto, ifMatch);
  }

  @Get(':id/candidates')
  @OwnedRecord('tender')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Qualifications and performance records against the requirements, on the deadline day',
    description:
      'Per required type: in force on the deadline (best first), expired (blocking), expiring before deadline + ' +
      'bid validity (warning), missing. Performance matches best first, the proposal and whether minCount is met.',
  })
  @ApiOkResponse({ type: TenderCandidatesDto })
  candidates(@IdParam() id: string) {
    return this.tenders.candidates(id);
  }

  @Put(':id/selection')
  @OwnedRecord('tender')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Pick qualifications / performance records by hand (ids in package order), or null to accept the proposal',
    description:
      'Answers the new candidates. 422 UNKNOWN_QUALIFICATION / UNKNOWN_PERFORMANCE_RECORD (nothing changed); ' +
      '409 TENDER_LOCKED once submitted.',
  })
  @ApiOkResponse({ type: TenderCandidatesDto, description: 'The candidates against the new selection' })
  select(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: SelectionDto) {
    return this.tenders.select(actor, id, dto);
  }

  @Post(':id/status')
  @OwnedRecord('tender')
  @Roles(...WRITERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'preparing|generated → submitted → won|lost; cancelled from any open status',
    description: '409 INVALID_TRANSITION otherwise. `generated` is set by the package builder.',
  })
  @ApiOkResponse({ type: TenderViewDto })
  status(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: TenderStatusDto) {
    return this.tenders.changeStatus(actor, id, dto.status, dto.reason);
  }
}
