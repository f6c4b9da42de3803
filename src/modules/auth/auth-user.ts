import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { SessionStage } from './session-stage.js';
import { ANY_ROLE } from './auth.decorators.js';
import type { Role } from './roles.js';

/** The caller, as the auth guard found it. */
export interface AuthUser {
  id: string;
  name: string;
  roles: Role[];
  /** Set when the caller is a browser session (cookie), not an API token: its id and sign-in stage. */
  session?: { id: string; stage: SessionStage };
  /** Set when the caller used a read-only API token. */
  readOnly?: boolean;
  /** Set when the caller used an API token: when that token expires (null: never). */
  tokenExpiresAt?: Date | null;
}

export function hasRole(user: AuthUser, ...roles: Role[]): boolean {
  return user.roles.includes('admin') || roles.some((r) => user.roles.includes(r));
}

/** Whether a route's @Roles(...) let this user through: the guard's rule (AuthGuard), and GET /api/meta's. */
export function rolesAllow(user: AuthUser, roles: readonly string[]): boolean {
  return roles.includes(ANY_ROLE) || hasRole(user, ...(roles as Role[]));
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
