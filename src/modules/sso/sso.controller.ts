import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import { Public } from '../auth/index.js';
import { clientOf } from '../sign-in/index.js';
import { SsoStartQuery } from './dto/sso-start.query.js';
import { clearedSsoBindingCookie, readSsoBinding, ssoBindingCookie } from './sso-cookie.js';
import { SsoError } from './sso.errors.js';
import { SsoService } from './sso.service.js';
import { ApiRedirectResponse } from '../../common/openapi/responses.js';

/** Where a browser is sent when single sign-on is refused: the console's sign-in page names the code. */
const SIGN_IN_PAGE = '/app/signin';

@ApiTags('sign-in')
@Controller('api/auth/sso')
export class SsoController {
  constructor(
    private readonly sso: SsoService,
    private readonly config: AppConfig,
  ) {}

  @Get('start')
  @Public()
  @RateLimit('sso-start')
  @ApiOperation({
    summary: 'Single sign-on: redirects the browser to the OpenID provider (authorization code + PKCE)',
    description:
      'returnTo: a path under /app to land on once signed in. 404 SSO_DISABLED without OIDC_ISSUER; a provider ' +
      'that cannot be reached: 503 SSO_UNAVAILABLE (a browser is sent to /app/signin?error=SSO_UNAVAILABLE).',
  })
  @ApiRedirectResponse("the provider's authorization URL")
  @ApiNotFoundResponse({ description: 'SSO_DISABLED' })
  async start(@Query() query: SsoStartQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const { url, state } = await this.sso.start(query.returnTo);
      res.setHeader('Set-Cookie', ssoBindingCookie(state, this.config.signIn.secureCookie));
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, url);
    } catch (err) {
      this.refused(err, req, res);
    }
  }

  @Get('callback')
  @Public()
  @ApiOperation({
    summary: "Single sign-on: the provider's answer; starts a session (cookie) and redirects to returnTo",
    description:
      'A browser is redirected to /app/signin?error=<CODE> when refused; other clients get the error as JSON: ' +
      "400 SSO_STATE_INVALID (unknown, replayed, expired or not this browser's), 401 SSO_TOKEN_INVALID, " +
      '401 SSO_DENIED, 403 SSO_USER_UNKNOWN / SSO_USER_DISABLED / SSO_NO_ROLE, 503 SSO_UNAVAILABLE, 404 SSO_DISABLED.',
  })
  @ApiRedirectResponse('returnTo (or /app), with the session cookie')
  @ApiNotFoundResponse({ description: 'SSO_DISABLED' })
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    // The raw query, as the provider sent it: openid-client checks it whole (state, iss, code or error).
    const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const state = params.get('state');
    const secure = this.config.signIn.secureCookie;
    const bound = readSsoBinding(req.headers.cookie, state);
    if (bound) res.setHeader('Set-Cookie', clearedSsoBindingCookie(bound, secure));
    try {
      const signed = await this.sso.callback(params, bound, clientOf(req));
      res.append('Set-Cookie', signed.cookie);
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, signed.returnTo);
    } catch (err) {
      this.refused(err, req, res);
    }
  }

  /**
   * A browser navigating (Accept: text/html) is sent to the console's sign-in page with the code; an API client
   * gets the error itself. SSO_DISABLED is a plain 404 for everyone: there is nothing to sign in with.
   */
  private refused(err: unknown, req: Request, res: Response): void {
    const browser = req.accepts(['application/json', 'text/html']) === 'text/html';
    if (!(err instanceof AppException) || err.code === SsoError.DISABLED || !browser) throw err;
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, `${SIGN_IN_PAGE}?error=${encodeURIComponent(err.code)}`);
  }
}
