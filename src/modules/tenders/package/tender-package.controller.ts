import { Body, Controller, Get, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { IdParam } from '../../../common/validation.js';
import { Roles, CurrentUser, type AuthUser, OwnedRecord } from '../../auth/index.js';
import { FileQuery, WaitQuery } from '../../documents/index.js';
import { sendBytes } from '../../files/index.js';
import { GeneratePackageDto } from './dto/generate-package.dto.js';
import { SendPackageDto } from './dto/send-package.dto.js';
import { TenderPackageService } from './tender-package.service.js';
import { RateLimit } from '../../../common/rate-limit/rate-limit.decorator.js';
import { ApiFileResponse, DOCX, PDF } from '../../../common/openapi/responses.js';
import { JobViewDto } from '../../jobs/index.js';
import { PackageSendResultDto, TenderPackageViewDto } from './dto/tender-package-view.dto.js';

const WRITERS = ['backoffice', 'sales', 'manager'] as const;
export const READERS = ['backoffice', 'sales', 'manager', 'finance'] as const;

@ApiTags('tenders')
@Controller('api/tenders')
export class TenderPackageController {
  constructor(private readonly packages: TenderPackageService) {}

  @Post(':id/package')
  @OwnedRecord('tender')
  @Roles(...WRITERS)
  @RateLimit('render')
  @ApiOperation({
    summary: 'Generate the tender package (a job; `?wait=true` generates now)',
    description:
      'Refused with 422 QUALIFICATION_EXPIRED / QUALIFICATION_MISSING (details.blocking, details.missingTypes) unless a manager ' +
      'sends override.reason (audit log only); 422 TENDER_QUOTATION_REQUIRED without a quotation. Each generation is a new version.',
  })
  @ApiAcceptedResponse({
    type: JobViewDto,
    description: 'the job: poll GET /api/jobs/{id}; its result holds documentId, version, pages, warnings',
  })
  @ApiCreatedResponse({ type: TenderPackageViewDto, description: 'with ?wait=true: the package with every version' })
  async generate(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() dto: GeneratePackageDto,
    @Query() q: WaitQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (q.wait) {
      res.status(201);
      return this.packages.generateNow(user, id, dto.override);
    }
    res.status(202);
    return this.packages.enqueue(user, id, dto.override);
  }

  @Get(':id/package')
  @OwnedRecord('tender')
  @Roles(...READERS)
  @ApiOkResponse({
    type: TenderPackageViewDto,
    description: 'The package document: every version with its files, section page ranges, override and warnings',
  })
  get(@IdParam() id: string) {
    return this.packages.get(id);
  }

  @Get(':id/package/file')
  @OwnedRecord('tender')
  @Roles(...READERS)
  @ApiProduces(
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/zip',
  )
  @ApiOperation({ summary: 'Download a file of a version of the package (default: the latest signed PDF)' })
  @ApiFileResponse('The file (a signed bundle is a ZIP)', PDF, DOCX, 'application/zip')
  async file(
    @IdParam() id: string,
    @Query() q: FileQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { file, bytes } = await this.packages.file(id, q.format, q.version);
    return sendBytes(res, { bytes, contentType: file.contentType, fileName: file.fileName, sha256: file.sha256 });
  }

  @Post(':id/package/send')
  @OwnedRecord('tender')
  @Roles(...WRITERS)
  @HttpCode(202)
  @ApiOperation({
    summary: "Mail the package or parts of it to the tender's sales owner (queued in the outbox)",
    description:
      "parts: 'all' (the signed PDF) and/or section keys (unsigned extracts of their pages); 422 SALES_OWNER_EMAIL_MISSING. " +
      'The mail is queued in the outbox and sent by a job, retried while the mail server is down: follow its status ' +
      'at GET /api/outbox/{id}.',
  })
  @ApiAcceptedResponse({
    type: PackageSendResultDto,
    description:
      'the outbox message (id, status queued, to, attachments…) with the version sent and what each file is (part, pages)',
  })
  send(@CurrentUser() user: AuthUser, @IdParam() id: string, @Body() dto: SendPackageDto) {
    return this.packages.send(user, id, dto);
  }
}
