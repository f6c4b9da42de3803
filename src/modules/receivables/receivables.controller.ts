import { Body, Controller, Get, Param, Put, Query, Res, type StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IdParam } from '../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { sendExport } from '../files/index.js';
import { DunningService, type OverdueList } from './dunning.service.js';
import { AsOfQuery, MilestoneDto, OverdueQuery } from './dto/receivables.dto.js';
import { ReceivablesService } from './receivables.service.js';
import { ApiJsonOrFileResponse, XLSX } from '../../common/openapi/responses.js';
import { ContractScheduleViewDto, CustomerAccountViewDto, OverdueListDto } from './dto/receivables-view.dto.js';

// Receivables are amounts: production never reads them.
const READERS = ['finance', 'backoffice', 'manager', 'sales'] as const;
const MILESTONE_WRITERS = ['finance', 'backoffice', 'manager'] as const;

/** A contract's payment schedule and its milestones (under /api/contracts/:id, beside the contracts module's routes). */
@ApiTags('receivables')
@Controller('api/contracts')
export class ContractScheduleController {
  constructor(private readonly receivables: ReceivablesService) {}

  @Get(':id/schedule')
  @OwnedRecord('contract')
  @Roles(...READERS)
  @ApiOperation({
    summary: "A contract's payment schedule on asOf (default today): each share's due date, paid and outstanding",
    description:
      'Shares hang on the signing date and on milestones (deliveries, or recorded by hand); before_delivery falls back on ' +
      "the current revision's delivery date. The contract's own payments up to asOf are applied in schedule order; an " +
      'overpayment is shown (overpaid). 404 CONTRACT_NOT_FOUND.',
  })
  @ApiOkResponse({ type: ContractScheduleViewDto })
  schedule(@IdParam() id: string, @Query() q: AsOfQuery) {
    return this.receivables.schedule(id, q.asOf);
  }

  @Put(':id/milestones/:event')
  @OwnedRecord('contract')
  @Roles(...MILESTONE_WRITERS)
  @ApiOperation({
    summary:
      'Record (or correct) the day a contract reached a payment event: after_acceptance, warranty_end, other; also before_delivery, on_delivery',
    description:
      'Overwrites an earlier date; audited (contract.milestone, with the note). Returns the schedule. ' +
      '422 MILESTONE_EVENT_INVALID (contract_signed is the signing date; unknown event); 404 CONTRACT_NOT_FOUND.',
  })
  @ApiOkResponse({ type: ContractScheduleViewDto, description: 'The schedule with the milestone set' })
  milestone(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @Param('event') event: string,
    @Body() dto: MilestoneDto,
  ) {
    return this.receivables.setMilestone(actor, id, event, { date: dto.date, note: dto.note });
  }
}

@ApiTags('receivables')
@Controller('api/receivables')
export class ReceivablesController {
  constructor(
    private readonly receivables: ReceivablesService,
    private readonly dunning: DunningService,
  ) {}

  @Get('customers/:id')
  @OwnedRecord('customer')
  @Roles(...READERS)
  @ApiOperation({
    summary: "A customer's account on asOf (default today): closing balance, aging, each contract's schedule, credit",
    description:
      'The aging has all six buckets (notDue, days1to30, days31to60, days61to90, over90, unappliedCredit) and they add up ' +
      'to closingBalance exactly. Overpayments and payments without a contract are credit, applied to the most overdue ' +
      'shares first; what is left is unappliedCredit (negative). 404 CUSTOMER_NOT_FOUND.',
  })
  @ApiOkResponse({ type: CustomerAccountViewDto })
  account(@IdParam() id: string, @Query() q: AsOfQuery) {
    return this.receivables.account(id, q.asOf);
  }

  @Get('overdue')
  @Roles(...READERS)
  @ApiProduces('application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiJsonOrFileResponse('The dunning list as JSON, or as an XLSX workbook with format=xlsx', OverdueListDto, XLSX)
  @ApiOperation({
    summary:
      'The dunning list: customers and contracts with shares overdue on asOf, most overdue first, with bucket totals and the sales owner',
    description:
      'A share is overdue when its due date is before asOf and it is still owed after the same credit application as the ' +
      'aging. Filters customerId, salesOwnerId, minDays (default 1). A sales user sees only the customers they own ' +
      '(403 NOT_YOUR_RECORD for another owner).',
  })
  async overdue(
    @CurrentUser() user: AuthUser,
    @Query() q: OverdueQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OverdueList | StreamableFile> {
    const query = { asOf: q.asOf, customerId: q.customerId, salesOwnerId: q.salesOwnerId, minDays: q.minDays };
    if (q.format === 'xlsx') return sendExport(res, await this.dunning.overdueXlsx(user, query));
    return this.dunning.overdue(user, query);
  }
}
