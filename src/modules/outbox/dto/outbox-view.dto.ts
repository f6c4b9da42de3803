import { ApiProperty } from '@nestjs/swagger';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import { TypeIdDto } from '../../../common/openapi/ref.dto.js';
import { OUTBOX_STATUSES, type OutboxStatus } from '../outbox-message.entity.js';
import type { OutboxMessageView } from '../outbox.service.js';

export class OutboxMessageViewDto implements OutboxMessageView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Sent once per key' })
  key!: string;

  @ApiProperty({ type: TypeIdDto, description: 'What it is about' })
  about!: TypeIdDto;

  @ApiProperty({ example: 'customer', description: "Who it is for, in a word: 'customer', 'production', 'billing'…" })
  audience!: string;

  @ApiProperty({ type: [String] })
  to!: string[];

  @ApiProperty({ type: [String] })
  cc!: string[];

  @ApiProperty()
  subject!: string;

  @ApiProperty({ type: [String], description: 'The file names of the attachments' })
  attachments!: string[];

  @ApiProperty({ enum: OUTBOX_STATUSES })
  status!: OutboxStatus;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ description: 'The Message-ID header' })
  messageId!: string;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  sentAt!: Date | null;

  @ApiProperty({ type: String, nullable: true })
  jobId!: string | null;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;
}
