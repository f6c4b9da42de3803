import { ApiProperty } from '@nestjs/swagger';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import { JOB_STATUSES, type JobStatus } from '../job.entity.js';
import type { JobView } from '../jobs.service.js';

/** Long work as the API reports it; a 202 answers it, GET /api/jobs/{id} follows it. */
export class JobViewDto implements JobView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'document.render' })
  name!: string;

  @ApiProperty({ enum: JOB_STATUSES })
  status!: JobStatus;

  @ApiProperty({ minimum: 0, maximum: 100 })
  progress!: number;

  @ApiProperty()
  attempts!: number;

  @ApiProperty()
  maxAttempts!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: "The job's result when it succeeded (e.g. documentId)",
  })
  result!: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  startedAt!: Date | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  finishedAt!: Date | null;
}

/** A job named by its id and status (the job a payment or a contact sheet started). */
export class JobRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: JOB_STATUSES })
  status!: JobStatus;
}
