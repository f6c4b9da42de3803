import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseEnumPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { sendBytes } from '../files/index.js';
import { DEPARTMENTS, type Department } from './contact-sheet.entity.js';
import { ContactSheetsService } from './contact-sheets.service.js';
import { CopyFileQuery, SignContactSheetDto } from './dto/contact-sheet.dto.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { ApiFileResponse, DOCX, PDF } from '../../common/openapi/responses.js';
import {
  ContactSheetViewDto,
  SheetJobDto,
  SheetVersionSummaryDto,
  SignResultDto,
} from './dto/contact-sheet-view.dto.js';

const DepartmentParam = () =>
  Param(
    'department',
    new ParseEnumPipe(Object.fromEntries(DEPARTMENTS.map((d) => [d, d])), {
      exceptionFactory: () =>
        AppException.badRequest(
          ErrorCode.VALIDATION_FAILED,
          `Parameter "department" must be one of ${DEPARTMENTS.join(', ')}`,
          {
            fields: [{ field: 'department', messages: [`department must be one of ${DEPARTMENTS.join(', ')}`] }],
          },
        ),
    }),
  );

const COPIES_NOTE =
  'Each user sees the copies their roles may read: finance copy (prices) for finance, backoffice, manager, sales; engineering copy for engineering, backoffice, manager, sales; the production copy (no price) for every role.';

/** The contract contact sheet (合同联系单) of a contract: issued with the advance payment, signed off by three departments. */
@ApiTags('contact-sheets')
@Controller('api/contracts')
export class ContactSheetsController {
  constructor(private readonly sheets: ContactSheetsService) {}

  @Get(':id/contact-sheet')
  @OwnedRecord('contract')
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary:
      "The contract's current contact sheet: version, status, project number, sign-offs, mailings, copies, and every version",
    description: `${COPIES_NOTE} 404 CONTACT_SHEET_NOT_FOUND before the advance payment.`,
  })
  @ApiOkResponse({ type: ContactSheetViewDto })
  get(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.sheets.view(user, id);
  }

  @Get(':id/contact-sheet/versions')
  @OwnedRecord('contract')
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary:
      'Every version of the contact sheet (one per contract revision since the advance payment), with its sign-offs',
  })
  @ApiOkResponse({ type: [SheetVersionSummaryDto] })
  versions(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.sheets.versionList(user, id);
  }

  @Post(':id/contact-sheet/sign')
  @OwnedRecord('contract')
  @Roles('finance', 'engineering', 'production')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign off the current version for your department (name, time, comment); the third sign-off completes it',
    description:
      'The department is your department role; with several, name it (422 DEPARTMENT_REQUIRED). An admin signs only with a department role (403 NOT_IN_DEPARTMENT). ' +
      '409 ALREADY_SIGNED, 409 CONTACT_SHEET_COMPLETE, 409 CONTACT_SHEET_NOT_ISSUED (the copy is still rendering). ' +
      'When complete, `job` re-renders the three copies with the sign-offs (new document versions) and mails them.',
  })
  @ApiOkResponse({ type: SignResultDto })
  sign(@CurrentUser() user: AuthUser, @IdParam() id: string, @Body() dto: SignContactSheetDto) {
    return this.sheets.sign(user, id, dto);
  }

  @Post(':id/contact-sheet/render')
  @OwnedRecord('contract')
  @Roles('backoffice', 'manager')
  @RateLimit('render')
  @HttpCode(202)
  @ApiOperation({
    summary: "Queue the rendering of the current version's missing copies (after a lost job)",
    description:
      'Copies already stored are not rendered again. Each copy is mailed through the outbox, queued with the copy; a failed message is sent again with POST /api/outbox/{id}/retry.',
  })
  @ApiAcceptedResponse({ type: SheetJobDto, description: 'The job rendering and mailing the copies' })
  resync(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.sheets.resync(user, id);
  }

  @Get(':id/contact-sheet/:department/file')
  @OwnedRecord('contract')
  @Roles(ANY_ROLE)
  @ApiProduces('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  @ApiFileResponse('The copy (signed PDF or DOCX)', PDF, DOCX)
  @ApiOperation({
    summary:
      "Download a department's copy (finance | engineering | production); version = the copy's document version, default the newest",
    description: `${COPIES_NOTE} 403 COPY_NOT_ALLOWED otherwise.`,
  })
  async file(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @DepartmentParam() department: Department,
    @Query() q: CopyFileQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { file, bytes } = await this.sheets.file(user, id, department, q.format, q.version);
    return sendBytes(res, { bytes, contentType: file.contentType, fileName: file.fileName, sha256: file.sha256 });
  }
}
