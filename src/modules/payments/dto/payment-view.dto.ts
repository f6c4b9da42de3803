import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto, IdNameDto } from '../../../common/openapi/ref.dto.js';
import { AMOUNT, DATE_ONLY, TIMESTAMP } from '../../../common/openapi/responses.js';
import { JobRefDto } from '../../jobs/index.js';
import { PAYMENT_METHODS, PAYMENT_NATURES, type PaymentMethod, type PaymentNature } from '../payment.entity.js';
import type { PaymentRecorded, PaymentView } from '../payments.service.js';

export class PaymentContractRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  number!: string | null;

  @ApiProperty({ type: String, nullable: true })
  projectNumber!: string | null;
}

export class PaymentViewDto implements PaymentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: IdNameDto })
  customer!: IdNameDto;

  @ApiProperty({ type: PaymentContractRefDto, nullable: true })
  contract!: PaymentContractRefDto | null;

  @ApiProperty(DATE_ONLY)
  date!: string;

  @ApiProperty({ ...AMOUNT, description: 'A decimal string; negative on a reversal' })
  amount!: string;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ enum: PAYMENT_METHODS })
  method!: PaymentMethod;

  @ApiProperty({ enum: PAYMENT_NATURES })
  nature!: PaymentNature;

  @ApiProperty({ type: String, nullable: true })
  reference!: string | null;

  @ApiProperty({ type: String, nullable: true })
  note!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The payment this one reverses' })
  reverses!: string | null;

  @ApiProperty({ type: ActorRefDto })
  createdBy!: ActorRefDto;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;
}

export class IssuedContactSheetDto {
  @ApiProperty()
  version!: number;

  @ApiProperty({ enum: ['open'] })
  status!: 'open';

  @ApiProperty({ type: JobRefDto, nullable: true, description: 'The job rendering and mailing its three copies' })
  job!: JobRefDto | null;
}

export class PaymentRecordedDto extends PaymentViewDto implements PaymentRecorded {
  @ApiProperty({ type: String, nullable: true, description: "The contract's project number (given now or earlier)" })
  projectNumber!: string | null;

  @ApiProperty({ description: 'This payment gave the contract its project number' })
  projectNumberAssigned!: boolean;

  @ApiProperty({
    type: IssuedContactSheetDto,
    nullable: true,
    description: 'The contact sheet an advance payment issued',
  })
  contactSheet!: IssuedContactSheetDto | null;
}
