import {
  credentialPort,
  type TokenAuthenticator,
  type AuthUser,
  generateToken,
  hashToken,
  tokenPrefix,
} from '../auth/index.js';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import { UserError } from './users.errors.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService, SYSTEM_ACTOR } from '../audit/index.js';
import type { ApiToken } from './api-token.entity.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import type { User } from './user.entity.js';
import { FailedSignIns, PasswordLinkIssuer, SessionEnder, type InvitationLink } from './user-ports.js';
import { UsersRepository } from './users.repository.js';

export interface UserView {
  id: string;
  name: string;
  email: string | null;
  roles: User['roles'];
  disabled: boolean;
  createdAt: Date;
}
export interface TokenView {
  id: string;
  prefix: string;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** null: never expires. */
  expiresAt: Date | null;
  readOnly: boolean;
}

/** How long a new token lives and what it may do. */
export interface TokenOptions {
  label: string;
  /** Days from now; undefined: API_TOKEN_DAYS; null: never (admins only). */
  expiresInDays?: number | null;
  readOnly?: boolean;
}

const view = (u: User): UserView => ({
  id: u.id,
  name: u.name,
  email: u.email,
  roles: u.roles,
  disabled: u.disabled,
  createdAt: u.createdAt,
});
const tokenView = (t: ApiToken): TokenView => ({
  id: t.id,
  prefix: t.prefix,
  label: t.label,
  createdAt: t.createdAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
  expiresAt: t.expiresAt,
  readOnly: t.readOnly,
});

const DAY_MS = 86_400_000;

// Recording every request's use would write on every read; once a minute is enough to see stale tokens.
const TOUCH_INTERVAL_MS = 60_000;

/** Only admins may issue an API token that never expires (also GET /api/meta's rules). */
export function issuesEverlastingTokens(user: Pick<AuthUser, 'roles'>): boolean {
  return user.roles.includes('admin');
}

@Injectable()
export class UsersService implements TokenAuthenticator, OnModuleInit {
  private readonly logger = new Logger('Users');
  private sessions!: SessionEnder;
  private invitations!: PasswordLinkIssuer;
  private throttle!: FailedSignIns;

  constructor(
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    // Provided by sessions and sign-in, which sit above users (user-ports.ts).
    this.sessions = credentialPort(this.moduleRef, SessionEnder);
    this.invitations = credentialPort(this.moduleRef, PasswordLinkIssuer);
    this.throttle = credentialPort(this.moduleRef, FailedSignIns);
  }

  async authenticate(token: string): Promise<AuthUser | null> {
    if (token.length > 200) return null;
    const found = await this.users.findActiveToken(hashToken(token));
    if (!found?.user || found.user.disabled) return null;
    const now = new Date();
    if (found.expiresAt && found.expiresAt <= now) return null;
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.users.touchToken(found.id, now);
    }
    return {
      id: found.user.id,
      name: found.user.name,
      roles: found.user.roles,
      tokenExpiresAt: found.expiresAt,
      ...(found.readOnly ? { readOnly: true } : {}),
    };
  }

  /**
   * A new user, with a one-time link to choose their password (the admin hands it over); `apiToken: true` also
   * issues an API token with the default expiry, shown this once (integrations, scripts, tests).
   */
  async create(
    actor: AuthUser,
    dto: CreateUserDto,
  ): Promise<UserView & { invitation: InvitationLink; token?: string }> {
    return this.tx.run(async () => {
      if (await this.users.findByName(dto.name)) {
        throw AppException.conflict(UserError.USER_EXISTS, `A user named "${dto.name}" already exists`, {
          name: dto.name,
        });
      }
      const user = await this.users.createUser({ name: dto.name, roles: dto.roles, email: dto.email ?? null });
      await this.audit.record({
        actor,
        action: 'user.create',
        entityType: 'user',
        entityId: user.id,
        details: { name: user.name, roles: user.roles, apiToken: dto.apiToken === true },
      });
      const invitation = await this.invitations.issue(user, 'invitation', actor);
      if (!dto.apiToken) return { ...view(user), invitation };
      // The default lifetime (API_TOKEN_DAYS), full access.
      const token = await this.issue(user.id, 'initial');
      return { ...view(user), invitation, token };
    });
  }

  /**
   * An admin's password reset: the password is cleared (the old one no longer signs in), the user's sessions end,
   * failed sign-ins are forgotten, and a new one-time link lets them choose another.
   */
  async resetPassword(actor: AuthUser, id: string): Promise<{ invitation: InvitationLink }> {
    return this.tx.run(async () => {
      const user = await this.mustFind(id);
      user.passwordHash = null;
      user.mustChangePassword = true;
      user.passwordChangedAt = null;
      await this.users.saveUser(user);
      const ended = await this.sessions.endAllOf(user.id, 'password-reset');
      await this.throttle.clearAccount(user.id);
      await this.audit.record({
        actor,
        action: 'password.reset',
        entityType: 'user',
        entityId: id,
        details: { name: user.name, sessionsEnded: ended },
      });
      return { invitation: await this.invitations.issue(user, 'reset', actor) };
    });
  }

  async get(id: string): Promise<UserView> {
    return view(await this.mustFind(id));
  }

  /** The user, or null when there is none: for other modules checking an id they were given. */
  async find(id: string): Promise<UserView | null> {
    const user = await this.users.findById(id);
    return user && view(user);
  }

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(view);
  }

  /** Names and mail addresses of these users (disabled ones too), for other modules' views; unknown ids are left out. */
  async names(ids: string[]): Promise<Map<string, { name: string; email: string | null }>> {
    if (!ids.length) return new Map();
    const rows = await this.users.names([...new Set(ids)]);
    return new Map(rows.map((u) => [u.id, { name: u.name, email: u.email }]));
  }

  /** Who can be picked as an owner: active users, by name; id, name and roles only (any signed-in user reads it). */
  async directory(): Promise<Pick<UserView, 'id' | 'name' | 'roles'>[]> {
    return (await this.users.list())
      .filter((u) => !u.disabled)
      .map((u) => ({ id: u.id, name: u.name, roles: u.roles }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }

  async update(actor: AuthUser, id: string, dto: UpdateUserDto): Promise<UserView> {
    return this.tx.run(async () => {
      const user = await this.mustFind(id);
      if (actor.id === id && (dto.disabled === true || (dto.roles && !dto.roles.includes('admin')))) {
        throw AppException.badRequest(
          UserError.CANNOT_DEMOTE_SELF,
          'An admin cannot disable themselves or drop their own admin role',
        );
      }
      const before = view(user);
      if (dto.roles) user.roles = dto.roles;
      if (dto.email !== undefined) user.email = dto.email;
      if (dto.disabled !== undefined) user.disabled = dto.disabled;
      const saved = await this.users.saveUser(user);
      // The guard refuses a disabled user's sessions anyway; ending them says so in "my sessions" and the audit.
      const sessionsEnded = dto.disabled === true ? await this.sessions.endAllOf(id, 'user-disabled') : 0;
      await this.audit.record({
        actor,
        action: 'user.update',
        entityType: 'user',
        entityId: id,
        details: { before, after: view(saved), ...(sessionsEnded ? { sessionsEnded } : {}) },
      });
      return view(saved);
    });
  }

  async tokens(id: string): Promise<TokenView[]> {
    await this.mustFind(id);
    return (await this.users.tokensOf(id)).map(tokenView);
  }

  /**
   * A new token for a user, shown this once. Its lifetime: `expiresInDays`, API_TOKEN_DAYS by default; more than
   * API_TOKEN_MAX_DAYS, or never (null), only when an admin asks.
   */
  async createToken(actor: AuthUser, userId: string, options: TokenOptions): Promise<TokenView & { token: string }> {
    const expiresAt = this.tokenExpiry(actor, options.expiresInDays);
    const readOnly = options.readOnly ?? false;
    return this.tx.run(async () => {
      await this.mustFind(userId);
      const token = generateToken();
      const saved = await this.users.createToken({
        userId,
        tokenHash: hashToken(token),
        prefix: tokenPrefix(token),
        label: options.label,
        expiresAt,
        readOnly,
      });
      await this.audit.record({
        actor,
        action: 'token.create',
        entityType: 'user',
        entityId: userId,
        details: { tokenId: saved.id, label: options.label, expiresAt: expiresAt?.toISOString() ?? null, readOnly },
      });
      return { ...tokenView(saved), token };
    });
  }

  async revokeToken(actor: AuthUser, userId: string, tokenId: string): Promise<TokenView> {
    return this.tx.run(async () => {
      const token = await this.users.findToken(userId, tokenId);
      if (!token)
        throw AppException.notFound(UserError.TOKEN_NOT_FOUND, 'No such token for this user', { userId, tokenId });
      if (!token.revokedAt) {
        token.revokedAt = new Date();
        await this.users.revokeToken(token.id, token.revokedAt);
        await this.audit.record({
          actor,
          action: 'token.revoke',
          entityType: 'user',
          entityId: userId,
          details: { tokenId },
        });
      }
      return tokenView(token);
    });
  }

  /**
   * First start: the first admin. With ADMIN_TOKEN set (automated deployments) that token is made to work
   * for the admin on every start; otherwise a one-time link to choose the admin's password is printed once.
   * Returns true when this start created the first user (an empty database).
   */
  async ensureFirstAdmin(): Promise<boolean> {
    return this.tx.run(async () => {
      await this.users.lockSetup();
      const empty = (await this.users.count()) === 0;
      const fixed = this.config.adminToken;
      let admin = await this.users.findByName('admin');
      if (!admin && (empty || fixed)) {
        admin = await this.users.createUser({ name: 'admin', roles: ['admin'], email: null });
        await this.audit.record({
          actor: SYSTEM_ACTOR,
          action: 'user.create',
          entityType: 'user',
          entityId: admin.id,
          details: { name: 'admin', roles: ['admin'], firstStart: true },
        });
      }
      if (!admin) return false;
      if (fixed) {
        const existing = await this.users.findTokenByHash(hashToken(fixed));
        if (existing && existing.userId !== admin.id) {
          throw new Error('ADMIN_TOKEN is already the token of another user; choose another value');
        }
        if (!existing) await this.issue(admin.id, 'ADMIN_TOKEN', { expiresAt: null, token: fixed });
      } else if (empty) {
        const { url, expiresAt } = await this.invitations.issue(admin, 'invitation', SYSTEM_ACTOR);
        // Printed once, after the commit (a rolled-back link would not work), on purpose: it is not stored anywhere in
        // clear. On stderr, as plain text: stdout carries only the JSON log lines shipped to log aggregators, and none
        // of them may hold a link that sets a password.
        await this.tx.afterCommit(async () => {
          process.stderr.write(
            `\n  First start: open this link to choose the password of the user "admin" (it works once, until ` +
              `${expiresAt.toISOString()}):\n\n    ${url}\n\n` +
              `  For automated deployments, set ADMIN_TOKEN instead: it becomes the admin's API token.\n\n`,
          );
          this.logger.log(
            'created the first admin user; a one-time link to choose its password was printed on stderr (it is in no log line)',
          );
        });
      }
      return empty;
    });
  }

  /**
   * Issues a token (the initial one of a new user, the first admin's): by default with the default lifetime
   * (API_TOKEN_DAYS) and full access; `expiresAt: null` for one that never expires (ADMIN_TOKEN).
   */
  private async issue(
    userId: string,
    label: string,
    opts: { expiresAt?: Date | null; readOnly?: boolean; token?: string } = {},
  ): Promise<string> {
    const token = opts.token ?? generateToken();
    await this.users.createToken({
      userId,
      tokenHash: hashToken(token),
      prefix: tokenPrefix(token),
      label,
      expiresAt: opts.expiresAt === undefined ? this.tokenExpiry(null, undefined) : opts.expiresAt,
      readOnly: opts.readOnly ?? false,
    });
    return token;
  }

  /**
   * When a token asked for by `actor` (null: the system) expires; refuses what the actor may not ask for. A caller
   * using an expiring token cannot make one that outlives it (else a token could renew itself for ever): the default
   * lifetime is cut to the caller's token's, a longer one asked for is refused.
   */
  private tokenExpiry(actor: AuthUser | null, days: number | null | undefined): Date | null {
    const { apiTokenDays, apiTokenMaxDays } = this.config.signIn;
    const admin = actor === null || issuesEverlastingTokens(actor);
    const limit = actor?.tokenExpiresAt ?? null;
    if (days === undefined) {
      const expiresAt = new Date(Date.now() + apiTokenDays * DAY_MS);
      return limit && limit < expiresAt ? limit : expiresAt;
    }
    const expiresAt = days === null ? null : new Date(Date.now() + days * DAY_MS);
    if (limit && (expiresAt === null || expiresAt > limit)) {
      throw AppException.unprocessable(
        UserError.TOKEN_LIFETIME_TOO_LONG,
        'A token cannot create a token that outlives it: sign in, or ask for a shorter lifetime',
        { maxExpiresAt: limit.toISOString(), asked: days },
      );
    }
    if (!admin && (days === null || days > apiTokenMaxDays)) {
      throw AppException.unprocessable(
        UserError.TOKEN_LIFETIME_TOO_LONG,
        days === null
          ? 'Only admins may create tokens that never expire'
          : `A token may live at most ${apiTokenMaxDays} days (API_TOKEN_MAX_DAYS)`,
        { maxDays: apiTokenMaxDays, asked: days },
      );
    }
    return expiresAt;
  }

  private async mustFind(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw AppException.notFound(UserError.USER_NOT_FOUND, 'No such user', { id });
    return user;
  }
}
