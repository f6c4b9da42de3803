import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQuery } from '../../common/pagination.js';
import { IdParam } from '../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, SharedRecords } from '../auth/index.js';
import { StartStatementRunDto, StatementRunQuery } from './dto/statement-run.dto.js';
import { StatementRunsService } from './statement-runs.service.js';
import { PageOf } from '../../common/openapi/responses.js';
import { StatementRunSummaryDto, StatementRunViewDto } from './dto/statement-run-view.dto.js';

// Runs mail customers their balances: finance and the office start them; sales may follow them. Never production.
const STARTERS = ['finance', 'backoffice', 'manager'] as const;
const READERS = ['finance', 'backoffice', 'manager', 'sales'] as const;

@ApiTags('statement-runs')
@Controller('api/statement-runs')
export class StatementRunsController {
  constructor(private readonly runs: StatementRunsService) {}

  @Post()
  @Roles(...STARTERS)
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Start a statement run: a statement for every customer with a balance or activity in the period, mailed to the billing contact',
    description:
      'Answers with the run (queued); a job lists the customers (those without a billing e-mail are listed as skipped, ' +
      'reason NO_BILLING_EMAIL), then one job per customer renders and mails the statement through the outbox. ' +
      'A run by hand may repeat a period; the monthly run (STATEMENT_RUN_DAY) is made once per period. ' +
      '422 STATEMENT_PERIOD_INVALID: `from` after `to`, or `to` in the future.',
  })
  @ApiAcceptedResponse({ type: StatementRunViewDto, description: 'The run, queued' })
  start(@CurrentUser() actor: AuthUser, @Body() dto: StartStatementRunDto) {
    return this.runs.start(actor, dto);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Statement runs, newest first, with their counts and progress (no items)' })
  @ApiOkResponse({ type: PageOf(StatementRunSummaryDto) })
  list(@Query() query: PageQuery) {
    return this.runs.list(query.page, query.pageSize);
  }

  @Get(':id')
  @SharedRecords()
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'A run: period, trigger, status, total, counts (pending, rendered, sent, failed, skipped), progress, and a page of its items',
    description:
      "Each item: customer, status, reason (skipped, failed), billing address, statement (number, confirmation status) and the mail's status, attempts and last error. " +
      'An item is sent when its outbox message is; failed when its render failed or its message failed for good. ' +
      'The run is completed once no item is pending and no message is queued or being sent. 404 STATEMENT_RUN_NOT_FOUND.',
  })
  @ApiOkResponse({ type: StatementRunViewDto })
  get(@CurrentUser() user: AuthUser, @IdParam() id: string, @Query() query: StatementRunQuery) {
    return this.runs.get(id, query, user);
  }
}
