import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiFileResponse, DOCX, PDF } from '../../common/openapi/responses.js';
import { DeletedDto } from '../../common/openapi/ref.dto.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { IdParam } from '../../common/validation.js';
import type { ExpectedVersion } from '../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../common/versioning/versioned.decorators.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import { CONTENT_TYPES } from '../../rendering/rendering.types.js';
import type { RenderedHtml } from '../../rendering/templates/template-engine.js';
import { LOCALES } from '../../rendering/rendering.types.js';
import { ANY_ROLE, CurrentUser, Roles, SharedRecords, type AuthUser } from '../auth/index.js';
import { FileUpload, UploadedBytes, type Upload } from '../files/index.js';
import {
  CreateDraftDto,
  DraftPreviewQuery,
  ImportDocxDto,
  PreviewQuery,
  RestoreDto,
  TemplateDiffQuery,
  TemplateLocaleQuery,
  UpdateDraftDto,
} from './dto/template-version.dto.js';
import { AppException } from '../../common/errors/app-exception.js';
import { TemplateStoreError } from './templates.errors.js';
import {
  ImportedDraftDto,
  TemplateContractDto,
  TemplateDiffViewDto,
  TemplateTypeDto,
  TemplateVersionsViewDto,
  TemplateVersionViewDto,
} from './dto/template-version-view.dto.js';
import { TemplatesService } from './templates.service.js';

// Managers and the back office keep the company's templates; everyone signed in may read them (they hold no prices).
const EDIT = ['backoffice', 'manager'] as const;
const TEMPLATE_ERROR = 'TEMPLATE_ERROR: details.file, line, column, reason (the draft is not saved)';
const RECORD_PREVIEW_ERRORS =
  'TEMPLATE_PREVIEW_WRONG_RECORD (recordId is a record of another kind), TEMPLATE_PREVIEW_NO_RECORD (the type ' +
  "previews on samples only); 404 the record's module's code; 403 NOT_YOUR_RECORD";

@ApiTags('templates')
@Controller('api/templates')
export class TemplatesController {
  constructor(
    private readonly rendering: RenderingService,
    private readonly templates: TemplatesService,
  ) {}

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'The document templates and their built-in versions (content hashes)' })
  @ApiOkResponse({ type: [TemplateTypeDto] })
  list() {
    return this.templates.types();
  }

  @Get(':type/contract')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary:
      "What the template editor completes: the type's fields (kind, example), helpers, partials, the locale's labels, " +
      'its production copy (the price fields it cannot reach) and the record it previews on',
  })
  @ApiOkResponse({ type: TemplateContractDto })
  contract(@Param('type') type: string, @Query() q: TemplateLocaleQuery) {
    return this.templates.contract(type, q.locale);
  }

  @Post(':type/preview')
  @SharedRecords()
  @HttpCode(200)
  @Roles('backoffice', 'sales', 'finance', 'manager')
  @RateLimit('render')
  @ApiBody({
    required: false,
    schema: { type: 'object', additionalProperties: true },
    description: "The template's data; none: its sample.json",
  })
  @ApiProduces('application/pdf', 'text/html', DOCX)
  @ApiOperation({
    summary:
      'Render sample.json, the posted data or a real record (?recordId=) with the template in use (published or ' +
      'built-in); nothing stored',
  })
  @ApiFileResponse('The rendered sample (nothing stored)', PDF, 'text/html', DOCX)
  @ApiUnprocessableEntityResponse({ description: RECORD_PREVIEW_ERRORS })
  async preview(
    @CurrentUser() actor: AuthUser,
    @Param('type') type: string,
    @Query() q: PreviewQuery,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const given = hasData(body) ? body : undefined;
    oneSource(given, q.recordId);
    const data = q.recordId
      ? await this.templates.recordData(actor, type, q.recordId, q.locale ?? 'zh-CN')
      : (given ?? this.rendering.sample(type));
    await this.send(res, await this.rendering.html(type, data, q.locale), q.format);
  }

  @Get('versions/by-hash/:hash')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary:
      "The stored versions with this hash: a version's content hash, or what a document recorded in templateVersions",
  })
  @ApiOkResponse({ type: [TemplateVersionViewDto] })
  byHash(@Param('hash') hash: string) {
    return this.templates.byHash(hash.toLowerCase());
  }

  @Get(':type/versions')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: "A type's built-in template, its stored versions in a locale and the one in use" })
  @ApiOkResponse({ type: TemplateVersionsViewDto })
  versions(@Param('type') type: string, @Query() q: TemplateLocaleQuery) {
    return this.templates.versions(type, q.locale);
  }

  @Get(':type/versions/:id')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOkResponse({ type: TemplateVersionViewDto })
  @VersionedRead()
  version(@Param('type') type: string, @IdParam() id: string) {
    return this.templates.get(type, id);
  }

  @Get(':type/diff')
  @SharedRecords()
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: "A unified diff per file between two versions ('built-in' allowed on either side)" })
  @ApiOkResponse({ type: TemplateDiffViewDto })
  diff(@Param('type') type: string, @Query() q: TemplateDiffQuery) {
    return this.templates.diff(type, q.from, q.to);
  }

  @Post(':type/drafts')
  @SharedRecords()
  @Roles(...EDIT)
  @ApiOperation({
    summary: "A draft: the files of the built-in, the published ('active', the default) or a stored version",
  })
  @ApiCreatedResponse({ type: TemplateVersionViewDto })
  createDraft(@CurrentUser() actor: AuthUser, @Param('type') type: string, @Body() dto: CreateDraftDto) {
    return this.templates.createDraft(actor, type, dto);
  }

  @Post(':type/drafts/import-docx')
  @SharedRecords()
  @Roles(...EDIT)
  @FileUpload({
    locale: { type: 'string', enum: LOCALES, description: "The draft's locale (and the warnings' language)" },
  })
  @ApiOperation({
    summary:
      "A draft from a Word document (.docx) in the company's format: its body (headings, paragraphs, bold, alignment, " +
      'tables, PNG/JPEG images, {{field}} placeholders typed in Word, {{#each}} rows) in the subset the DOCX keeps',
  })
  @ApiCreatedResponse({ type: ImportedDraftDto })
  @ApiUnprocessableEntityResponse({
    description:
      'WORD_IMPORT_UNREADABLE / WORD_IMPORT_TOO_LARGE / WORD_IMPORT_EMPTY; TEMPLATE_REFUSED (details.problems); 413 FILE_TOO_LARGE',
  })
  importDocx(
    @CurrentUser() actor: AuthUser,
    @Param('type') type: string,
    @Body() body: ImportDocxDto,
    @UploadedBytes() upload: Upload | undefined,
  ) {
    return this.templates.importDocx(actor, type, body.locale, upload);
  }

  @Put(':type/drafts/:id')
  @SharedRecords()
  @Roles(...EDIT)
  @VersionedWrite()
  @ApiOperation({
    summary: "Save a draft's files: compiled first ({{{ }}}, syntax, unknown helpers and partials refused)",
  })
  @ApiOkResponse({ type: TemplateVersionViewDto })
  @ApiUnprocessableEntityResponse({ description: TEMPLATE_ERROR })
  updateDraft(
    @Param('type') type: string,
    @IdParam() id: string,
    @Body() dto: UpdateDraftDto,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.templates.updateDraft(type, id, dto, ifMatch);
  }

  @Delete(':type/drafts/:id')
  @SharedRecords()
  @Roles(...EDIT)
  @HttpCode(200)
  @VersionedWrite()
  @ApiOkResponse({ type: DeletedDto })
  deleteDraft(@Param('type') type: string, @IdParam() id: string, @IfMatch() ifMatch: ExpectedVersion) {
    return this.templates.deleteDraft(type, id, ifMatch);
  }

  @Post(':type/drafts/:id/preview')
  @SharedRecords()
  @HttpCode(200)
  @Roles(...EDIT)
  @RateLimit('render')
  @ApiBody({
    required: false,
    schema: { type: 'object', additionalProperties: true },
    description: "The template's data; none: its sample",
  })
  @ApiProduces('application/pdf', 'text/html', DOCX)
  @ApiOperation({
    summary:
      "Render a draft on the type's sample, the posted data or a real record (?recordId=) in the draft's locale; " +
      'nothing stored',
  })
  @ApiFileResponse('The rendered draft (nothing stored)', PDF, 'text/html', DOCX)
  @ApiUnprocessableEntityResponse({
    description: `TEMPLATE_REFUSED: details.problems (code, file, line, column) of a broken draft; ${TEMPLATE_ERROR}; ${RECORD_PREVIEW_ERRORS}`,
  })
  async previewDraft(
    @CurrentUser() actor: AuthUser,
    @Param('type') type: string,
    @IdParam() id: string,
    @Query() q: DraftPreviewQuery,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const data = hasData(body) ? body : undefined;
    oneSource(data, q.recordId, q.sample);
    const html = await this.templates.previewDraft(actor, type, id, { data, sample: q.sample, recordId: q.recordId });
    await this.send(res, html, q.format);
  }

  @Post(':type/drafts/:id/publish')
  @SharedRecords()
  @HttpCode(200)
  @Roles(...EDIT)
  @VersionedWrite()
  @ApiOperation({ summary: 'Publish a draft: documents of its type and locale render with it (audited)' })
  @ApiOkResponse({ type: TemplateVersionViewDto })
  publish(
    @CurrentUser() actor: AuthUser,
    @Param('type') type: string,
    @IdParam() id: string,
    @IfMatch() ifMatch: ExpectedVersion,
  ) {
    return this.templates.publish(actor, type, id, ifMatch);
  }

  @Post(':type/versions/:id/restore')
  @SharedRecords()
  @HttpCode(200)
  @Roles(...EDIT)
  @ApiOperation({ summary: 'Publish a copy of an older version (audited)' })
  @ApiOkResponse({ type: TemplateVersionViewDto })
  restore(@CurrentUser() actor: AuthUser, @Param('type') type: string, @IdParam() id: string, @Body() dto: RestoreDto) {
    return this.templates.restore(actor, type, id, dto.note);
  }

  @Post(':type/reset')
  @SharedRecords()
  @HttpCode(200)
  @Roles(...EDIT)
  @ApiOperation({ summary: 'Go back to the built-in template in a locale (audited when something was published)' })
  @ApiOkResponse({ type: TemplateVersionsViewDto })
  reset(@CurrentUser() actor: AuthUser, @Param('type') type: string, @Query() q: TemplateLocaleQuery) {
    return this.templates.reset(actor, type, q.locale);
  }

  private async send(res: Response, html: RenderedHtml, format: 'pdf' | 'docx' | 'html'): Promise<void> {
    const bytes =
      format === 'html'
        ? Buffer.from(html.html, 'utf8')
        : format === 'docx'
          ? await this.rendering.renderDocx(html)
          : await this.rendering.renderPdf(html, false);
    res.set({
      'Content-Type': CONTENT_TYPES[format],
      'Content-Length': String(bytes.length),
      'X-Template-Version': html.version,
      'Cache-Control': 'no-store',
    });
    if (format === 'html') {
      res.set(
        'Content-Security-Policy',
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:",
      );
    }
    res.end(bytes);
  }
}

/** A preview renders one thing: the posted data, a record or a sample. */
function oneSource(data: object | undefined, recordId: string | undefined, sample?: string): void {
  if (recordId !== undefined && (data !== undefined || sample !== undefined)) {
    throw AppException.badRequest(
      TemplateStoreError.TEMPLATE_PREVIEW_SOURCE_CONFLICT,
      'Preview on a record (recordId) or on data (the body or sample), not both',
      { recordId, ...(sample !== undefined ? { sample } : {}), body: data !== undefined },
    );
  }
}

const hasData = (body: unknown): body is object =>
  body !== null && typeof body === 'object' && Object.keys(body).length > 0;
