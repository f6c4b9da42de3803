import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import { TransactionRunner } from '../../database/transaction.js';
import { AuditService } from '../audit/index.js';
import type { ClientContext } from '../sessions/index.js';
import { SignInService, type SignedIn } from '../sign-in/index.js';
import { UserAccountsService, type UserRecord } from '../users/index.js';
import { OidcClient } from './oidc-client.js';
import { SsoRepository } from './sso.repository.js';
import { baseNameFrom, claimValue, mapRoles, safeReturnTo, sameRoles } from './sso-rules.js';
import { SsoError, type SsoErrorCode } from './sso.errors.js';

/** How long a started sign-in may take to come back; older ones are refused and deleted. */
export const LOGIN_MAX_AGE_MS = 10 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The claims this service reads, from the ID token and, for what it lacks, the userinfo response. */
type Claims = Record<string, unknown> & { iss: string; sub: string };

/** What is known of the person while a callback is handled: for the audit entry if it is refused. */
interface Seen {
  issuer?: string;
  subject?: string;
  email?: string;
  userId?: string;
  userName?: string;
}

export interface SsoSignedIn extends SignedIn {
  returnTo: string;
}

/**
 * Single sign-on with OpenID Connect (authorization code + PKCE S256, state and nonce), through openid-client: it
 * discovers the provider, exchanges the code and validates the ID token (issuer, audience, nonce, signature, expiry).
 * This service decides who the person is here (linked identity, else a verified e-mail, else a new user when
 * allowed), which roles they get (OIDC_ROLE_MAP), and starts their session through SignInService.
 */
@Injectable()
export class SsoService {
  private readonly logger = new Logger('Sso');

  constructor(
    private readonly config: AppConfig,
    private readonly client: OidcClient,
    private readonly repo: SsoRepository,
    private readonly users: UserAccountsService,
    private readonly signIn: SignInService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  /** The provider's authorization URL for a new sign-in, and its state (which the browser is bound to). */
  async start(returnTo: string | undefined): Promise<{ url: string; state: string }> {
    const settings = this.settings();
    await this.repo.deleteLoginsOlderThan(LOGIN_MAX_AGE_MS);
    const configuration = await this.provider();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    await this.repo.createLogin({
      stateHash: sha256(state),
      nonce,
      codeVerifier,
      returnTo: safeReturnTo(returnTo),
    });
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.client.redirectUri(),
      scope: settings.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /**
   * The provider's answer: `params` is the callback's query; `boundState` the state of the sign-in this browser
   * started (its cookie). Refusals are audited and thrown as AppException with an SsoError code.
   */
  async callback(params: URLSearchParams, boundState: string | undefined, client: ClientContext): Promise<SsoSignedIn> {
    this.settings();
    const seen: Seen = {};
    try {
      return await this.signInFrom(params, boundState, client, seen);
    } catch (err) {
      const refusal = this.asRefusal(err);
      await this.audit.record({
        actor: {
          id: seen.userId ?? null,
          name: (seen.userName ?? seen.email ?? seen.subject ?? 'anonymous').slice(0, 100),
        },
        action: 'sign-in.failed',
        entityType: 'user',
        entityId: seen.userId ?? null,
        details: {
          method: 'oidc',
          code: refusal.code,
          reason: refusal.message,
          ...(seen.issuer ? { issuer: seen.issuer, subject: seen.subject } : {}),
          ip: client.ip,
        },
      });
      throw refusal;
    }
  }

  private async signInFrom(
    params: URLSearchParams,
    boundState: string | undefined,
    client: ClientContext,
    seen: Seen,
  ): Promise<SsoSignedIn> {
    const settings = this.settings();
    await this.repo.deleteLoginsOlderThan(LOGIN_MAX_AGE_MS);
    const state = params.get('state');
    if (!state) throw this.refuse(SsoError.STATE_INVALID, 'The answer of the sign-on provider carries no state');
    if (!boundState || !equalSecrets(boundState, state)) {
      throw this.refuse(SsoError.STATE_INVALID, 'This sign-on was not started in this browser: start it again');
    }
    const login = await this.repo.spendLogin(sha256(state), LOGIN_MAX_AGE_MS);
    if (!login) {
      throw this.refuse(
        SsoError.STATE_INVALID,
        'This sign-on answer was already used or is more than 10 minutes old: start again',
      );
    }

    const configuration = await this.provider();
    const currentUrl = new URL(this.client.redirectUri());
    currentUrl.search = params.toString();
    const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw this.refuse(SsoError.TOKEN_INVALID, 'The provider returned no ID token');
    const claims: Claims = { ...idToken, iss: idToken.iss, sub: idToken.sub };
    seen.issuer = claims.iss;
    seen.subject = claims.sub;
    const wanted = [settings.roleClaim, 'email', 'email_verified', 'preferred_username'];
    if (tokens.access_token && configuration.serverMetadata().userinfo_endpoint) {
      if (wanted.some((name) => claimValue(claims, name) === undefined)) {
        // Many providers put profile claims (and groups) only in the userinfo response; the ID token's own win.
        const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        for (const [name, value] of Object.entries(info)) if (!(name in claims)) claims[name] = value;
      }
    }
    const email = typeof claims.email === 'string' && claims.email.length <= 254 ? claims.email : undefined;
    seen.email = email;
    const verifiedEmail = email && claims.email_verified === true ? email : undefined;
    const roles = mapRoles(claimValue(claims, settings.roleClaim), settings.roleMap);

    const signed = await this.tx.run(async () => {
      await this.repo.lockIdentity(claims.iss, claims.sub);
      const user = await this.userFor(claims, verifiedEmail, roles, seen);
      const result = await this.signIn.startSession(user, 'oidc', client);
      await this.audit.record({
        actor: { id: user.id, name: user.name },
        action: 'sign-in.succeeded',
        entityType: 'user',
        entityId: user.id,
        details: { method: 'oidc', issuer: claims.iss, subject: claims.sub, stage: result.stage, ip: client.ip },
      });
      return result;
    });
    return { ...signed, returnTo: login.returnTo ?? '/app' };
  }

  /** The user this identity signs in as, linked or created as needed, with the roles the provider grants. */
  private async userFor(claims: Claims, verifiedEmail: string | undefined, roles: UserRecord['roles'], seen: Seen) {
    const settings = this.settings();
    const actor = (u: UserRecord) => ({ id: u.id, name: u.name });
    let user = await this.users.findLinked(claims.iss, claims.sub);
    let linkByEmail = false;
    if (!user && verifiedEmail) {
      const sameEmail = await this.users.findByEmail(verifiedEmail);
      if (sameEmail.length === 1 && !sameEmail[0]!.oidcSubject) {
        user = sameEmail[0]!;
        linkByEmail = true;
      } else if (sameEmail.length) {
        throw this.refuse(
          SsoError.USER_UNKNOWN,
          'Users with this e-mail exist but none can be linked to this sign-on identity (several share it, or it is linked to another one): an admin must sort it out',
          { email: verifiedEmail },
        );
      }
    }

    if (user) {
      seen.userId = user.id;
      seen.userName = user.name;
      if (user.disabled) throw this.refuse(SsoError.USER_DISABLED, 'This user is disabled', { user: user.name });
      // With a role map, the provider is the source of roles: no mapped role means none here (see docs/security.md).
      if (settings.roleMap.size && !roles.length) throw this.noRole(settings.roleClaim);
      if (linkByEmail) {
        await this.users.link(user.id, claims.iss, claims.sub);
        await this.audit.record({
          actor: actor(user),
          action: 'user.sso-linked',
          entityType: 'user',
          entityId: user.id,
          details: { issuer: claims.iss, subject: claims.sub, email: verifiedEmail, by: 'verified-email' },
        });
      }
      if (roles.length && !sameRoles(roles, user.roles)) {
        await this.users.setRoles(user.id, roles);
        await this.audit.record({
          actor: actor(user),
          action: 'user.roles-synced',
          entityType: 'user',
          entityId: user.id,
          details: { before: user.roles, after: roles, issuer: claims.iss, claim: settings.roleClaim },
        });
        user.roles = roles;
      }
      return user;
    }

    if (!settings.createUsers) {
      throw this.refuse(SsoError.USER_UNKNOWN, 'No user here is linked to this sign-on identity; ask an admin', {
        email: verifiedEmail ?? null,
      });
    }
    if (!roles.length) throw this.noRole(settings.roleClaim);
    const created = await this.users.createLinked({
      name: await this.uniqueName(baseNameFrom(claims)),
      email: verifiedEmail ?? null,
      roles,
      oidcIssuer: claims.iss,
      oidcSubject: claims.sub,
    });
    seen.userId = created.id;
    seen.userName = created.name;
    await this.audit.record({
      actor: { id: null, name: 'single sign-on' },
      action: 'user.create',
      entityType: 'user',
      entityId: created.id,
      details: { name: created.name, roles, via: 'oidc', issuer: claims.iss, subject: claims.sub },
    });
    return created;
  }

  private async uniqueName(base: string): Promise<string> {
    for (let n = 1; n <= 1000; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      if (!(await this.users.nameTaken(name))) return name;
    }
    throw new Error(`no free user name for ${base}`);
  }

  private async provider(): Promise<oidc.Configuration> {
    try {
      return await this.client.configuration();
    } catch (err) {
      this.logger.warn(`single sign-on: the provider's discovery failed: ${explain(err)}`);
      throw this.refuse(SsoError.UNAVAILABLE, 'The sign-on provider cannot be reached; try again later', {
        reason: explain(err),
      });
    }
  }

  private settings(): NonNullable<AppConfig['oidc']> {
    if (!this.config.oidc) {
      throw AppException.notFound(SsoError.DISABLED, 'Single sign-on is not configured here (OIDC_ISSUER)');
    }
    return this.config.oidc;
  }

  private noRole(claim: string): AppException {
    return this.refuse(
      SsoError.NO_ROLE,
      `The provider grants no role of this service (claim "${claim}", OIDC_ROLE_MAP)`,
    );
  }

  private refuse(code: SsoErrorCode, message: string, details?: Record<string, unknown>) {
    const status: Record<string, HttpStatus> = {
      [SsoError.DISABLED]: HttpStatus.NOT_FOUND,
      [SsoError.STATE_INVALID]: HttpStatus.BAD_REQUEST,
      [SsoError.TOKEN_INVALID]: HttpStatus.UNAUTHORIZED,
      [SsoError.DENIED]: HttpStatus.UNAUTHORIZED,
      [SsoError.USER_UNKNOWN]: HttpStatus.FORBIDDEN,
      [SsoError.USER_DISABLED]: HttpStatus.FORBIDDEN,
      [SsoError.NO_ROLE]: HttpStatus.FORBIDDEN,
      [SsoError.UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
    };
    return new AppException(status[code]!, code, message, details);
  }

  /** What openid-client (or the provider through it) refused, as one of our codes. */
  private asRefusal(err: unknown): AppException {
    if (err instanceof AppException) return err;
    if (err instanceof oidc.AuthorizationResponseError) {
      return this.refuse(SsoError.DENIED, `The sign-on provider refused: ${err.error}`, {
        error: err.error,
        description: err.error_description ?? null,
      });
    }
    if (unreachable(err)) {
      return this.refuse(SsoError.UNAVAILABLE, 'The sign-on provider cannot be reached; try again later', {
        reason: explain(err),
      });
    }
    if (err instanceof oidc.ResponseBodyError || err instanceof oidc.ClientError) {
      return this.refuse(SsoError.TOKEN_INVALID, 'The sign-on could not be verified: sign in again', {
        reason: explain(err),
      });
    }
    this.logger.error(`single sign-on failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return this.refuse(SsoError.TOKEN_INVALID, 'The sign-on could not be verified: sign in again', {
      reason: explain(err),
    });
  }
}

/** Network failures and timeouts of fetch, as opposed to an answer the provider gave. */
function unreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return true;
  return err instanceof TypeError && /fetch failed/i.test(err.message);
}

/** An error's message and, for openid-client's, what it compared (e.g. "unexpected JWT "aud" claim value"). */
function explain(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts = [err.message];
  if (err instanceof oidc.ResponseBodyError)
    parts.push(`${err.error}${err.error_description ? `: ${err.error_description}` : ''}`);
  const cause = err.cause;
  if (cause instanceof Error && cause.message !== err.message) parts.push(cause.message);
  return parts.join(' — ').slice(0, 500);
}

function equalSecrets(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(sha256(a), 'hex'), Buffer.from(sha256(b), 'hex'));
}
