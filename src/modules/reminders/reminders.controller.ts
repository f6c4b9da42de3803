import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi/responses.js';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, CurrentUser, OwnedRecord, Roles, type AuthUser } from '../auth/index.js';
import {
  CustomerOptOutDto,
  OptOutDto,
  OptOutQuery,
  OptOutsDto,
  ReminderQuery,
  ReminderRunDto,
  ReminderRunViewDto,
  ReminderViewDto,
  UserOptOutDto,
} from './dto/reminder.dto.js';
import { RemindersService } from './reminders.service.js';

@ApiTags('reminders')
@Controller('api/reminders')
export class RemindersController {
  constructor(private readonly reminders: RemindersService) {}

  @Get()
  @Roles('backoffice', 'manager', 'sales')
  @ApiOperation({
    summary: 'Reminders sent or skipped, newest first, with the reason',
    description: "A sales user sees the reminders about their own customers' records only.",
  })
  @ApiOkResponse({ type: PageOf(ReminderViewDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: ReminderQuery) {
    const { page, pageSize, ...filter } = query;
    return this.reminders.list(user, page, pageSize, filter);
  }

  @Get('runs')
  @Roles('backoffice', 'manager', 'sales')
  @ApiOperation({ summary: "The latest days' runs: what each day's runs (the daily job, runs by hand) wrote" })
  @ApiOkResponse({ type: [ReminderRunViewDto] })
  runs() {
    return this.reminders.runs();
  }

  @Get('opt-outs')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'Whether you (and a customer, when named) opted out of reminders' })
  @ApiOkResponse({ type: OptOutsDto })
  optOuts(@CurrentUser() user: AuthUser, @Query() query: OptOutQuery) {
    return this.reminders.optOuts(user, query.customerId);
  }

  @Post('run')
  @Roles('backoffice', 'manager')
  @HttpCode(200)
  @ApiOperation({
    summary: "Run today's reminders now (the daily job does the same)",
    description: 'Each reminder is written once per reason and period: running again sends nothing already sent.',
  })
  @ApiOkResponse({ type: ReminderRunDto })
  run() {
    return this.reminders.run();
  }

  @Put('opt-outs/customers/:id')
  @Roles('backoffice', 'manager', 'sales')
  @OwnedRecord('customer')
  @ApiOperation({ summary: 'Opt a customer out of (or back into) customer-facing reminders' })
  @ApiOkResponse({ type: CustomerOptOutDto })
  customerOptOut(@IdParam() id: string, @Body() dto: OptOutDto) {
    return this.reminders.setCustomerOptOut(id, dto.optedOut);
  }

  @Put('opt-outs/me')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'Opt yourself out of (or back into) reminders addressed to you' })
  @ApiOkResponse({ type: UserOptOutDto })
  userOptOut(@CurrentUser() user: AuthUser, @Body() dto: OptOutDto) {
    return this.reminders.setUserOptOut(user, dto.optedOut);
  }
}
