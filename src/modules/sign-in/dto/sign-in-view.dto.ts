import { ApiProperty } from '@nestjs/swagger';
import { TIMESTAMP } from '../../../common/openapi/responses.js';
import { ROLES, type Role, SESSION_STAGES, type SessionStage } from '../../auth/index.js';
import { type SessionView, SIGN_IN_METHODS, type SignInMethod } from '../../sessions/index.js';
import type { SignedIn } from '../sign-in.service.js';

export class SignedInUserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];
}

/** A session moved on: its stage and CSRF token (the cookie goes into Set-Cookie, never into the body). */
export class SessionAdvancedDto {
  @ApiProperty({ enum: SESSION_STAGES, description: 'What the session may do next' })
  stage!: SessionStage;

  @ApiProperty({ description: 'Send it as X-CSRF-Token on writes with the cookie' })
  csrfToken!: string;
}

/**
 * POST /api/auth/sign-in and POST /api/auth/invitations/{token}: built in the controller from SignedIn, without
 * the cookie (which goes into Set-Cookie).
 */
export class SignedInDto extends SessionAdvancedDto implements Omit<SignedIn, 'cookie'> {
  @ApiProperty({ type: SignedInUserDto })
  user!: SignedInUserDto;
}

/** POST /api/auth/password, built in the controller: null token when the session was not moved on. */
export class PasswordChangedDto {
  @ApiProperty({ enum: SESSION_STAGES })
  stage!: SessionStage;

  @ApiProperty({ type: String, nullable: true })
  csrfToken!: string | null;
}

export class SsoOfferDto {
  @ApiProperty({ description: "The sign-in button's label" })
  label!: string;
}

/** GET /api/auth/session, built in the controller: all null but sso when no live session. */
export class BrowserSessionDto {
  @ApiProperty({ type: SignedInUserDto, nullable: true })
  user!: SignedInUserDto | null;

  @ApiProperty({ enum: SESSION_STAGES, nullable: true })
  stage!: SessionStage | null;

  @ApiProperty({ type: String, nullable: true })
  csrfToken!: string | null;

  @ApiProperty({ type: SsoOfferDto, nullable: true, description: 'null: no single sign-on configured' })
  sso!: SsoOfferDto | null;
}

export class InvitationUserDto {
  @ApiProperty()
  name!: string;
}

/** GET /api/auth/invitations/{token}: what the link is for. */
export class InvitationInfoDto {
  @ApiProperty({ type: InvitationUserDto })
  user!: InvitationUserDto;

  @ApiProperty({ enum: ['invitation', 'reset'] })
  purpose!: 'invitation' | 'reset';

  @ApiProperty(TIMESTAMP)
  expiresAt!: Date;
}

export class SessionViewDto implements SessionView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: SESSION_STAGES })
  stage!: SessionStage;

  @ApiProperty({ enum: SIGN_IN_METHODS })
  method!: SignInMethod;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty(TIMESTAMP)
  createdAt!: Date;

  @ApiProperty(TIMESTAMP)
  lastSeenAt!: Date;

  @ApiProperty(TIMESTAMP)
  expiresAt!: Date;

  @ApiProperty({ description: 'The session asking' })
  current!: boolean;
}
