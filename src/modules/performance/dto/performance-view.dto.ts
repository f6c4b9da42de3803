import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AMOUNT, DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import { StoredFileViewDto } from '../../files/index.js';
import type { PerformanceView } from '../performance.service.js';

/**
 * A performance record (业绩). The service answers Partial<PerformanceView> (contractAmount left out for users who
 * may not see prices), so only contractAmount is optional here.
 */
export class PerformanceViewDto implements Partial<PerformanceView> {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  projectName!: string;

  @ApiProperty()
  customerName!: string;

  @ApiProperty()
  industry!: string;

  @ApiProperty({ type: String, nullable: true })
  productLine!: string | null;

  @ApiPropertyOptional({ ...AMOUNT, description: 'Absent for callers who may not see prices' })
  contractAmount?: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty(DATE_ONLY)
  signedDate!: string;

  @ApiProperty({ ...DATE_ONLY, nullable: true })
  completedDate!: string | null;

  @ApiProperty({ type: String, nullable: true })
  location!: string | null;

  @ApiProperty({ type: String, nullable: true })
  scope!: string | null;

  @ApiProperty({
    type: [StoredFileViewDto],
    description: 'Production users see acceptance certificates only',
  })
  proofs!: StoredFileViewDto[];

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;

  @ApiProperty({ description: 'Goes up with every change; GET gives it as the ETag, writes take it as If-Match' })
  version!: number;
}
