import { ApiProperty } from '@nestjs/swagger';
import { IdNameDto } from '../../../common/openapi/ref.dto.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import type { ContactView, CustomerView } from '../customers.service.js';

export class ContactViewDto implements ContactView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  title!: string | null;

  @ApiProperty({ type: String, nullable: true })
  phone!: string | null;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ description: 'The billing contact: statements are mailed to them' })
  billing!: boolean;
}

export class CustomerViewDto implements CustomerView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  nameEn!: string | null;

  @ApiProperty({ type: String, nullable: true })
  taxId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  address!: string | null;

  @ApiProperty({ type: String, nullable: true })
  phone!: string | null;

  @ApiProperty({
    enum: LOCALES,
    nullable: true,
    description: "The language of this customer's documents (null: the company's)",
  })
  locale!: Locale | null;

  @ApiProperty({ type: IdNameDto, nullable: true })
  salesOwner!: IdNameDto | null;

  @ApiProperty({ type: String, nullable: true })
  notes!: string | null;

  @ApiProperty()
  archived!: boolean;

  @ApiProperty({ type: [ContactViewDto] })
  contacts!: ContactViewDto[];

  @ApiProperty({ type: ContactViewDto, nullable: true, description: 'The contact with billing: true, or null' })
  billingContact!: ContactViewDto | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;

  @ApiProperty({ description: 'Goes up with every change; GET gives it as the ETag, writes take it as If-Match' })
  version!: number;
}
