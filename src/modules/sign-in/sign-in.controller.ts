import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { ANY_ROLE, Public, Roles, SignInStep, CurrentUser, type AuthUser, SESSION_STAGES } from '../auth/index.js';
import { SessionsService, type ClientContext } from '../sessions/index.js';
import { ChangePasswordDto, SetPasswordDto } from './dto/password.dto.js';
import { SignInDto } from './dto/sign-in.dto.js';
import { SignInService } from './sign-in.service.js';
import { BrowserSessionDto, InvitationInfoDto, PasswordChangedDto, SignedInDto } from './dto/sign-in-view.dto.js';

export const clientOf = (req: Request): ClientContext => ({
  ip: req.ip ?? null,
  userAgent: req.headers['user-agent'] ?? null,
});

@ApiTags('sign-in')
@Controller('api/auth')
export class SignInController {
  constructor(
    private readonly signIn: SignInService,
    private readonly sessions: SessionsService,
    private readonly config: AppConfig,
  ) {}

  @Post('sign-in')
  @Public()
  @HttpCode(200)
  // An outer bound per client address; the growing delays and the lock per account and address are SignInService's.
  @RateLimit('sign-in')
  @ApiOperation({
    summary: 'Sign in with a user name (or e-mail) and password: sets the session cookie',
    description:
      '401 SIGN_IN_FAILED (wrong password and unknown user alike); 429 SIGN_IN_THROTTLED / SIGN_IN_LOCKED after ' +
      'repeated failures (Retry-After); 403 CSRF_FAILED from a foreign Origin.',
  })
  @ApiOkResponse({ type: SignedInDto })
  async withPassword(@Body() dto: SignInDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    this.sameOriginOnly(req);
    const signed = await this.signIn.withPassword(dto.login, dto.password, clientOf(req));
    res.setHeader('Set-Cookie', signed.cookie);
    return { user: signed.user, stage: signed.stage, csrfToken: signed.csrfToken };
  }

  @Get('session')
  @Public()
  @ApiOperation({
    summary: "The browser's session: who is signed in, how far, its CSRF token; and how one may sign in",
  })
  @ApiOkResponse({ type: BrowserSessionDto })
  async session(@Req() req: Request) {
    const resolved = await this.sessions.resolve(req.headers.cookie);
    const sso = this.config.oidc ? { label: this.config.oidc.label } : null;
    if (!resolved || 'ended' in resolved) return { user: null, stage: null, csrfToken: null, sso };
    const { session, user } = resolved;
    return {
      user: { id: user.id, name: user.name, roles: user.roles },
      stage: session.stage,
      csrfToken: session.csrfToken,
      sso,
    };
  }

  @Post('sign-out')
  @Roles(ANY_ROLE)
  @SignInStep(...SESSION_STAGES)
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends this session on the server and clears the cookie' })
  @ApiNoContentResponse({ description: 'Signed out; the cookie is cleared' })
  async signOut(@CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: Response) {
    if (user.session) await this.sessions.end(user.session.id, 'sign-out');
    res.setHeader('Set-Cookie', this.sessions.clearCookie());
  }

  @Post('sign-out-everywhere')
  @Roles(ANY_ROLE)
  @HttpCode(204)
  @ApiOperation({ summary: "Sign out everywhere: ends all the caller's sessions, this one included" })
  @ApiNoContentResponse({ description: 'Every session ended' })
  async signOutEverywhere(@CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: Response) {
    await this.signIn.signOutEverywhere(user);
    if (user.session) res.setHeader('Set-Cookie', this.sessions.clearCookie());
  }

  @Post('password')
  @Roles(ANY_ROLE)
  @SignInStep('active', 'password_change')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Change your own password (currentPassword required unless the session is in its forced change)',
    description:
      '422 PASSWORD_TOO_SHORT / PASSWORD_TOO_COMMON / CURRENT_PASSWORD_REQUIRED; 403 CURRENT_PASSWORD_WRONG. Ends ' +
      "the user's other sessions; this one moves on to its next stage under a new cookie → {stage, csrfToken}.",
  })
  @ApiOkResponse({ type: PasswordChangedDto })
  async changePassword(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChangePasswordDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const changed = await this.signIn.changePassword(user, dto.currentPassword, dto.newPassword, clientOf(req));
    if (changed.cookie) res.setHeader('Set-Cookie', changed.cookie);
    return { stage: changed.stage, csrfToken: changed.csrfToken };
  }

  @Get('invitations/:token')
  @Public()
  @ApiOperation({
    summary: 'What an invitation (or password reset) link is for: 404 INVITATION_INVALID, 410 INVITATION_EXPIRED/_USED',
  })
  @ApiOkResponse({ type: InvitationInfoDto })
  invitation(@Param('token') token: string) {
    return this.signIn.describeInvitation(token);
  }

  @Post('invitations/:token')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Choose a password through an invitation link: spends the link and signs in (sets the session cookie)',
  })
  @ApiOkResponse({ type: SignedInDto })
  async acceptInvitation(
    @Param('token') token: string,
    @Body() dto: SetPasswordDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    this.sameOriginOnly(req);
    const signed = await this.signIn.acceptInvitation(token, dto.newPassword, clientOf(req));
    res.setHeader('Set-Cookie', signed.cookie);
    return { user: signed.user, stage: signed.stage, csrfToken: signed.csrfToken };
  }

  /**
   * Login CSRF: a foreign page must not sign a browser in under the attacker's account. There is no session (nor CSRF
   * token) yet, so the browser's Origin header is the check; a request without one (curl, scripts) is let through.
   */
  private sameOriginOnly(req: Request): void {
    const origin = req.headers.origin;
    if (origin !== undefined && !this.sessions.sameOrigin(origin, req.headers.host)) {
      throw AppException.forbidden(
        ErrorCode.CSRF_FAILED,
        `Signing in is accepted from ${new URL(this.config.publicUrl).origin} only`,
        {
          origin,
        },
      );
    }
  }
}
