import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import { SignInError } from './sign-in.errors.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService } from '../audit/index.js';
import type { AuthUser, SessionStage } from '../auth/index.js';
import { SessionsService, type ClientContext, type SignInMethod } from '../sessions/index.js';
import { UserAccountsService, type UserRecord } from '../users/index.js';
import { InvitationsService } from './invitations.service.js';
import { checkPassword } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { SignInThrottleService } from './sign-in-throttle.service.js';

export interface SignedIn {
  user: { id: string; name: string; roles: UserRecord['roles'] };
  stage: SessionStage;
  csrfToken: string;
  /** The Set-Cookie header value for the response. */
  cookie: string;
}

/** Why a sign-in failed, as the audit log says it (the caller is told only SIGN_IN_FAILED, whatever the reason). */
type FailureReason = 'unknown-user' | 'no-password' | 'wrong-password' | 'disabled';

/**
 * Signing people in: the first factor (a password here, single sign-on in ../sso), then the stage the new session
 * starts in, which decides what it may call until it is complete. Passwords are never logged nor audited.
 */
@Injectable()
export class SignInService {
  /** Compared against when the user is unknown, so that an unknown name costs as much time as a wrong password. */
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly users: UserAccountsService,
    private readonly sessions: SessionsService,
    private readonly throttle: SignInThrottleService,
    private readonly invitations: InvitationsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  async withPassword(login: string, password: string, client: ClientContext): Promise<SignedIn> {
    const user = await this.users.findByLogin(login);
    const keys = SignInThrottleService.keys(user ? { userId: user.id } : { login }, client.ip);
    await this.throttle.admit(keys);
    const ok = user?.passwordHash
      ? await verifyPassword(user.passwordHash, password)
      : await verifyPassword(await this.decoyHash(), password).then(() => false);
    const reason: FailureReason | null = !user
      ? 'unknown-user'
      : !user.passwordHash
        ? 'no-password'
        : !ok
          ? 'wrong-password'
          : user.disabled
            ? 'disabled'
            : null;
    if (!user || reason) {
      await this.recordFailure(user, login, reason ?? 'unknown-user', client, keys);
      throw new AppException(401, SignInError.SIGN_IN_FAILED, 'The user name or the password is wrong');
    }
    return this.tx.run(async () => {
      await this.throttle.succeeded(keys);
      const signed = await this.startSession(user, 'password', client);
      await this.audit.record({
        actor: { id: user.id, name: user.name },
        action: 'sign-in.succeeded',
        entityType: 'user',
        entityId: user.id,
        details: { method: 'password', stage: signed.stage, ip: client.ip, userAgent: client.userAgent },
      });
      return signed;
    });
  }

  /**
   * Changes the caller's own password. A fully signed-in caller proves the current one (a taken-over session alone
   * must not be enough); a session in `password_change` proved it a moment ago. The user's other sessions end; the
   * current one moves on (to the second factor or its enrolment after a forced change) under a new cookie.
   */
  async changePassword(
    actor: AuthUser,
    currentPassword: string | undefined,
    newPassword: string,
    client: ClientContext,
  ): Promise<{ stage: SessionStage; csrfToken: string | null; cookie: string | null }> {
    const user = await this.users.find(actor.id);
    if (!user) throw new AppException(401, ErrorCode.UNAUTHENTICATED, 'No such user');
    const forced = actor.session?.stage === 'password_change';
    if (!forced) {
      if (currentPassword === undefined) {
        throw AppException.unprocessable(
          SignInError.CURRENT_PASSWORD_REQUIRED,
          'Give your current password to change it',
        );
      }
      // A wrong current password counts against the account as a failed sign-in does.
      const keys = SignInThrottleService.keys({ userId: user.id }, client.ip);
      await this.throttle.admit(keys);
      if (!user.passwordHash || !(await verifyPassword(user.passwordHash, currentPassword))) {
        await this.recordFailure(user, user.name, user.passwordHash ? 'wrong-password' : 'no-password', client, keys);
        throw AppException.forbidden(SignInError.CURRENT_PASSWORD_WRONG, 'The current password is wrong');
      }
      await this.throttle.succeeded(keys);
    }
    checkPassword(newPassword, {
      minLength: this.config.signIn.passwordMinLength,
      userName: user.name,
      email: user.email,
    });
    const hash = await hashPassword(newPassword, this.config.signIn.argon2);
    return this.tx.run(async () => {
      await this.users.setPassword(user.id, hash, false, new Date());
      const ended = await this.sessions.endAllOf(user.id, 'password-changed', actor.session?.id);
      await this.audit.record({
        actor,
        action: 'password.changed',
        entityType: 'user',
        entityId: user.id,
        details: { forced, otherSessionsEnded: ended, ip: client.ip },
      });
      if (!actor.session) return { stage: 'active' as const, csrfToken: null, cookie: null };
      const stage = forced ? this.stageAfterFirstFactor({ ...user, mustChangePassword: false }, 'password') : 'active';
      const { csrfToken, cookie } = await this.sessions.advanceById(actor.session.id, stage);
      return { stage, csrfToken, cookie };
    });
  }

  /** What an invitation link is for, before its holder chooses a password. */
  async describeInvitation(token: string) {
    const { invitation, user } = await this.invitations.find(token);
    return { user: { name: user.name }, purpose: invitation.purpose, expiresAt: invitation.expiresAt };
  }

  /**
   * Sets the password an invitation (or an admin's reset) asks for, spends the link and signs its holder in: the
   * link proved who they are, so the session skips the forced change, but not the second factor.
   */
  async acceptInvitation(token: string, newPassword: string, client: ClientContext): Promise<SignedIn> {
    const { user } = await this.invitations.find(token);
    checkPassword(newPassword, {
      minLength: this.config.signIn.passwordMinLength,
      userName: user.name,
      email: user.email,
    });
    const hash = await hashPassword(newPassword, this.config.signIn.argon2);
    return this.tx.run(async () => {
      // Again under the row's lock: of two uses at once, the second finds it spent.
      const { invitation } = await this.invitations.find(token, { forUpdate: true });
      await this.users.setPassword(user.id, hash, false, new Date());
      await this.invitations.spend(invitation, user);
      await this.sessions.endAllOf(user.id, 'password-changed');
      await this.throttle.clearAccount(user.id);
      return this.startSession({ ...user, passwordHash: hash, mustChangePassword: false }, 'invitation', client);
    });
  }

  /** Ends every session of the caller, this one included. */
  async signOutEverywhere(actor: AuthUser): Promise<void> {
    await this.tx.run(async () => {
      const ended = await this.sessions.endAllOf(actor.id, 'sign-out-everywhere');
      await this.audit.record({
        actor,
        action: 'sessions.ended',
        entityType: 'user',
        entityId: actor.id,
        details: { reason: 'sign-out-everywhere', ended },
      });
    });
  }

  /** Ends one of the caller's own sessions (404 SESSION_NOT_FOUND for any other). */
  async revokeSession(actor: AuthUser, sessionId: string): Promise<void> {
    await this.tx.run(async () => {
      await this.sessions.revokeOwn(actor.id, sessionId);
      await this.audit.record({
        actor,
        action: 'session.revoked',
        entityType: 'user',
        entityId: actor.id,
        details: { sessionId },
      });
    });
  }

  /** The stage a session starts in once its first factor is given (password or single sign-on). */
  stageAfterFirstFactor(user: UserRecord, method: SignInMethod): SessionStage {
    if (method === 'password' && user.mustChangePassword) return 'password_change';
    if (user.totpEnabledAt) return 'second_factor';
    if (this.config.signIn.totpRequiredRoles.some((r) => user.roles.includes(r))) return 'totp_enrolment';
    return 'active';
  }

  /** A new session for a user whose first factor was checked (by a password or by single sign-on). */
  async startSession(user: UserRecord, method: SignInMethod, client: ClientContext): Promise<SignedIn> {
    const stage = this.stageAfterFirstFactor(user, method);
    const { csrfToken, cookie } = await this.sessions.start(user, stage, method, client);
    return { user: { id: user.id, name: user.name, roles: user.roles }, stage, csrfToken, cookie };
  }

  /** Audits a failed attempt (and the locks it caused). Outside any transaction: the refusal rolls nothing back. */
  private async recordFailure(
    user: UserRecord | null,
    login: string,
    reason: FailureReason,
    client: ClientContext,
    keys: { account: string; address: string },
  ): Promise<void> {
    const locked = await this.throttle.failed(keys);
    await this.tx.run(async () => {
      // An unknown "user name" is often a password typed into the wrong field: it is not recorded.
      const who = user ? { login } : {};
      await this.audit.record({
        actor: { id: null, name: 'anonymous' },
        action: 'sign-in.failed',
        entityType: 'user',
        entityId: user?.id ?? null,
        details: { reason, ...who, ip: client.ip, userAgent: client.userAgent },
      });
      for (const key of locked) {
        await this.audit.record({
          actor: { id: null, name: 'anonymous' },
          action: 'sign-in.locked',
          entityType: 'user',
          entityId: key === keys.account ? (user?.id ?? null) : null,
          details: {
            by: key === keys.account ? 'account' : 'address',
            ...(key === keys.account ? who : {}),
            ip: client.ip,
            lockedMinutes: this.config.signIn.lockMs / 60_000,
          },
        });
      }
    });
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword('decoy password that matches nothing', this.config.signIn.argon2);
    return this.decoy;
  }
}
