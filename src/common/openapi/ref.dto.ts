import { ApiProperty } from '@nestjs/swagger';

/** A reference to another record as answers embed it: its id and its name (a sales owner, a customer, a user). */
export class IdNameDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}
