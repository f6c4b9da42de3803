import { OmitType } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ContactRules, CreateCustomerDto } from './customer.dto.js';

/**
 * One row of the customer sheet: CreateCustomerDto's fields and rules, flattened for a spreadsheet. The
 * sales owner is a user's name (people know names, not ids; resolved on import), and the contacts are two
 * fixed groups of columns: the main contact and the billing contact.
 */
export class CustomerRowDto extends OmitType(CreateCustomerDto, ['salesOwnerId', 'contacts'] as const) {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  salesOwner?: string;

  @IsOptional()
  @ContactRules.name()
  contactName?: string;

  @IsOptional()
  @ContactRules.title()
  contactTitle?: string;

  @IsOptional()
  @ContactRules.phone()
  contactPhone?: string;

  @IsOptional()
  @ContactRules.email()
  contactEmail?: string;

  @IsOptional()
  @ContactRules.name()
  billingContactName?: string;

  @IsOptional()
  @ContactRules.title()
  billingContactTitle?: string;

  @IsOptional()
  @ContactRules.phone()
  billingContactPhone?: string;

  @IsOptional()
  @ContactRules.email()
  billingContactEmail?: string;
}
