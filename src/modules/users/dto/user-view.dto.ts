import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import { ROLES, type Role } from '../../auth/index.js';
import type { InvitationLink } from '../user-ports.js';
import type { TokenView, UserView } from '../users.service.js';

export class UserViewDto implements UserView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];

  @ApiProperty()
  disabled!: boolean;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;
}

/** GET /api/users/directory: who is who, for pickers (any signed-in user). */
export class UserDirectoryEntryDto implements Pick<UserView, 'id' | 'name' | 'roles'> {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];
}

export class InvitationLinkDto implements InvitationLink {
  @ApiProperty({ description: 'The one-time link to choose a password; shown this once' })
  url!: string;

  @ApiProperty(TIMESTAMP)
  expiresAt!: Date;
}

export class CreatedUserDto extends UserViewDto {
  @ApiProperty({ type: InvitationLinkDto })
  invitation!: InvitationLinkDto;

  @ApiPropertyOptional({ description: 'With apiToken: true: the API token, shown this once' })
  token?: string;
}

export class PasswordResetDto {
  @ApiProperty({ type: InvitationLinkDto })
  invitation!: InvitationLinkDto;
}

export class TokenViewDto implements TokenView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The first characters of the token, to recognise it' })
  prefix!: string;

  @ApiProperty()
  label!: string;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  lastUsedAt!: Date | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  revokedAt!: Date | null;

  @ApiProperty({ ...TIMESTAMP, nullable: true, description: 'null: never expires' })
  expiresAt!: Date | null;

  @ApiProperty()
  readOnly!: boolean;
}

export class CreatedTokenDto extends TokenViewDto {
  @ApiProperty({ description: 'The token itself, shown this once' })
  token!: string;
}
