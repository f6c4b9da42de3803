import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { IsDateOnly } from '../../../common/tabular/date-only.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import { MAX_NAME, MAX_REASON } from '../statement-answer.js';
import { STATEMENT_RESPONSES, type StatementResponseStatus } from '../statement.entity.js';

const hasPeriod = (o: IssueStatementDto) => o.from !== undefined || o.to !== undefined;

/**
 * A statement for a period (from + to) or as of a date (asOf; neither given: as of today). The checks that need
 * today's date or the ledger (the period ends before it starts or after today: 422 STATEMENT_PERIOD_INVALID) are
 * the service's.
 */
export class IssueStatementDto {
  @ApiPropertyOptional({ example: '2026-10-01', description: 'First day of the period (with `to`)' })
  @ValidateIf((o: IssueStatementDto) => hasPeriod(o))
  @IsDateOnly()
  from?: string;

  @ApiPropertyOptional({ example: '2026-10-31', description: 'Last day of the period (with `from`)' })
  @ValidateIf((o: IssueStatementDto) => hasPeriod(o))
  @IsDateOnly()
  to?: string;

  @ApiPropertyOptional({
    example: '2026-10-31',
    description: 'An as-of statement: everything up to this day (not with from/to). Default: today',
  })
  @IsOptional()
  @IsDateOnly()
  @IsAbsentWith(['from', 'to'])
  asOf?: string;

  @ApiPropertyOptional({
    enum: LOCALES,
    description:
      "The statement's and its mail's language. Default: the customer's language, else the company's documentLocale",
  })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({ minimum: 1, maximum: 365, description: 'Days to answer; default STATEMENT_REPLY_DAYS' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  replyDays?: number;

  @ApiPropertyOptional({ example: 'caiwu@customer.example', description: 'Mail the statement to this address' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  @IsAbsentWith(['sendToBilling'])
  sendTo?: string;

  @ApiPropertyOptional({
    description:
      "Mail it to the customer's billing contact (422 NO_BILLING_EMAIL when the customer has none with an e-mail)",
  })
  @IsOptional()
  @IsBoolean()
  sendToBilling?: boolean;
}

/**
 * Refuses the field together with any of `others` given (and not false): `asOf` with a period, `sendTo` with
 * `sendToBilling: true`.
 */
function IsAbsentWith(others: string[]): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isAbsentWith',
      target: target.constructor,
      propertyName: propertyKey as string,
      constraints: others,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const o = args.object as Record<string, unknown>;
          return value === undefined || others.every((k) => o[k] === undefined || o[k] === false);
        },
        defaultMessage: () => `${String(propertyKey)} cannot be combined with ${others.join(' or ')}`,
      },
    });
}

export class StatementQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Statements of one statement run' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @ApiPropertyOptional({ enum: STATEMENT_RESPONSES })
  @IsOptional()
  @IsIn(STATEMENT_RESPONSES)
  responseStatus?: StatementResponseStatus;
}

export class StatementFileQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'docx', 'bundle'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'docx', 'bundle'])
  format: 'pdf' | 'docx' | 'bundle' = 'pdf';
}

/**
 * The customer's answer (documentation of the public form; the page checks it itself, see statement-answer.ts,
 * so that a refused form is shown again rather than answered with JSON).
 */
export class AnswerStatementDto {
  @ApiProperty({ enum: ['confirm', 'dispute'] })
  action!: 'confirm' | 'dispute';

  @ApiPropertyOptional({
    example: '46800.00',
    description: 'dispute: the balance the customer believes is right (required); "¥ 1,234.50" is read as 1234.50',
  })
  amount?: string;

  @ApiPropertyOptional({ maxLength: MAX_REASON, description: 'Required for a dispute; an optional remark otherwise' })
  reason?: string;

  @ApiProperty({ maxLength: MAX_NAME, description: 'The name of the person answering' })
  name!: string;

  @ApiProperty({
    example: '0123 4567',
    description: 'The 8-digit confirmation code from the statement mail (spaces and dashes are ignored)',
  })
  code!: string;
}
