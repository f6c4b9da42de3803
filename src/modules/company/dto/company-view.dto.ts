import { ApiProperty } from '@nestjs/swagger';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import { LOCALES, type Locale } from '../../../rendering/rendering.types.js';
import type { BankAccount } from '../company-profile.entity.js';
import { SEAL_KINDS, type SealKind } from '../company-seal.entity.js';
import type { CompanyProfileView, SealView } from '../company.service.js';

export class BankAccountViewDto implements BankAccount {
  @ApiProperty()
  bankName!: string;

  @ApiProperty({ type: String, nullable: true })
  branch!: string | null;

  @ApiProperty()
  accountName!: string;

  @ApiProperty()
  accountNumber!: string;
}

export class SealViewDto implements SealView {
  @ApiProperty({ enum: SEAL_KINDS })
  kind!: SealKind;

  @ApiProperty()
  sha256!: string;

  @ApiProperty({ description: 'Bytes' })
  size!: number;

  @ApiProperty()
  width!: number;

  @ApiProperty()
  height!: number;

  @ApiProperty(TIMESTAMP)
  uploadedAt!: Date;
}

/** Which seal images are on file, by kind (null: none yet). */
export class SealsOnFileDto implements Record<SealKind, SealView | null> {
  @ApiProperty({ type: SealViewDto, nullable: true, description: '公章' })
  company!: SealViewDto | null;

  @ApiProperty({ type: SealViewDto, nullable: true, description: '合同章' })
  contract!: SealViewDto | null;
}

export class CompanyProfileViewDto implements CompanyProfileView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  legalNameZh!: string;

  @ApiProperty({ type: String, nullable: true })
  legalNameEn!: string | null;

  @ApiProperty({ description: 'The unified social credit code' })
  creditCode!: string;

  @ApiProperty({ type: String, nullable: true })
  addressZh!: string | null;

  @ApiProperty({ type: String, nullable: true })
  addressEn!: string | null;

  @ApiProperty({ type: String, nullable: true })
  postalCode!: string | null;

  @ApiProperty({ type: String, nullable: true })
  phone!: string | null;

  @ApiProperty({ type: String, nullable: true })
  fax!: string | null;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true })
  website!: string | null;

  @ApiProperty({ type: String, nullable: true })
  legalRepresentative!: string | null;

  @ApiProperty({ type: [BankAccountViewDto], description: 'The first is the default on documents' })
  bankAccounts!: BankAccountViewDto[];

  @ApiProperty({ enum: LOCALES, description: "The language of the company's documents" })
  documentLocale!: Locale;

  @ApiProperty({ type: SealsOnFileDto, description: 'The images themselves: GET /api/company/seals/{kind}' })
  seals!: SealsOnFileDto;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  updatedAt!: Date;

  @ApiProperty({ description: 'Goes up with every change; GET gives it as the ETag, writes take it as If-Match' })
  version!: number;
}
