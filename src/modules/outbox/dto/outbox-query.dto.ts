import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { OUTBOX_STATUSES, type OutboxStatus } from '../outbox-message.entity.js';

export class OutboxQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'statement', description: 'What the messages are about: statement, delivery, ...' })
  @IsOptional()
  @Matches(/^[a-z][a-z-]{0,39}$/, { message: 'subjectType must be a lower-case word such as statement' })
  subjectType?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  subjectId?: string;

  @ApiPropertyOptional({ enum: OUTBOX_STATUSES })
  @IsOptional()
  @IsIn(OUTBOX_STATUSES)
  status?: OutboxStatus;
}
