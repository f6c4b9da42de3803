import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** A second factor: the authenticator app's current code, or one of the recovery codes (exactly one of the two). */
export class SecondFactorDto {
  @ApiPropertyOptional({ example: '492039', description: 'The 6 digits the authenticator app shows now' })
  @ValidateIf((o: SecondFactorDto) => o.recoveryCode === undefined)
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits of the authenticator app' })
  code?: string;

  @ApiPropertyOptional({
    example: 'k3m9q-7xw2d',
    description: 'One of the recovery codes given at enrolment (used once)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  recoveryCode?: string;
}

/** A code of the authenticator app (confirming an enrolment). */
export class TotpCodeDto {
  @ApiProperty({ example: '492039' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits of the authenticator app' })
  code!: string;
}
