import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../../common/validation.js';
import type { ExpectedVersion } from '../../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../../common/versioning/versioned.decorators.js';
import { CurrentUser, OwnedRecord, Roles, type AuthUser } from '../../auth/index.js';
import { PutSectionFormatDto } from './dto/section-format.dto.js';
import { SectionFormatDeletedDto, SectionFormatsViewDto, SectionFormatViewDto } from './dto/section-format-view.dto.js';
import { SectionFormatsService } from './section-formats.service.js';

// As editing the tender itself (tenders.controller.ts).
const WRITERS = ['backoffice', 'sales', 'manager'] as const;
const READERS = ['backoffice', 'sales', 'manager', 'finance'] as const;

const KEY = {
  name: 'key',
  description:
    'A package section (bid_letter, authorisation, deviation_table…; not toc) or custom:<slug> (a free section)',
  example: 'bid_letter',
};

@ApiTags('tenders')
@Controller('api/tenders')
export class SectionFormatsController {
  constructor(private readonly formats: SectionFormatsService) {}

  @Get(':id/formats')
  @OwnedRecord('tender')
  @Roles(...READERS)
  @ApiOperation({
    summary: "The tender's sections: the company's format or this tender's own (投标文件格式), free sections included",
  })
  @ApiOkResponse({ type: SectionFormatsViewDto })
  list(@IdParam() id: string) {
    return this.formats.list(id);
  }

  @Get(':id/formats/:key')
  @OwnedRecord('tender')
  @Roles(...READERS)
  @ApiParam(KEY)
  @ApiOperation({
    summary: "A section's format: the tender's body (ETag: its version), or the company's markup to start from",
    description:
      '400 TENDER_FORMAT_INVALID for a key that is no section; 404 TENDER_FORMAT_NOT_FOUND for an unknown free section',
  })
  @ApiOkResponse({ type: SectionFormatViewDto })
  @VersionedRead()
  get(@IdParam() id: string, @Param('key') key: string) {
    return this.formats.get(id, key);
  }

  @Put(':id/formats/:key')
  @OwnedRecord('tender')
  @Roles(...WRITERS)
  @ApiParam(KEY)
  @ApiOperation({
    summary: "Save this tender's wording or layout of a section (If-Match: the version read; none or * to create)",
    description:
      'The body passes the template guardrails: 422 TEMPLATE_REFUSED (details.problems with line and column: an element ' +
      'the DOCX cannot carry, {{{ }}}…), 422 TEMPLATE_ERROR when the composed template does not compile; nothing is ' +
      'stored. A free section (custom:<slug>) needs title and position (400 TENDER_FORMAT_INVALID). 409 TENDER_LOCKED ' +
      'once submitted. Packages already issued keep the wording they had.',
  })
  @ApiOkResponse({ type: SectionFormatViewDto })
  @VersionedWrite()
  put(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Param('key') key: string,
    @Body() dto: PutSectionFormatDto,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.formats.put(user, id, key, dto, ifMatch);
  }

  @Delete(':id/formats/:key')
  @OwnedRecord('tender')
  @Roles(...WRITERS)
  @ApiParam(KEY)
  @ApiOperation({ summary: "Back to the company's format of a section (a free section is removed)" })
  @ApiOkResponse({ type: SectionFormatDeletedDto })
  @VersionedWrite()
  remove(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Param('key') key: string,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.formats.remove(user, id, key, ifMatch);
  }
}
