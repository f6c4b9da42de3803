import {
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Query,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AppException } from '../../common/errors/app-exception.js';
import { FileError, sendBytes } from '../files/index.js';
import { IdParam } from '../../common/validation.js';
import { Public, Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { DocumentsService } from './documents.service.js';
import { CreateDocumentDto } from './dto/create-document.dto.js';
import { FileQuery, WaitQuery } from './dto/document-query.dto.js';
import { VerifyUploadInterceptor } from './verify-upload.interceptor.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { ApiFileResponse, DOCX, PDF } from '../../common/openapi/responses.js';
import { JobViewDto } from '../jobs/index.js';
import { DocumentViewDto, VerifyResultDto } from './dto/document-view.dto.js';

// Documents carry prices: production users get their copies through the workflows that make price-free ones.
const READERS = ['backoffice', 'sales', 'finance', 'engineering', 'manager'] as const;
const READ_RULE =
  "A workflow's document follows its workflow's rule (a contact sheet's finance copy: finance, backoffice, manager, sales; a statement: not engineering…); 403 DOCUMENT_NOT_ALLOWED otherwise.";

@ApiTags('documents')
@Controller('api/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post()
  @Roles('backoffice', 'sales', 'finance', 'manager')
  @RateLimit('render')
  @ApiOperation({
    summary: 'Render any template with your data into a stored ad-hoc document (a job; `?wait=true` renders now)',
    description:
      'Ad-hoc only: the PDF says so in its footer and /verify answers origin "ad-hoc". A workflow subject type (statement, quotation, delivery, contract, tender) is refused with 422 SUBJECT_RESERVED: their documents are issued by their workflows.',
  })
  @ApiAcceptedResponse({
    type: JobViewDto,
    description: 'the job: poll GET /api/jobs/{id}; its result holds documentId',
  })
  @ApiCreatedResponse({ type: DocumentViewDto, description: 'with ?wait=true: the document' })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateDocumentDto,
    @Query() q: WaitQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const request = {
      template: dto.template,
      data: dto.data,
      formats: dto.formats,
      sign: dto.sign,
      locale: dto.locale,
      subject: dto.subject,
    };
    await this.documents.checkAdHocSubject(user, request.subject);
    if (q.wait) {
      res.status(201);
      return this.documents.generate(user, request);
    }
    res.status(202);
    return this.documents.enqueue(user, request);
  }

  @Post('verify')
  @Public()
  @RateLimit('verify', { anonymous: 'verify-anonymous' })
  @HttpCode(200)
  @UseInterceptors(VerifyUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
  })
  @ApiOperation({
    summary: 'Is this PDF or bundle one of ours, unaltered? { valid, documentId, version, reason }',
    description:
      'Anyone may ask (anonymous callers under a low rate limit, RATE_LIMIT_VERIFY_ANONYMOUS). At most VERIFY_LIMIT ' +
      '(413 FILE_TOO_LARGE); one check at a time per process (429 VERIFY_BUSY, Retry-After).',
  })
  @ApiOkResponse({ type: VerifyResultDto })
  async verify(@UploadedFile() file: Express.Multer.File | undefined) {
    if (!file)
      throw AppException.badRequest(FileError.FILE_REQUIRED, 'Send the PDF or bundle as multipart field "file"');
    // Written to a temporary file by the interceptor; read back at most VERIFY_LIMIT bytes, one check at a time.
    return this.documents.verify(await readFile(file.path));
  }

  @Get(':id')
  @OwnedRecord('document')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Metadata of a document and all its versions', description: READ_RULE })
  @ApiOkResponse({ type: DocumentViewDto })
  get(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.documents.getFor(user, id);
  }

  @Get(':id/file')
  @OwnedRecord('document')
  @Roles(...READERS)
  @ApiProduces(
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/zip',
  )
  @ApiOperation({ summary: 'Download a file of a version (default: the latest PDF)', description: READ_RULE })
  @ApiFileResponse('The file (a signed bundle is a ZIP)', PDF, DOCX, 'application/zip')
  async file(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Query() q: FileQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { file, bytes } = await this.documents.fileFor(user, id, q.format, q.version);
    return sendBytes(res, { bytes, contentType: file.contentType, fileName: file.fileName, sha256: file.sha256 });
  }
}
