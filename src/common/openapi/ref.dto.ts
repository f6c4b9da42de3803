import { ApiProperty } from '@nestjs/swagger';

/** A reference to another record as answers embed it: its id and its name (a sales owner, a customer, a user). */
export class IdNameDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}

/** A reference to a record of some type: what a mail, a job or a document is about. */
export class TypeIdDto {
  @ApiProperty({ example: 'statement' })
  type!: string;

  @ApiProperty()
  id!: string;
}

/** Who did something: a user, or the system / someone without an account (id null). */
export class ActorRefDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the system, or no account' })
  id!: string | null;

  @ApiProperty()
  name!: string;
}

/** The answer of a DELETE that removes a record for good. */
export class DeletedDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ enum: [true] })
  deleted!: true;
}
