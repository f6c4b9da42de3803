import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { REMINDER_REASONS, REMINDER_STATUSES } from '../reminder.entity.js';

export class ReminderQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REMINDER_REASONS, description: '400 REMINDER_REASON_UNKNOWN for any other' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  reason?: string;

  @ApiPropertyOptional({ enum: REMINDER_STATUSES, description: '400 REMINDER_STATUS_UNKNOWN for any other' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  status?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this customer's reminders" })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class OptOutQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Also say whether this customer opted out' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class OptOutDto {
  @ApiProperty({ description: 'true: no reminder; false: reminders again' })
  @IsBoolean()
  optedOut!: boolean;
}

class ReminderSubjectDto {
  @ApiProperty({ enum: ['statement', 'qualification', 'quotation', 'tender', 'contract'] })
  type!: string;

  @ApiProperty({ format: 'uuid' })
  id!: string;
}

export class ReminderViewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Once per key: e.g. statement-reply:<statementId>:3' })
  key!: string;

  @ApiProperty({ enum: REMINDER_REASONS })
  reason!: string;

  @ApiProperty({ type: ReminderSubjectDto })
  about!: ReminderSubjectDto;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  customerId!: string | null;

  @ApiProperty()
  label!: string;

  @ApiProperty({ enum: ['sent', 'skipped'] })
  status!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'NO_BILLING_EMAIL, NO_SALES_OWNER_EMAIL, NO_STATEMENT_MAIL, NO_RECIPIENT, CUSTOMER_OPTED_OUT, USER_OPTED_OUT, ' +
      'BACKLOG (a period that ended before the first run or longer than REMINDER_BACKLOG_DAYS ago)',
  })
  skipReason!: string | null;

  @ApiProperty({ type: [String] })
  to!: string[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  outboxMessageId!: string | null;

  @ApiProperty({ format: 'date' })
  day!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
}

export class ReminderRunDto {
  @ApiProperty({ format: 'date' })
  day!: string;

  @ApiProperty({ description: 'Reminders this run mailed' })
  sent!: number;

  @ApiProperty({ description: 'Reminders this run recorded as skipped' })
  skipped!: number;
}

export class CustomerOptOutDto {
  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty()
  optedOut!: boolean;
}

export class UserOptOutDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  optedOut!: boolean;
}

export class ReminderRunViewDto {
  @ApiProperty({ format: 'date' })
  day!: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The daily job queued that day' })
  jobId!: string | null;

  @ApiProperty({ description: "Reminders the day's runs mailed" })
  sent!: number;

  @ApiProperty({ description: "Reminders the day's runs recorded as skipped" })
  skipped!: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  lastRunAt!: Date | null;
}

export class OptOutsDto {
  @ApiProperty({ description: 'The calling user opted out of reminders addressed to them' })
  userOptedOut!: boolean;

  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'null unless customerId was given' })
  customerOptedOut!: boolean | null;
}
