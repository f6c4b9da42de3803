import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto } from '../../../common/openapi/ref.dto.js';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import { DOCUMENT_FORMATS, type DocumentFormat } from '../document-file.entity.js';
import { DOCUMENT_ORIGINS, type DocumentOrigin, type DocumentRecordRef } from '../document-origin.js';
import type { DocumentView, FileView, VerifyResult, VersionView } from '../documents.service.js';

export class DocumentFileViewDto implements FileView {
  @ApiProperty({ enum: DOCUMENT_FORMATS })
  format!: DocumentFormat;

  @ApiProperty()
  fileName!: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType!: string;

  @ApiProperty({ description: 'Bytes' })
  size!: number;

  @ApiProperty({ description: 'SHA-256 (hex) of the bytes' })
  sha256!: string;
}

export class DocumentVersionViewDto implements VersionView {
  @ApiProperty({ minimum: 1 })
  version!: number;

  @ApiProperty({ example: 'zh-CN' })
  locale!: string;

  @ApiProperty()
  signed!: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Every template that went into the files, with its version (content hash)',
  })
  templateVersions!: Record<string, string>;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty({ type: [DocumentFileViewDto] })
  files!: DocumentFileViewDto[];
}

export class DocumentRecordRefDto implements DocumentRecordRef {
  @ApiProperty({ example: 'quotation' })
  type!: string;

  @ApiProperty({ example: 'Q-2026-0001' })
  number!: string;
}

export class SubjectRefDto {
  @ApiProperty({ example: 'quotation' })
  type!: string;

  @ApiProperty()
  id!: string;
}

export class DocumentViewDto implements DocumentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'A template name, or a composite such as tender-package' })
  type!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty({ enum: DOCUMENT_ORIGINS })
  origin!: DocumentOrigin;

  @ApiProperty({ type: DocumentRecordRefDto, nullable: true })
  record!: DocumentRecordRefDto | null;

  @ApiProperty({ type: SubjectRefDto, nullable: true })
  subject!: SubjectRefDto | null;

  @ApiProperty()
  latestVersion!: number;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty({ type: [DocumentVersionViewDto] })
  versions!: DocumentVersionViewDto[];
}

export class VerifyResultDto implements VerifyResult {
  @ApiProperty()
  valid!: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  documentId!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  version!: number | null;

  @ApiProperty({ enum: DOCUMENT_FORMATS, nullable: true })
  format!: DocumentFormat | null;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ enum: DOCUMENT_ORIGINS, nullable: true, description: 'null for a file we did not store' })
  origin!: DocumentOrigin | null;

  @ApiProperty({ type: DocumentRecordRefDto, nullable: true })
  record!: DocumentRecordRefDto | null;
}
