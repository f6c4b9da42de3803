import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto } from '../../../../common/openapi/ref.dto.js';
import { DATE_ONLY, TIMESTAMP } from '../../../../common/openapi/responses.js';
import { CONTRACT_STATUSES, type ContractStatus } from '../../../contracts/index.js';
import { OutboxMessageViewDto } from '../../../outbox/index.js';
import {
  ISSUED_LIST_FORMATS,
  LIST_AUDIENCES,
  type IssuedListFormat,
  type ListAudience,
} from '../issued-contact-list.types.js';
import type { IssuedContactListView } from '../contact-lists.service.js';

export class IssuedListPeriodDto {
  @ApiProperty({ ...DATE_ONLY, nullable: true, description: 'null: open' })
  from!: string | null;

  @ApiProperty({ ...DATE_ONLY, nullable: true, description: 'null: open' })
  to!: string | null;
}

export class IssuedListDocumentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  version!: number;

  @ApiProperty({ enum: ISSUED_LIST_FORMATS, isArray: true })
  formats!: IssuedListFormat[];

  @ApiProperty({ description: 'Whether the PDF carries a PAdES signature' })
  signed!: boolean;
}

export class IssuedContactListDto implements IssuedContactListView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'CL2026-0001' })
  number!: string;

  @ApiProperty({ enum: LIST_AUDIENCES })
  audience!: ListAudience;

  @ApiProperty({ type: IssuedListPeriodDto })
  period!: IssuedListPeriodDto;

  @ApiProperty({ enum: CONTRACT_STATUSES, isArray: true, description: 'The filter; empty: every status' })
  statuses!: ContractStatus[];

  @ApiProperty()
  contractCount!: number;

  @ApiProperty({ type: IssuedListDocumentDto })
  document!: IssuedListDocumentDto;

  @ApiProperty({ type: [String] })
  mailTo!: string[];

  @ApiProperty({ type: ActorRefDto })
  issuedBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  issuedAt!: Date;

  @ApiProperty({ type: [OutboxMessageViewDto], description: 'The mail queued with the list, and how it went' })
  mail!: OutboxMessageViewDto[];
}
