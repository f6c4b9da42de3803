import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TIMESTAMP } from '../../../../common/openapi/responses.js';
import { SESSION_STAGES, type SessionStage } from '../../../auth/index.js';
import type { TotpStatus } from '../second-factor.service.js';

export class TotpStatusDto implements TotpStatus {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ ...TIMESTAMP, nullable: true })
  enabledAt!: Date | null;

  @ApiProperty()
  recoveryCodesLeft!: number;

  @ApiProperty({ description: 'My roles require a second factor (TOTP_REQUIRED_ROLES): it cannot be turned off' })
  required!: boolean;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'Base32' })
  secret!: string;

  @ApiProperty({ example: 'otpauth://totp/Tenderdesk:alice?secret=…' })
  otpauthUri!: string;

  @ApiProperty({ description: 'The QR code of otpauthUri, as SVG' })
  qrSvg!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Ten codes, shown once' })
  recoveryCodes!: string[];
}

/** The confirmation: the recovery codes; and, for a session that had to enrol, its next stage and CSRF token. */
export class TotpConfirmedDto extends RecoveryCodesDto {
  @ApiPropertyOptional({ enum: SESSION_STAGES })
  stage?: SessionStage;

  @ApiPropertyOptional()
  csrfToken?: string;
}

export class SecondFactorResetDto {
  @ApiProperty({ description: "The user's sessions ended" })
  sessionsEnded!: number;
}
