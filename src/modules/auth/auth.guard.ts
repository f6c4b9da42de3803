import { Injectable, type CanActivate, type ExecutionContext, type OnModuleInit } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import type { SessionStage } from './session-stage.js';
import { SessionAuthenticator, TokenAuthenticator, credentialPort } from './credential-ports.js';
import { type ANY_ROLE, PUBLIC_KEY, ROLES_KEY, SIGN_IN_STEP_KEY } from './auth.decorators.js';
import { rolesAllow, type AuthUser } from './auth-user.js';
import type { Role } from './roles.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: who calls (a bearer API token, or a browser session's cookie), then the route's declared roles.
 * Default deny. A bearer header wins over a cookie. Cookie-authenticated writes must pass the CSRF check; a session
 * still signing in reaches only the routes marked @SignInStep for its stage; a read-only token only reads.
 */
@Injectable()
export class AuthGuard implements CanActivate, OnModuleInit {
  private users!: TokenAuthenticator;
  private sessions!: SessionAuthenticator;

  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.users = credentialPort(this.moduleRef, TokenAuthenticator);
    this.sessions = credentialPort(this.moduleRef, SessionAuthenticator);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets: Parameters<Reflector['getAllAndOverride']>[1] = [ctx.getHandler(), ctx.getClass()];
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      // A public route serves anyone; valid credentials still say who calls (rate limits count per account then).
      // Credentials that do not authenticate leave the caller anonymous rather than refusing a public route, and so
      // does a database that cannot tell (the route itself then says how it fares: /health answers "down").
      req.user = (await this.identify(req, match?.[1]).catch(() => null)) ?? undefined;
      return true;
    }
    const roles = this.reflector.getAllAndOverride<(Role | typeof ANY_ROLE)[] | undefined>(ROLES_KEY, targets);
    const user = match ? await this.bearer(req, match[1]) : await this.session(req, targets);
    req.user = user;

    if (!roles) {
      // RouteAccessCheck refuses to start with such a route; this is the belt to its braces.
      throw AppException.forbidden(ErrorCode.FORBIDDEN, 'This endpoint declares no roles');
    }
    if (rolesAllow(user, roles)) return true;
    throw AppException.forbidden(ErrorCode.FORBIDDEN, `This needs one of the roles: ${roles.join(', ')}`, {
      required: roles,
      yours: user.roles,
    });
  }

  private async bearer(req: Request, token: string): Promise<AuthUser> {
    const user = await this.users.authenticate(token);
    if (!user)
      throw new AppException(
        401,
        ErrorCode.UNAUTHENTICATED,
        'The API token is unknown, revoked, expired or its user is disabled',
      );
    if (user.readOnly && !SAFE_METHODS.has(req.method)) {
      throw AppException.forbidden(ErrorCode.TOKEN_READ_ONLY, 'This API token is read-only: it may only read');
    }
    return user;
  }

  private async session(req: Request, targets: Parameters<Reflector['getAllAndOverride']>[1]): Promise<AuthUser> {
    const resolved = await this.sessions.resolve(req.headers.cookie);
    if (!resolved) {
      throw new AppException(
        401,
        ErrorCode.UNAUTHENTICATED,
        'Sign in, or send an API token as "Authorization: Bearer <token>"',
      );
    }
    if ('ended' in resolved) {
      throw new AppException(401, ErrorCode.SESSION_EXPIRED, 'Your session has ended: sign in again', {
        reason: resolved.ended,
      });
    }
    const { session, user } = resolved;
    const steps = this.reflector.getAllAndOverride<SessionStage[] | undefined>(SIGN_IN_STEP_KEY, targets) ?? ['active'];
    if (!steps.includes(session.stage)) {
      throw new AppException(401, ErrorCode.SIGN_IN_INCOMPLETE, 'Finish signing in first', { stage: session.stage });
    }
    if (!SAFE_METHODS.has(req.method)) {
      this.sessions.checkCsrf(session, {
        origin: req.headers.origin,
        host: req.headers.host,
        csrf: req.header('x-csrf-token'),
      });
    }
    return { id: user.id, name: user.name, roles: user.roles, session: { id: session.id, stage: session.stage } };
  }

  /** The caller of a public route, if its credentials say who: a token, or a session in any stage. */
  private async identify(req: Request, token: string | undefined): Promise<AuthUser | null> {
    if (token) return this.users.authenticate(token);
    const resolved = await this.sessions.resolve(req.headers.cookie);
    if (!resolved || 'ended' in resolved) return null;
    const { session, user } = resolved;
    return { id: user.id, name: user.name, roles: user.roles, session: { id: session.id, stage: session.stage } };
  }
}
