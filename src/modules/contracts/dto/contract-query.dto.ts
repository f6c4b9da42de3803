import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../../../common/pagination.js';
import { IsDateOnly } from '../../../common/tabular/date-only.js';
import { CONTRACT_STATUSES, type ContractStatus } from '../contract.entity.js';
import { CONTRACT_SORTS, type ContractSort } from '../contracts.repository.js';

// No sorting by amount: the order alone would tell production users (who see no prices) what they are.
export class ContractQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the number, project name, project number or customer name, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ enum: CONTRACT_STATUSES })
  @IsOptional()
  @IsIn(CONTRACT_STATUSES)
  status?: ContractStatus;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'Signed on or after' })
  @IsOptional()
  @IsDateOnly()
  signedFrom?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Signed on or before' })
  @IsOptional()
  @IsDateOnly()
  signedTo?: string;

  @ApiPropertyOptional({ description: 'Exactly this project number' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  projectNumber?: string;

  @ApiPropertyOptional({ enum: CONTRACT_SORTS, default: 'signingDate' })
  @IsOptional()
  @IsIn(CONTRACT_SORTS)
  sort: ContractSort = 'signingDate';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';
}

export class ContractRevisionQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'Show this revision (default: the current one)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  revision?: number;
}
