import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

// Passwords are bounded: argon2 hashes whatever it gets, and a megabyte password would cost the server, not the caller.
// Their length and strength are the policy's (422 PASSWORD_TOO_SHORT / PASSWORD_TOO_COMMON), not the DTO's.

export class ChangePasswordDto {
  @ApiPropertyOptional({ description: 'Required when the session is fully signed in (or with an API token)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  currentPassword?: string;

  @ApiProperty({ description: 'At least PASSWORD_MIN_LENGTH characters, not a common password, not the user name' })
  @IsString()
  @MaxLength(256)
  newPassword!: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: 'At least PASSWORD_MIN_LENGTH characters, not a common password, not the user name' })
  @IsString()
  @MaxLength(256)
  newPassword!: string;
}
