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
import { CreatePerformanceRecordDto } from './dto/create-performance-record.dto.js';
import { PerformanceExportQuery, PerformanceListQuery } from './dto/performance-query.dto.js';
import { PROOF_KINDS, ProofUploadDto } from './dto/proof-upload.dto.js';
import { UpdatePerformanceRecordDto } from './dto/update-performance-record.dto.js';
import { PerformanceService } from './performance.service.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import type { ExpectedVersion } from '../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../common/versioning/versioned.decorators.js';
import { ImportReportDto } from '../../common/tabular/import-report.dto.js';
import { ApiFileResponse, CSV, PageOf, PDF, XLSX } from '../../common/openapi/responses.js';
import { DeletedDto } from '../../common/openapi/ref.dto.js';
import { PerformanceViewDto } from './dto/performance-view.dto.js';

const WRITE = ['admin', 'backoffice'] as const;

/** Everyone reads performance records; production users get them without contractAmount (absent). */
@ApiTags('performance')
@Controller('api/performance')
export class PerformanceController {
  constructor(private readonly performance: PerformanceService) {}

  @Post()
  @Roles(...WRITE)
  @ApiCreatedResponse({ type: PerformanceViewDto, description: 'The performance record' })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreatePerformanceRecordDto) {
    return this.performance.create(actor, dto);
  }

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary:
      'Search performance records: text (Chinese too), industry, product line, amount range, completed within N years; sorted, paginated',
    description: 'Production users get no contractAmount and may not filter or sort by amount (403 PRICES_HIDDEN).',
  })
  @ApiOkResponse({ type: PageOf(PerformanceViewDto) })
  list(@CurrentUser() user: AuthUser, @Query() query: PerformanceListQuery) {
    return this.performance.list(user, query);
  }

  @Get('export')
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary:
      'The filtered list as CSV (UTF-8 with BOM) or XLSX, Chinese headers; no amount column for production users',
  })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiFileResponse('The performance records as CSV or XLSX', CSV, XLSX)
  async export(
    @CurrentUser() user: AuthUser,
    @Query() query: PerformanceExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return sendExport(res, await this.performance.export(user, query, query.format));
  }

  @Post('import')
  @Roles(...WRITE)
  @RateLimit('import')
  @HttpCode(200)
  @FileUpload()
  @ApiOperation({
    summary:
      'Import a CSV (UTF-8 or GBK) or XLSX sheet: rows matching a record by ID or project name + customer (项目名称 + 客户名称) update it, others are new; every row valid -> all written; any bad row -> 422 and nothing written',
  })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiUnprocessableEntityResponse({
    description:
      'IMPORT_INVALID: details is the same report (results row by row; errors = [{ row, field, column, code, message }], row as numbered in the sheet); nothing was written',
  })
  import(@CurrentUser() actor: AuthUser, @UploadedBytes() upload: Upload | undefined, @Query() query: ImportQuery) {
    return this.performance.import(actor, upload, query.dryRun);
  }

  @Get(':id')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOkResponse({ type: PerformanceViewDto })
  @VersionedRead()
  get(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.performance.get(user, id);
  }

  @Patch(':id')
  @SharedRecords()
  @Roles(...WRITE)
  @VersionedWrite()
  @ApiOkResponse({ type: PerformanceViewDto })
  update(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @Body() dto: UpdatePerformanceRecordDto,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.performance.update(actor, id, dto, ifMatch);
  }

  @Delete(':id')
  @SharedRecords()
  @Roles(...WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a performance record and its proofs' })
  @VersionedWrite()
  @ApiOkResponse({ type: DeletedDto })
  remove(@CurrentUser() actor: AuthUser, @IdParam() id: string, @IfMatch() ifMatch: ExpectedVersion) {
    return this.performance.remove(actor, id, ifMatch);
  }

  @Post(':id/proofs')
  @SharedRecords()
  @Roles(...WRITE)
  @FileUpload({ kind: { type: 'string', enum: PROOF_KINDS } })
  @ApiOperation({
    summary:
      'Attach a proof (PDF, JPEG or PNG by its bytes) of a kind: contract signature page, acceptance certificate, invoice, other',
  })
  @ApiCreatedResponse({ type: StoredFileViewDto })
  addProof(
    @CurrentUser() actor: AuthUser,
    @IdParam() id: string,
    @Body() body: ProofUploadDto,
    @UploadedBytes() upload: Upload | undefined,
  ) {
    return this.performance.addProof(actor, id, body.kind, upload);
  }

  @Get(':id/proofs')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: "A record's proofs; production users see acceptance certificates only (the others may show the price)",
  })
  @ApiOkResponse({ type: [StoredFileViewDto] })
  proofs(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.performance.proofs(user, id);
  }

  @Get(':id/proofs/:fileId')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiFileResponse('The proof as uploaded', PDF, 'image/jpeg', 'image/png')
  async downloadProof(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @IdParam('fileId') fileId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return sendStoredFile(res, await this.performance.openProof(user, id, fileId));
  }

  @Delete(':id/proofs/:fileId')
  @SharedRecords()
  @Roles(...WRITE)
  @HttpCode(200)
  @ApiOkResponse({ type: DeletedDto })
  removeProof(@CurrentUser() actor: AuthUser, @IdParam() id: string, @IdParam('fileId') fileId: string) {
    return this.performance.removeProof(actor, id, fileId);
  }
}
