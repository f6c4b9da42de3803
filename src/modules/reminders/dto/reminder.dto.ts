import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class OptOutDto {
  @ApiProperty({ description: 'true: no reminder; false: reminders again' })
  @IsBoolean()
  optedOut!: boolean;
}

class ReminderSubjectDto {
  @ApiProperty({ enum: ['statement', 'qualification', 'quotation'] })
  type!: string;

  @ApiProperty({ format: 'uuid' })
  id!: string;
}

export class ReminderViewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Once per key: e.g. statement-reply:<statementId>:3' })
  key!: string;

  @ApiProperty({ enum: ['statement-reply', 'statement-overdue', 'qualification-expiry', 'quotation-expiry'] })
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
      'NO_BILLING_EMAIL, NO_SALES_OWNER_EMAIL, NO_STATEMENT_MAIL, NO_RECIPIENT, CUSTOMER_OPTED_OUT, USER_OPTED_OUT',
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
