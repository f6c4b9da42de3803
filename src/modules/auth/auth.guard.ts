import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { UsersService } from '../users/users.service.js';
import { ANY_ROLE, PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import { hasRole, type AuthUser } from './auth-user.js';
import type { Role } from './roles.js';

/** Global guard: bearer token -> user -> the route's declared roles. Default deny. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      // A public route serves anyone; a valid token still says who calls (rate limits count per account then).
      // A token that does not authenticate leaves the caller anonymous rather than refusing a public route, and so
      // does a database that cannot tell (the route itself then says how it fares: /health answers "down").
      if (match) req.user = (await this.users.authenticate(match[1]).catch(() => null)) ?? undefined;
      return true;
    }
    const roles = this.reflector.getAllAndOverride<(Role | typeof ANY_ROLE)[] | undefined>(ROLES_KEY, targets);

    if (!match) {
      throw new AppException(401, ErrorCode.UNAUTHENTICATED, 'Send an API token as "Authorization: Bearer <token>"');
    }
    const user = await this.users.authenticate(match[1]);
    if (!user) throw new AppException(401, ErrorCode.UNAUTHENTICATED, 'The API token is unknown, revoked or its user is disabled');
    req.user = user;

    if (!roles) {
      // RouteAccessCheck refuses to start with such a route; this is the belt to its braces.
      throw AppException.forbidden(ErrorCode.FORBIDDEN, 'This endpoint declares no roles');
    }
    if (roles.includes(ANY_ROLE) || hasRole(user, ...(roles as Role[]))) return true;
    throw AppException.forbidden(ErrorCode.FORBIDDEN, `This needs one of the roles: ${roles.join(', ')}`, {
      required: roles,
      yours: user.roles,
    });
  }
}
