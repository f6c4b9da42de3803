import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';

/** Actions are lower-case words joined by dots (company.seal.upload); a final `.*` asks for a prefix. */
const ACTION_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*(\.\*)?$/;

export class AuditQueryDto extends PageQuery {
  @ApiPropertyOptional({ example: 'user' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityId?: string;

  @ApiPropertyOptional({
    example: 'user.create',
    description: 'An action (user.create), or every action under a prefix with a final .* (contract.*)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(ACTION_PATTERN, {
    message: 'action must be an action such as user.create, or a prefix ending in .* such as contract.*',
  })
  action?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ description: 'ISO date-time, inclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'ISO date-time, exclusive; after `from` (400 AUDIT_RANGE_INVALID otherwise)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}
