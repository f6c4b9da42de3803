import { Body, Controller, Get, Post, Query, Res, type StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiFileResponse, DOCX, PageOf, PDF } from '../../../common/openapi/responses.js';
import { RateLimit } from '../../../common/rate-limit/rate-limit.decorator.js';
import { IdParam } from '../../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, SharedRecords } from '../../auth/index.js';
import { sendBytes } from '../../files/index.js';
import { LIST_ISSUERS, LIST_READERS, ContactListsService } from './contact-lists.service.js';
import { IssueContactListDto, IssuedContactListQuery, IssuedListFileQuery } from './dto/contact-lists.dto.js';
import { IssuedContactListDto } from './dto/issued-contact-list-view.dto.js';

const READ_NOTE =
  'Finance lists for finance, backoffice and managers (403 FINANCE_LIST_NOT_ALLOWED otherwise); production lists also for production and engineering. ' +
  "A sales user bound to their own customers reads none (403 NOT_YOUR_RECORD): a list covers every customer's contracts.";

/**
 * Issued contract contact lists: official, signed, stored and audited (the on-demand export stays at
 * GET /api/contracts/contact-list). Its paths are also matched by the contracts module's `/api/contracts/:id`
 * routes: the literal one is tried first (src/common/route-precedence.ts).
 */
@ApiTags('contact-sheets')
@Controller('api/contracts/contact-lists')
export class ContactListsController {
  constructor(private readonly lists: ContactListsService) {}

  @Post()
  @Roles(...LIST_ISSUERS)
  @RateLimit('render')
  @ApiOperation({
    summary:
      'Issue the contract contact list (合同联系清单) of the contracts signed from–to to finance or production: rendered, signed, stored, optionally mailed',
    description:
      'For backoffice, managers and finance. Rendered synchronously (signed PDF and DOCX, or the formats asked for) and stored as a ' +
      'document of subject `contact-list` (its /verify answer names the list number); `mailTo` mails the PDF through the outbox ' +
      '(status under `mail`). 400 VALIDATION_FAILED (audience, dates, statuses, formats, addresses). A refusal writes nothing.',
  })
  @ApiCreatedResponse({ type: IssuedContactListDto })
  issue(@CurrentUser() user: AuthUser, @Body() dto: IssueContactListDto) {
    return this.lists.issue(user, dto);
  }

  @Get()
  @Roles(...LIST_READERS)
  @ApiOperation({ summary: 'Issued contact lists, newest first', description: READ_NOTE })
  @ApiOkResponse({ type: PageOf(IssuedContactListDto) })
  list(@CurrentUser() user: AuthUser, @Query() q: IssuedContactListQuery) {
    return this.lists.list(user, q.page, q.pageSize);
  }

  @Get(':id')
  @SharedRecords()
  @Roles(...LIST_READERS)
  @ApiOperation({
    summary: 'An issued contact list: period, filter, document, who issued it, its mail',
    description: `${READ_NOTE} 404 CONTACT_LIST_NOT_FOUND.`,
  })
  @ApiOkResponse({ type: IssuedContactListDto })
  get(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.lists.get(user, id);
  }

  @Get(':id/file')
  @SharedRecords()
  @Roles(...LIST_READERS)
  @ApiProduces('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  @ApiFileResponse('The issued list (signed PDF or DOCX), as it was sent', PDF, DOCX)
  @ApiOperation({
    summary: 'Download an issued contact list: format=pdf (default) | docx',
    description: `${READ_NOTE} 404 CONTACT_LIST_NOT_FOUND; 404 DOCUMENT_FILE_NOT_FOUND for a format that was not issued.`,
  })
  async file(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Query() q: IssuedListFileQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { file, bytes } = await this.lists.file(user, id, q.format);
    return sendBytes(res, { bytes, contentType: file.contentType, fileName: file.fileName, sha256: file.sha256 });
  }
}
