import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import { SessionsService, type ClientContext } from '../sessions/sessions.service.js';
import type { SessionStage, SignInMethod } from '../sessions/user-session.entity.js';
import type { User } from '../users/user.entity.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { SignInRepository } from './sign-in.repository.js';

export interface SignedIn {
  user: { id: string; name: string; roles: User['roles'] };
  stage: SessionStage;
  csrfToken: string;
  /** The Set-Cookie header value for the response. */
  cookie: string;
}

/**
 * Signing people in: the first factor (a password here, single sign-on in ../sso), then the stage the new session
 * starts in, which decides what it may call until it is complete.
 */
@Injectable()
export class SignInService {
  /** Compared against when the user is unknown, so that an unknown name costs as much time as a wrong password. */
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly repo: SignInRepository,
    private readonly sessions: SessionsService,
    private readonly config: AppConfig,
  ) {}

  async withPassword(login: string, password: string, client: ClientContext): Promise<SignedIn> {
    const user = await this.repo.findByLogin(login);
    const ok = user?.passwordHash
      ? await verifyPassword(user.passwordHash, password)
      : await verifyPassword(await this.decoyHash(), password).then(() => false);
    if (!user || !ok || user.disabled) {
      throw new AppException(401, 'SIGN_IN_FAILED', 'The user name or the password is wrong');
    }
    return this.startSession(user, 'password', client);
  }

  /** The stage a session starts in once its first factor is given (password or single sign-on). */
  stageAfterFirstFactor(user: User, method: SignInMethod): SessionStage {
    if (method === 'password' && user.mustChangePassword) return 'password_change';
    if (user.totpEnabledAt) return 'second_factor';
    if (this.config.signIn.totpRequiredRoles.some((r) => user.roles.includes(r))) return 'totp_enrolment';
    return 'active';
  }

  /** A new session for a user whose first factor was checked (by a password or by single sign-on). */
  async startSession(user: User, method: SignInMethod, client: ClientContext): Promise<SignedIn> {
    const stage = this.stageAfterFirstFactor(user, method);
    const { csrfToken, cookie } = await this.sessions.start(user, stage, method, client);
    return { user: { id: user.id, name: user.name, roles: user.roles }, stage, csrfToken, cookie };
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword('decoy password that matches nothing', this.config.signIn.argon2);
    return this.decoy;
  }
}
