import { ApiProperty } from '@nestjs/swagger';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import type { FileView } from '../files.service.js';

/** A stored file (a scan, a proof) as the API shows it; the storage key stays inside. */
export class StoredFileViewDto implements FileView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'scan' })
  purpose!: string;

  @ApiProperty({ type: String, nullable: true, example: 'acceptance_certificate' })
  kind!: string | null;

  @ApiProperty()
  originalName!: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType!: string;

  @ApiProperty({ description: 'Bytes' })
  size!: number;

  @ApiProperty({ description: 'SHA-256 (hex) of the bytes' })
  sha256!: string;

  @ApiProperty(TIMESTAMP)
  uploadedAt!: Date;

  @ApiProperty()
  uploadedByName!: string;
}
