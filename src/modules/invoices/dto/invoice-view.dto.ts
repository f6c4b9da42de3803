import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto, IdNameDto } from '../../../common/openapi/ref.dto.js';
import { AMOUNT, DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import { INVOICE_KINDS, type InvoiceKind } from '../invoice.entity.js';
import type { InvoiceView } from '../invoices.service.js';

export class InvoiceContractRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  number!: string | null;
}

export class InvoiceViewDto implements InvoiceView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty({ enum: INVOICE_KINDS })
  kind!: InvoiceKind;

  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty({ type: InvoiceContractRefDto, nullable: true })
  contract!: InvoiceContractRefDto | null;

  @ApiProperty(DATE_ONLY)
  date!: string;

  @ApiProperty({ ...AMOUNT, description: 'Incl. VAT; negative on a red-letter invoice' })
  amount!: string;

  @ApiProperty(AMOUNT)
  tax!: string;

  @ApiProperty({ ...AMOUNT, description: 'amount - tax' })
  net!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ type: String, nullable: true })
  note!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The invoice this red-letter one cancels' })
  reverses!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The red-letter invoice that cancels this one',
  })
  reversedBy!: string | null;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;
}
