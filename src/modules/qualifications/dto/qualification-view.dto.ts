import { ApiProperty } from '@nestjs/swagger';
import { DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import { StoredFileViewDto } from '../../files/index.js';
import { QUALIFICATION_STATUSES, type QualificationStatus } from '../qualification-status.js';
import { QUALIFICATION_TYPES, type QualificationType } from '../qualification.entity.js';
import type { QualificationView } from '../qualifications.service.js';

export class QualificationViewDto implements QualificationView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: QUALIFICATION_TYPES })
  type!: QualificationType;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  number!: string | null;

  @ApiProperty({ type: String, nullable: true })
  issuer!: string | null;

  @ApiProperty({ type: String, nullable: true })
  grade!: string | null;

  @ApiProperty(DATE_ONLY)
  validFrom!: string;

  @ApiProperty({ ...DATE_ONLY, nullable: true, description: 'null: permanent' })
  validTo!: string | null;

  @ApiProperty({ type: String, nullable: true })
  notes!: string | null;

  @ApiProperty({ enum: QUALIFICATION_STATUSES, description: 'Derived from the dates on statusOn' })
  status!: QualificationStatus;

  @ApiProperty(DATE_ONLY)
  statusOn!: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'validTo - statusOn in days (0 on the last valid day, negative once expired); null when permanent',
  })
  daysLeft!: number | null;

  @ApiProperty({ type: [StoredFileViewDto] })
  scans!: StoredFileViewDto[];

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;

  @ApiProperty({ description: 'Goes up with every change; GET gives it as the ETag, writes take it as If-Match' })
  version!: number;
}
