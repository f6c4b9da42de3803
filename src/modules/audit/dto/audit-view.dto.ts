import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import type { ChainBreak } from '../audit-chain.js';
import type { AuditEntry } from '../audit-entry.entity.js';

/** An entry of the audit log: the list answers the stored rows as they are. */
export class AuditEntryDto implements AuditEntry {
  @ApiProperty({ description: 'A bigint, as a string' })
  id!: string;

  @ApiProperty(TIMESTAMP)
  at!: Date;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null: the system, or someone without an account',
  })
  actorId!: string | null;

  @ApiProperty()
  actorName!: string;

  @ApiProperty({ example: 'quotation.approve' })
  action!: string;

  @ApiProperty({ example: 'quotation' })
  entityType!: string;

  @ApiProperty({ type: String, nullable: true })
  entityId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details!: Record<string, unknown>;

  @ApiProperty({ description: 'Position in the hash chain (a bigint, as a string)' })
  chainSeq!: string;

  @ApiProperty({ description: "The previous entry's hash (64 zeros for the first)" })
  prevHash!: string;

  @ApiProperty({ description: 'SHA-256 (hex) over this entry and prevHash' })
  hash!: string;
}

export class ChainBreakDto implements ChainBreak {
  @ApiProperty({ type: String, nullable: true, description: 'null when entries are missing at the end' })
  entryId!: string | null;

  @ApiProperty()
  chainSeq!: string;

  @ApiProperty()
  reason!: string;
}

/**
 * The chain check (ChainReport, a union): ok with the head, or not ok with the first broken link. One class for
 * both arms, so the fields of one arm are optional here.
 */
export class ChainReportDto {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty({ description: 'Entries checked' })
  entries!: number;

  @ApiPropertyOptional({ description: 'When ok' })
  headSeq?: string;

  @ApiPropertyOptional({ description: 'When ok' })
  headHash?: string;

  @ApiPropertyOptional({ type: ChainBreakDto, description: 'When not ok: the first entry that does not fit' })
  broken?: ChainBreakDto;
}
