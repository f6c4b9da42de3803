import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionAuthenticator } from '../auth/index.js';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { SessionError } from './sessions.errors.js';
import { UserAccountsService, type SessionEnder, type UserRecord } from '../users/index.js';
import { clearedSessionCookie, readSessionCookie, sessionCookie } from './session-cookie.js';
import { SessionsRepository } from './sessions.repository.js';
import type { SessionStage, SignInMethod, UserSession } from './user-session.entity.js';

/** Where a sign-in comes from, recorded with the session (shown in "my sessions"). */
export interface ClientContext {
  ip: string | null;
  userAgent: string | null;
}

export interface SessionView {
  id: string;
  stage: SessionStage;
  method: SignInMethod;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  current: boolean;
}

/** What a request's cookie resolved to: a live session with its user, or why there is none. */
export type Resolved =
  { session: UserSession; user: UserRecord } | { ended: 'unknown' | 'idle' | 'expired' | 'user-disabled' };

// Writing last_seen_at on every request would write on every read; once a minute keeps idleness exact enough.
const TOUCH_INTERVAL_MS = 60_000;
const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const newToken = () => `td_s_${randomBytes(32).toString('base64url')}`;
const newCsrf = () => randomBytes(32).toString('base64url');

/**
 * Server-side sessions for people in a browser (API tokens remain for integrations). The cookie carries a random
 * token; the database keeps its SHA-256, so a leaked table signs no one in. Sessions end by sign-out, by idleness
 * (SESSION_IDLE_MINUTES), at their absolute end (SESSION_MAX_HOURS), or when revoked.
 */
@Injectable()
export class SessionsService implements SessionAuthenticator, SessionEnder {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly users: UserAccountsService,
    private readonly config: AppConfig,
  ) {}

  /** A new session for a user who passed the first step of signing in; the caller sets `cookie` on the response. */
  async start(user: Pick<UserRecord, 'id'>, stage: SessionStage, method: SignInMethod, client: ClientContext) {
    const token = newToken();
    const csrfToken = newCsrf();
    const now = new Date();
    const session = await this.sessions.create({
      userId: user.id,
      tokenHash: hash(token),
      csrfToken,
      stage,
      method,
      ip: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.signIn.sessionMaxMs),
    });
    return { session, csrfToken, cookie: this.cookie(token, session.expiresAt) };
  }

  /**
   * Moves a session to its next stage (second factor given, password changed) under a new token and CSRF token, so
   * that the token of the half-signed-in stage cannot be replayed as a full session.
   */
  async advance(session: UserSession, stage: SessionStage) {
    const token = newToken();
    const csrfToken = newCsrf();
    await this.sessions.advance(session.id, stage, hash(token), csrfToken);
    return { csrfToken, cookie: this.cookie(token, session.expiresAt) };
  }

  /** advance() for the session the guard found (AuthUser.session carries only its id and stage). */
  async advanceById(sessionId: string, stage: SessionStage) {
    const session = await this.sessions.findById(sessionId);
    if (!session) throw new AppException(401, ErrorCode.SESSION_EXPIRED, 'Your session has ended: sign in again');
    return this.advance(session, stage);
  }

  /** The session a Cookie header names, checked for idleness, its absolute end and its user being disabled. */
  async resolve(cookieHeader: string | undefined): Promise<Resolved | null> {
    const token = readSessionCookie(cookieHeader, this.config.signIn.secureCookie);
    if (!token) return null;
    const session = await this.sessions.findLive(hash(token));
    const user = session && (await this.users.find(session.userId));
    if (!session || !user) return { ended: 'unknown' };
    const now = new Date();
    const ended = user.disabled
      ? 'user-disabled'
      : now >= session.expiresAt
        ? 'expired'
        : now.getTime() - session.lastSeenAt.getTime() > this.config.signIn.sessionIdleMs
          ? 'idle'
          : null;
    if (ended) {
      await this.sessions.revoke(session.id, ended, now);
      return { ended };
    }
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await this.sessions.touch(session.id, now);
    return { session, user };
  }

  /**
   * Cookie-authenticated writes must send the session's CSRF token in X-CSRF-Token, and, when the browser says where
   * the request comes from (Origin), come from this service's own origin. Bearer-token requests are not checked:
   * a browser never attaches a bearer token by itself.
   */
  checkCsrf(session: UserSession, headers: { origin?: string; host?: string; csrf?: string }): void {
    const sent = Buffer.from(headers.csrf ?? '');
    const expected = Buffer.from(session.csrfToken);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      throw AppException.forbidden(
        ErrorCode.CSRF_FAILED,
        'A write from a signed-in browser must send the X-CSRF-Token header of its session',
      );
    }
    if (headers.origin !== undefined && !this.sameOrigin(headers.origin, headers.host)) {
      throw AppException.forbidden(
        ErrorCode.CSRF_FAILED,
        `Writes are accepted from ${new URL(this.config.publicUrl).origin} only`,
        {
          origin: headers.origin,
        },
      );
    }
  }

  /** Whether an Origin header names this service: its PUBLIC_URL, or the host the request was sent to. */
  sameOrigin(origin: string, host: string | undefined): boolean {
    if (origin === new URL(this.config.publicUrl).origin) return true;
    try {
      return !!host && new URL(origin).host === host;
    } catch {
      return false;
    }
  }

  async end(sessionId: string, reason: string): Promise<boolean> {
    return this.sessions.revoke(sessionId, reason);
  }

  /** Ends every session of a user (but `except`, e.g. the one asking): sign out everywhere, password changed. */
  async endAllOf(userId: string, reason: string, except?: string): Promise<number> {
    return this.sessions.revokeAllOf(userId, reason, except);
  }

  async list(userId: string, currentId: string | undefined): Promise<SessionView[]> {
    const idleBefore = Date.now() - this.config.signIn.sessionIdleMs;
    return (await this.sessions.liveOf(userId))
      .filter((s) => s.lastSeenAt.getTime() >= idleBefore)
      .map((s) => ({
        id: s.id,
        stage: s.stage,
        method: s.method,
        ip: s.ip,
        userAgent: s.userAgent,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        expiresAt: s.expiresAt,
        current: s.id === currentId,
      }));
  }

  /** Revokes one of a user's own sessions. */
  async revokeOwn(userId: string, sessionId: string): Promise<void> {
    const session = await this.sessions.findOf(userId, sessionId);
    if (!session)
      throw AppException.notFound(SessionError.SESSION_NOT_FOUND, 'No such session of yours', { id: sessionId });
    await this.sessions.revoke(session.id, 'revoked');
  }

  clearCookie(): string {
    return clearedSessionCookie(this.config.signIn.secureCookie);
  }

  private cookie(token: string, expiresAt: Date): string {
    return sessionCookie(token, {
      secure: this.config.signIn.secureCookie,
      maxAgeMs: expiresAt.getTime() - Date.now(),
    });
  }
}
