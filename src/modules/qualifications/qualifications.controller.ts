import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res, type StreamableFile } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ImportQuery } from '../../common/tabular/tabular.dto.js';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, SharedRecords } from '../auth/index.js';
import {
  sendExport,
  sendStoredFile,
  type Upload,
  FileUpload,
  UploadedBytes,
  StoredFileViewDto,
} from '../files/index.js';
import { CreateQualificationDto } from './dto/create-qualification.dto.js';
import { ExpiringQuery, QualificationExportQuery, QualificationListQuery } from './dto/qualification-query.dto.js';
import { UpdateQualificationDto } from './dto/update-qualification.dto.js';
import { QualificationsService } from './qualifications.service.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import type { ExpectedVersion } from '../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../common/versioning/versioned.decorators.js';
import { ImportReportDto } from '../../common/tabular/import-report.dto.js';
import { ApiFileResponse, CSV, PageOf, PDF, XLSX } from '../../common/openapi/responses.js';
import { DeletedDto } from '../../common/openapi/ref.dto.js';
import { QualificationViewDto } from './dto/qualification-view.dto.js';

// Keeping the records is the back office's job; everyone may read them (they carry no prices).
const WRITE = ['admin', 'backoffice'] as const;

@ApiTags('qualifications')
@Controller('api/qualifications')
export class QualificationsController {
  constructor(private readonly qualifications: QualificationsService) {}

  @Post()
  @Roles(...WRITE)
  @ApiCreatedResponse({ type: QualificationViewDto, description: 'The qualification with its derived status' })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateQualificationDto) {
    return this.qualifications.create(actor, dto);
  }

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'Qualifications, filtered; status derived on validOn / asOf / today',
    description:
      'status: not_yet_valid before validFrom; expired from validTo + 1; expiring when 0 <= validTo - day <= expiringWithinDays ' +
      '(validTo is the last valid day, inclusive); valid otherwise. `validOn` keeps only those in force that day.',
  })
  @ApiOkResponse({ type: PageOf(QualificationViewDto) })
  list(@Query() query: QualificationListQuery) {
    return this.qualifications.list(query);
  }

  @Get('expiring')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'The renewal list: expiring within `days` and already expired, soonest first' })
  @ApiOkResponse({ type: [QualificationViewDto] })
  expiring(@Query() query: ExpiringQuery) {
    return this.qualifications.expiring(query);
  }

  @Get('export')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'The filtered list as CSV (UTF-8 with BOM) or XLSX, Chinese headers' })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiFileResponse('The qualifications as CSV or XLSX', CSV, XLSX)
  async export(
    @CurrentUser() user: AuthUser,
    @Query() query: QualificationExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return sendExport(res, await this.qualifications.export(user, query, query.format));
  }

  @Post('import')
  @Roles(...WRITE)
  @RateLimit('import')
  @HttpCode(200)
  @FileUpload()
  @ApiOperation({
    summary:
      'Import a CSV (UTF-8 or GBK) or XLSX sheet: rows matching a record by ID or certificate number (证书编号) update it, others are new; every row valid -> all written; any bad row -> 422 and nothing written',
  })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiUnprocessableEntityResponse({
    description:
      'IMPORT_INVALID: details is the same report (results row by row; errors = [{ row, field, column, code, message }], row as numbered in the sheet); nothing was written',
  })
  import(@CurrentUser() actor: AuthUser, @UploadedBytes() upload: Upload | undefined, @Query() query: ImportQuery) {
    return this.qualifications.import(actor, upload, query.dryRun);
  }

  @Get(':id')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOkResponse({ type: QualificationViewDto })
  @VersionedRead()
  get(@IdParam() id: string) {
    return this.qualifications.get(id);
  }

  @Patch(':id')
  @SharedRecords()
  @Roles(...WRITE)
  @VersionedWrite()
  @ApiOkResponse({ type: QualificationViewDto })
  update(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @Body() dto: UpdateQualificationDto,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.qualifications.update(actor, id, dto, ifMatch);
  }

  @Delete(':id')
  @SharedRecords()
  @Roles(...WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a qualification and its scans' })
  @VersionedWrite()
  @ApiOkResponse({ type: DeletedDto })
  remove(@CurrentUser() actor: AuthUser, @IdParam() id: string, @IfMatch() ifMatch: ExpectedVersion) {
    return this.qualifications.remove(actor, id, ifMatch);
  }

  @Post(':id/scans')
  @SharedRecords()
  @Roles(...WRITE)
  @FileUpload()
  @ApiOperation({
    summary: 'Attach a scanned copy: PDF, JPEG or PNG by its bytes (415 otherwise), at most UPLOAD_LIMIT (413)',
  })
  @ApiCreatedResponse({ type: StoredFileViewDto })
  addScan(@CurrentUser() actor: AuthUser, @IdParam() id: string, @UploadedBytes() upload: Upload | undefined) {
    return this.qualifications.addScan(actor, id, upload);
  }

  @Get(':id/scans')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOkResponse({ type: [StoredFileViewDto] })
  scans(@IdParam() id: string) {
    return this.qualifications.scans(id);
  }

  @Get(':id/scans/:fileId')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'Download a scan (its own content type; the original file name in Content-Disposition)' })
  @ApiFileResponse('The scan as uploaded', PDF, 'image/jpeg', 'image/png')
  async downloadScan(
    @IdParam() id: string,
    @IdParam('fileId') fileId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return sendStoredFile(res, await this.qualifications.openScan(id, fileId));
  }

  @Delete(':id/scans/:fileId')
  @SharedRecords()
  @Roles(...WRITE)
  @HttpCode(200)
  @ApiOkResponse({ type: DeletedDto })
  removeScan(@CurrentUser() actor: AuthUser, @IdParam() id: string, @IdParam('fileId') fileId: string) {
    return this.qualifications.removeScan(actor, id, fileId);
  }
}
