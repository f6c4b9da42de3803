import { Controller, Get, Query, Res, type StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser } from '../auth/index.js';
import { sendExport } from '../files/index.js';
import { ContactListService } from './contact-list.service.js';
import { ContactListQuery } from './dto/contact-sheet.dto.js';
import { ApiFileResponse, DOCX, PDF, XLSX } from '../../common/openapi/responses.js';

/**
 * GET /api/contracts/contact-list. Its path is also matched by the contracts module's `GET /api/contracts/:id`:
 * the app orders colliding routes literal-first (src/common/route-precedence.ts), so this one answers whatever the
 * order of the modules.
 */
@ApiTags('contact-sheets')
@Controller('api/contracts/contact-list')
export class ContactListController {
  constructor(private readonly list: ContactListService) {}

  @Get()
  @Roles(ANY_ROLE)
  @ApiProduces(
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  )
  @ApiFileResponse('The list as PDF, XLSX or DOCX', PDF, XLSX, DOCX)
  @ApiOperation({
    summary:
      'The contract contact list (合同联系清单) of the contracts signed from–to: finance (amount, received, outstanding) or production (no amount)',
    description:
      'audience=finance for finance, backoffice and manager (403 FINANCE_LIST_NOT_ALLOWED otherwise); audience=production for everyone. ' +
      'Default audience: finance for those who may read it, else production. status: comma-separated contract statuses.',
  })
  async get(
    @CurrentUser() user: AuthUser,
    @Query() q: ContactListQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.list.render(user, {
      from: q.from,
      to: q.to,
      statuses: q.status,
      audience: q.audience,
      format: q.format,
    });
    return sendExport(res, file);
  }
}
