import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config.js';
import { ANY_ROLE, Public, Roles, SignInStep } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { SESSION_STAGES } from '../sessions/user-session.entity.js';
import { SessionsService, type ClientContext } from '../sessions/sessions.service.js';
import { SignInDto } from './dto/sign-in.dto.js';
import { SignInService } from './sign-in.service.js';

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
  @ApiOperation({ summary: 'Sign in with a user name (or e-mail) and password: sets the session cookie' })
  async withPassword(@Body() dto: SignInDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const signed = await this.signIn.withPassword(dto.login, dto.password, clientOf(req));
    res.setHeader('Set-Cookie', signed.cookie);
    return { user: signed.user, stage: signed.stage, csrfToken: signed.csrfToken };
  }

  @Get('session')
  @Public()
  @ApiOperation({
    summary: "The browser's session: who is signed in, how far, its CSRF token; and how one may sign in",
  })
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
  async signOut(@CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: Response) {
    if (user.session) await this.sessions.end(user.session.id, 'sign-out');
    res.setHeader('Set-Cookie', this.sessions.clearCookie());
  }
}
