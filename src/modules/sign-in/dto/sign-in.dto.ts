import { IsString, MaxLength, MinLength } from 'class-validator';

export class SignInDto {
  /** The user name, or the e-mail address. */
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  login!: string;

  // Bounded: argon2 hashes whatever it gets, and a megabyte password would cost the server, not the caller.
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}
