import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto } from '../../../common/openapi/ref.dto.js';
import { PageOf, TIMESTAMP } from '../../../common/openapi/responses.js';
import type { Page } from '../../../common/pagination.js';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../outbox/index.js';
import { STATEMENT_RESPONSES, type StatementResponseStatus, StatementPeriodDto } from '../../statements/index.js';
import {
  RUN_ITEM_STATUSES,
  RUN_STATUSES,
  RUN_TRIGGERS,
  type RunItemStatus,
  type RunStatus,
  type RunTrigger,
} from '../statement-run.entity.js';
import type { ItemCounts } from '../statement-run.view.js';
import type { StatementRunItemView, StatementRunSummary, StatementRunView } from '../statement-runs.service.js';

/** Items by status: each item in exactly one. */
export class ItemCountsDto implements ItemCounts {
  @ApiProperty({ description: 'To render' })
  pending!: number;

  @ApiProperty({ description: 'Mail not sent yet' })
  rendered!: number;

  @ApiProperty()
  sent!: number;

  @ApiProperty({ description: 'Render or mail failed' })
  failed!: number;

  @ApiProperty()
  skipped!: number;
}

export class RunItemMailDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: OUTBOX_STATUSES })
  status!: OutboxStatus;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  sentAt!: Date | null;
}

export class StatementRunItemViewDto implements StatementRunItemView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty()
  customerName!: string;

  @ApiProperty({ enum: RUN_ITEM_STATUSES, description: 'sent when its message is; failed when render or mail failed' })
  status!: RunItemStatus;

  @ApiProperty({ type: String, nullable: true, example: 'NO_BILLING_EMAIL', description: 'Why skipped or failed' })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The billing address' })
  email!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  statementId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  statementNumber!: string | null;

  @ApiProperty({ enum: STATEMENT_RESPONSES, nullable: true, description: "The customer's answer" })
  confirmation!: StatementResponseStatus | null;

  @ApiProperty({ type: RunItemMailDto, nullable: true })
  mail!: RunItemMailDto | null;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;
}

export class StatementRunSummaryDto implements StatementRunSummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: StatementPeriodDto })
  period!: StatementPeriodDto;

  @ApiProperty({ enum: RUN_TRIGGERS })
  trigger!: RunTrigger;

  @ApiProperty({ enum: RUN_STATUSES })
  status!: RunStatus;

  @ApiProperty({ description: 'Customers in the run (0 until they are listed)' })
  total!: number;

  @ApiProperty({ type: ItemCountsDto })
  counts!: ItemCountsDto;

  @ApiProperty({ description: 'Statements issued so far' })
  statementsIssued!: number;

  @ApiProperty({ minimum: 0, maximum: 100 })
  progress!: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The plan job' })
  jobId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  finishedAt!: Date | null;
}

export class StatementRunViewDto extends StatementRunSummaryDto implements StatementRunView {
  @ApiProperty({ type: PageOf(StatementRunItemViewDto), description: 'A page of its items' })
  items!: Page<StatementRunItemView>;
}
