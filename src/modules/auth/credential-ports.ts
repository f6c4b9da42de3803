import type { ModuleRef } from '@nestjs/core';
import type { AuthUser } from './auth-user.js';
import type { Role } from './roles.js';
import type { SessionStage } from './session-stage.js';

/*
 * The two ways a caller proves who they are, as ports: auth's guard and Caller need them, and the modules that keep
 * the credentials (users: API tokens; sessions: browser sessions) provide them. Auth sits below both (they use its
 * decorators, roles and AuthUser), so it imports neither: that import was the auth <-> users cycle of issue #18.
 * See docs/architecture.md, "Rules the checker enforces".
 */

/**
 * Looked up once, when the application starts (the guard's and Caller's onModuleInit), from whichever module provides
 * it: AuthModule cannot import UsersModule or SessionsModule to inject them. Missing: the application refuses to start.
 * UsersService finds the ports it declares (users/user-ports.ts) the same way.
 */
export function credentialPort<T>(moduleRef: ModuleRef, port: abstract new () => T): T {
  return moduleRef.get(port, { strict: false });
}

/** Provided by UsersModule (UsersService). */
export abstract class TokenAuthenticator {
  /** The user of a live API token, or null (unknown, revoked, expired, or its user disabled). */
  abstract authenticate(token: string): Promise<AuthUser | null>;
}

export interface CookieSession {
  session: { id: string; stage: SessionStage; csrfToken: string };
  user: { id: string; name: string; roles: Role[] };
}

/** Provided by SessionsModule (SessionsService). */
export abstract class SessionAuthenticator {
  /** The session a Cookie header names, or why it has ended, or null without a session cookie. */
  abstract resolve(cookieHeader: string | undefined): Promise<CookieSession | { ended: string } | null>;
  /** Refuses (403) a cookie-authenticated write whose CSRF token or origin does not match the session. */
  abstract checkCsrf(
    session: CookieSession['session'],
    headers: { origin?: string; host?: string; csrf?: string },
  ): void;
}
