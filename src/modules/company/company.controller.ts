import {
  Body,
  Controller,
  Get,
  Param,
  ParseEnumPipe,
  Patch,
  Put,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppException } from '../../common/errors/app-exception.js';
import { CompanyError } from './company.errors.js';
import { FileError } from '../files/index.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, DOCUMENT_ISSUERS, SharedRecords } from '../auth/index.js';
import { SEAL_KINDS, type SealKind } from './company-seal.entity.js';
import { CompanyService } from './company.service.js';
import { CompanyProfileDto, UpdateCompanyProfileDto } from './dto/company-profile.dto.js';
import { SealUploadInterceptor } from './seal-upload.interceptor.js';
import type { ExpectedVersion } from '../../common/versioning/record-version.js';
import { IfMatch, VersionedRead, VersionedWrite } from '../../common/versioning/versioned.decorators.js';
import { ApiFileResponse } from '../../common/openapi/responses.js';
import { CompanyProfileViewDto, SealViewDto } from './dto/company-view.dto.js';

const WRITERS = ['backoffice'] as const;

const SealKindParam = () =>
  Param(
    'kind',
    new ParseEnumPipe(Object.fromEntries(SEAL_KINDS.map((k) => [k, k])), {
      exceptionFactory: () =>
        AppException.badRequest(
          CompanyError.INVALID_SEAL_KIND,
          `The seal kind must be one of: ${SEAL_KINDS.join(', ')}`,
          {
            kinds: SEAL_KINDS,
          },
        ),
    }),
  );

/** The uploaded file as multer hands it over (memory storage). */
interface UploadedBytes {
  buffer: Buffer;
}

@ApiTags('company')
@Controller('api/company')
export class CompanyController {
  constructor(private readonly company: CompanyService) {}

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'The company profile (one per installation), with which seal images are on file' })
  @ApiOkResponse({ type: CompanyProfileViewDto })
  @VersionedRead()
  get() {
    return this.company.get();
  }

  @Put()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Create the company profile, or replace all its fields (optional fields left out are cleared)',
  })
  @VersionedWrite()
  @ApiOkResponse({ type: CompanyProfileViewDto })
  put(@CurrentUser() actor: AuthUser, @Body() dto: CompanyProfileDto, @IfMatch() ifMatch: ExpectedVersion) {
    return this.company.put(actor, dto, ifMatch);
  }

  @Patch()
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Change some fields of the company profile; bankAccounts, when given, replaces the list' })
  @VersionedWrite()
  @ApiOkResponse({ type: CompanyProfileViewDto })
  patch(@CurrentUser() actor: AuthUser, @Body() dto: UpdateCompanyProfileDto, @IfMatch() ifMatch: ExpectedVersion) {
    return this.company.patch(actor, dto, ifMatch);
  }

  @Put('seals/:kind')
  @SharedRecords()
  @Roles(...WRITERS)
  @UseInterceptors(SealUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
  })
  @ApiOperation({
    summary: 'Upload a seal image (company 公章, contract 合同章): a PNG with transparency, at most 2 MB',
    description:
      '422 SEAL_NOT_TRANSPARENT_PNG when the bytes are not a PNG with an alpha channel or tRNS chunk; 413 FILE_TOO_LARGE',
  })
  @ApiOkResponse({ type: SealViewDto })
  uploadSeal(
    @CurrentUser() actor: AuthUser,
    @SealKindParam() kind: SealKind,
    @UploadedFile() file: UploadedBytes | undefined,
  ) {
    if (!file) throw AppException.badRequest(FileError.FILE_REQUIRED, 'Send the PNG as multipart field "file"');
    return this.company.uploadSeal(actor, kind, file.buffer);
  }

  @Get('seals/:kind')
  @SharedRecords()
  @Roles(...DOCUMENT_ISSUERS)
  @ApiProduces('image/png')
  @ApiOperation({
    summary: 'The seal image',
    description: 'Only for the roles that issue documents (backoffice, sales, finance, manager)',
  })
  @ApiFileResponse('The seal image', 'image/png')
  async seal(@SealKindParam() kind: SealKind, @Res() res: Response): Promise<void> {
    const seal = await this.company.seal(kind);
    res.set({
      'Content-Type': 'image/png',
      'Content-Length': String(seal.bytes.length),
      ETag: `"${seal.sha256}"`,
      'Cache-Control': 'private, no-store',
    });
    res.end(seal.bytes);
  }
}
