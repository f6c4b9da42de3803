import { Body, Controller, Get, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IdParam } from '../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { sendBytes } from '../files/index.js';
import { IssueStatementDto, StatementFileQuery, StatementQuery } from './dto/statement.dto.js';
import { StatementsService } from './statements.service.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { ApiFileResponse, DOCX, PageOf, PDF } from '../../common/openapi/responses.js';
import { IssuedStatementDto, StatementViewDto } from './dto/statement-view.dto.js';

// Statements are amounts: production never reads them.
export const READERS = ['finance', 'backoffice', 'manager', 'sales'] as const;

@ApiTags('statements')
@Controller('api')
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  @Post('customers/:id/statements')
  @OwnedRecord('customer')
  @Roles(...READERS)
  @RateLimit('render')
  @ApiOperation({
    summary:
      'Issue a customer statement (对账单) for a period (from + to) or as of a date (asOf, default today): rendered, signed, stored; optionally mailed',
    description:
      'Rendered synchronously (one statement is one small document; a statement run renders in a job). The answer carries ' +
      '`confirmationUrl`, the customer’s link (shown this once; only its hash is kept). sendTo mails it to that address, ' +
      'sendToBilling to the billing contact, through the outbox (status under `mail`). 404 CUSTOMER_NOT_FOUND; ' +
      '422 STATEMENT_PERIOD_INVALID (ends before it starts, or after today), NO_BILLING_EMAIL, COMPANY_PROFILE_NOT_SET; ' +
      '400 INVALID_EMAIL. A refusal writes nothing.',
  })
  @ApiCreatedResponse({ type: IssuedStatementDto })
  issue(@CurrentUser() user: AuthUser, @IdParam() id: string, @Body() dto: IssueStatementDto) {
    return this.statements.issueForCustomer(user, id, dto);
  }

  @Get('statements')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Statements, newest first; filters customerId, runId, responseStatus (pending | confirmed | disputed)',
  })
  @ApiOkResponse({ type: PageOf(StatementViewDto) })
  list(@CurrentUser() user: AuthUser, @Query() q: StatementQuery) {
    return this.statements.listFor(
      user,
      { customerId: q.customerId, runId: q.runId, responseStatus: q.responseStatus },
      q.page,
      q.pageSize,
    );
  }

  @Get('statements/:id')
  @OwnedRecord('statement')
  @Roles(...READERS)
  @ApiOperation({
    summary: "A statement: figures and lines as issued, document, the customer's response, and the status of its mail",
  })
  @ApiOkResponse({ type: StatementViewDto })
  get(@IdParam() id: string) {
    return this.statements.get(id);
  }

  @Get('statements/:id/file')
  @OwnedRecord('statement')
  @Roles(...READERS)
  @ApiProduces(
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/zip',
  )
  @ApiFileResponse('The signed PDF, the DOCX, or the signed bundle of both', PDF, DOCX, 'application/zip')
  @ApiOperation({ summary: 'Download the statement: format=pdf (default) | docx | bundle' })
  async file(
    @IdParam() id: string,
    @Query() q: StatementFileQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { file, bytes } = await this.statements.file(id, q.format);
    return sendBytes(res, { bytes, contentType: file.contentType, fileName: file.fileName, sha256: file.sha256 });
  }
}
