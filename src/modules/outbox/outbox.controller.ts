import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { OutboxQuery } from './dto/outbox-query.dto.js';
import { OutboxService } from './outbox.service.js';
import { PageOf } from '../../common/openapi/responses.js';
import { OutboxMessageViewDto } from './dto/outbox-view.dto.js';

// Statements and notices carry customers' amounts and addresses: the office, not production or engineering.
const READERS = ['backoffice', 'finance', 'manager', 'sales'] as const;

@ApiTags('outbox')
@Controller('api/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Mail written by the service and its delivery status (queued, sending, sent, failed), newest first',
  })
  @ApiOkResponse({ type: PageOf(OutboxMessageViewDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: OutboxQuery) {
    const { page, pageSize, ...filter } = query;
    return this.outbox.listFor(user, filter, page, pageSize);
  }

  @Get(':id')
  @OwnedRecord('outbox-message')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One message: recipients, attempts, last error, when it was sent' })
  @ApiOkResponse({ type: OutboxMessageViewDto })
  get(@IdParam() id: string) {
    return this.outbox.get(id);
  }

  @Post(':id/retry')
  @OwnedRecord('outbox-message')
  @Roles('backoffice', 'finance', 'manager')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a failed message again (attempts start over); 409 OUTBOX_NOT_FAILED otherwise' })
  @ApiAcceptedResponse({ type: OutboxMessageViewDto, description: 'The message, queued again' })
  retry(@CurrentUser() actor: AuthUser, @IdParam() id: string) {
    return this.outbox.retry(actor, id);
  }
}
