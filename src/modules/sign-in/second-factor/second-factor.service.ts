import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { AppConfig } from '../../../config/app-config.js';
import { AppException } from '../../../common/errors/app-exception.js';
import { ErrorCode } from '../../../common/errors/error-codes.js';
import { SignInError } from '../sign-in.errors.js';
import { UserError, UserAccountsService, type UserRecord } from '../../users/index.js';
import { TransactionRunner } from '../../../database/transaction.js';
import { AuditService } from '../../audit/index.js';
import type { AuthUser, SessionStage } from '../../auth/index.js';
import { SessionsService } from '../../sessions/index.js';
import type { SecondFactorDto } from './dto/second-factor.dto.js';
import { SecondFactorRepository } from './second-factor.repository.js';
import { developmentSecretsKey, SecretBox } from './sealing.js';
import {
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  otpauthUri,
  recoveryCodeHash,
  totpStep,
} from './totp.js';

export interface TotpStatus {
  enabled: boolean;
  enabledAt: Date | null;
  recoveryCodesLeft: number;
  /** The user's roles require a second factor (TOTP_REQUIRED_ROLES): it cannot be turned off. */
  required: boolean;
}

/** A session moved on to its next stage: what the response carries (the cookie goes into Set-Cookie). */
export interface Advanced {
  stage: SessionStage;
  csrfToken: string;
  cookie: string;
}

type Check =
  | { ok: true; via: 'totp'; step: number }
  | { ok: true; via: 'recovery'; codeId: string }
  | { ok: false; reason: 'wrong' | 'replayed' | 'recovery-code-used' };

/** Where a code is checked: the sign-in step answers 401; the account's own routes 422 (the session is fine). */
type Place = 'sign-in' | 'enrolment' | 'disable' | 'recovery-codes';

const ISSUER = 'Tenderdesk';
/** Wrong codes are counted per user under this key of sign_in_throttle (apart from the password's counters). */
const throttleKey = (userId: string) => `second-factor:${userId}`;

/** A second factor is a code of the app or a recovery code: exactly one of the two. */
function oneFactor(dto: SecondFactorDto): void {
  if ((dto.code === undefined) === (dto.recoveryCode === undefined)) {
    throw AppException.badRequest(ErrorCode.VALIDATION_FAILED, 'Send either code or recoveryCode', {
      fields: ['code', 'recoveryCode'],
    });
  }
}

/**
 * The second factor (#15): TOTP (RFC 6238) with ten one-time recovery codes. The shared secret is stored sealed
 * (AES-256-GCM, key from SECRETS_KEY); a code is accepted once (the last accepted time step is kept); wrong codes
 * are counted per user and lock the second factor for SIGN_IN_LOCK_MINUTES after SIGN_IN_LOCK_AFTER of them.
 */
@Injectable()
export class SecondFactorService {
  private box?: Promise<SecretBox>;

  constructor(
    private readonly repo: SecondFactorRepository,
    private readonly users: UserAccountsService,
    private readonly sessions: SessionsService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async status(actor: AuthUser): Promise<TotpStatus> {
    const user = await this.mustFind(actor.id);
    return {
      enabled: !!user.totpEnabledAt,
      enabledAt: user.totpEnabledAt,
      recoveryCodesLeft: user.totpEnabledAt ? await this.repo.unusedRecoveryCodes(user.id) : 0,
      required: this.required(user),
    };
  }

  /** A new secret, pending until a code of it is confirmed; an earlier pending one is replaced. */
  async startEnrolment(actor: AuthUser): Promise<{ secret: string; otpauthUri: string; qrSvg: string }> {
    const box = await this.secretBox();
    const secret = newTotpSecret();
    await this.tx.run(async () => {
      const user = await this.users.lock(actor.id);
      if (!user) throw this.userGone(actor.id);
      if (user.totpEnabledAt) {
        throw AppException.conflict(
          SignInError.TOTP_ALREADY_ENABLED,
          'A second factor is set up already: turn it off first to set up another',
        );
      }
      await this.users.setTotp(user.id, { totpSecret: box.seal(secret, user.id), totpLastStep: null });
    });
    const uri = otpauthUri(secret, ISSUER, actor.name);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, otpauthUri: uri, qrSvg };
  }

  /**
   * Confirms the pending enrolment with a code of the app: the second factor is on, and ten recovery codes are given
   * (shown this once). A session that had to enrol (stage totp_enrolment) moves on to active.
   */
  async confirm(actor: AuthUser, code: string): Promise<{ recoveryCodes: string[] } & Partial<Advanced>> {
    const enrolling = actor.session?.stage === 'totp_enrolment' ? actor.session.id : null;
    return this.withFactor(
      actor,
      { code },
      'enrolment',
      (user) => {
        if (user.totpEnabledAt)
          throw AppException.conflict(SignInError.TOTP_ALREADY_ENABLED, 'The second factor is on already');
        if (!user.totpSecret) {
          throw AppException.conflict(
            SignInError.TOTP_NOT_PENDING,
            'Start an enrolment first (POST /api/me/totp/enrolment)',
          );
        }
      },
      async (user) => {
        const recoveryCodes = await this.issueRecoveryCodes(user.id);
        await this.users.setTotp(user.id, { totpEnabledAt: new Date() });
        await this.audit.record({ actor, action: 'totp.enabled', entityType: 'user', entityId: user.id });
        if (!enrolling) return { recoveryCodes };
        const advanced = await this.sessions.advanceById(enrolling, 'active');
        return { recoveryCodes, stage: 'active' as const, ...advanced };
      },
    );
  }

  /** The sign-in step: a session in stage second_factor gives a code (or a recovery code) and becomes active. */
  async signInStep(actor: AuthUser, dto: SecondFactorDto): Promise<Advanced> {
    oneFactor(dto);
    if (!actor.session) {
      throw AppException.conflict(
        SignInError.NOT_SIGNING_IN,
        'This is a step of signing in with a browser session; an API token has nothing to complete',
      );
    }
    const sessionId = actor.session.id;
    return this.withFactor(
      actor,
      dto,
      'sign-in',
      (user) => {
        if (!user.totpEnabledAt) throw this.notEnabled();
      },
      async () => {
        const advanced = await this.sessions.advanceById(sessionId, 'active');
        return { stage: 'active' as const, ...advanced };
      },
    );
  }

  /** Turns the second factor off (with a code or a recovery code), unless the user's roles require it. */
  async disable(actor: AuthUser, dto: SecondFactorDto): Promise<void> {
    await this.withFactor(
      actor,
      dto,
      'disable',
      (user) => {
        if (!user.totpEnabledAt) throw this.notEnabled();
        if (this.required(user)) {
          throw AppException.unprocessable(
            SignInError.SECOND_FACTOR_REQUIRED,
            'Your roles require a second factor: it cannot be turned off',
            { roles: this.config.signIn.totpRequiredRoles.filter((r) => user.roles.includes(r)) },
          );
        }
      },
      async (user) => {
        await this.users.setTotp(user.id, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
        await this.repo.replaceRecoveryCodes(user.id, []);
        await this.audit.record({ actor, action: 'totp.disabled', entityType: 'user', entityId: user.id });
      },
    );
  }

  /**
   * An admin's reset of someone else's second factor (a lost phone and lost recovery codes): the secret, the recovery
   * codes and the wrong-code count go, and the user's sessions end. At the next sign-in the user goes on with the
   * password alone, or enrols again first when their roles require a second factor (TOTP_REQUIRED_ROLES). An admin's
   * own factor is turned off from "my account" with a code, never by this route.
   */
  async resetFor(actor: AuthUser, userId: string): Promise<{ sessionsEnded: number }> {
    if (userId === actor.id) {
      throw AppException.badRequest(
        SignInError.CANNOT_RESET_OWN_SECOND_FACTOR,
        'Turn your own second factor off in "my account" (DELETE /api/me/totp, with a code)',
      );
    }
    return this.tx.run(async () => {
      const user = await this.users.lock(userId);
      if (!user) throw this.userGone(userId);
      if (!user.totpEnabledAt && !user.totpSecret) throw this.notEnabled();
      await this.users.setTotp(user.id, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
      await this.repo.replaceRecoveryCodes(user.id, []);
      await this.repo.clearFailures(throttleKey(user.id));
      const sessionsEnded = await this.sessions.endAllOf(user.id, 'second-factor-reset');
      await this.audit.record({
        actor,
        action: 'totp.reset',
        entityType: 'user',
        entityId: user.id,
        details: { name: user.name, sessionsEnded },
      });
      return { sessionsEnded };
    });
  }

  /** Ten new recovery codes (the old ones stop working), given a code of the app or a recovery code. */
  async regenerateRecoveryCodes(actor: AuthUser, dto: SecondFactorDto): Promise<{ recoveryCodes: string[] }> {
    return this.withFactor(
      actor,
      dto,
      'recovery-codes',
      (user) => {
        if (!user.totpEnabledAt) throw this.notEnabled();
      },
      async (user) => {
        const recoveryCodes = await this.issueRecoveryCodes(user.id);
        await this.audit.record({
          actor,
          action: 'recovery-codes.regenerated',
          entityType: 'user',
          entityId: user.id,
        });
        return { recoveryCodes };
      },
    );
  }

  /**
   * Checks a second factor and, when it is right, runs `onPass` in the same transaction (the user's row locked, so
   * a code cannot pass twice). A wrong one is counted and audited (in a transaction of its own: the refused request
   * changes nothing else) and refused; once locked, codes are not even checked until the lock ends.
   */
  private async withFactor<T>(
    actor: AuthUser,
    dto: SecondFactorDto,
    place: Place,
    precondition: (user: UserRecord) => void,
    onPass: (user: UserRecord) => Promise<T>,
  ): Promise<T> {
    oneFactor(dto);
    if (place === 'enrolment' && dto.recoveryCode !== undefined) {
      throw AppException.badRequest(ErrorCode.VALIDATION_FAILED, 'An enrolment is confirmed with a code of the app');
    }
    const key = throttleKey(actor.id);
    const now = new Date();
    const blocked = await this.repo.blockedUntil(key, now);
    if (blocked) throw this.locked(blocked, now);
    const box = await this.secretBox();
    const outcome = await this.tx.run(async () => {
      const user = await this.users.lock(actor.id);
      if (!user) throw this.userGone(actor.id);
      precondition(user);
      const check = await this.check(user, box, dto, now);
      if (!check.ok) return check;
      if (check.via === 'totp') {
        await this.users.setTotp(user.id, { totpLastStep: check.step });
      } else {
        if (!(await this.repo.spendRecoveryCode(check.codeId, now)))
          return { ok: false as const, reason: 'recovery-code-used' as const };
        await this.audit.record({
          actor,
          action: 'recovery-code.used',
          entityType: 'user',
          entityId: user.id,
          details: { place, left: await this.repo.unusedRecoveryCodes(user.id) },
        });
      }
      return { ok: true as const, result: await onPass(user) };
    });
    if (outcome.ok) {
      await this.repo.clearFailures(key);
      return outcome.result;
    }
    const lockedUntil = await this.tx.run(async () => {
      const until = await this.repo.countFailure(key, now, this.config.signIn.lockAfter, this.config.signIn.lockMs);
      await this.audit.record({
        actor,
        action: 'second-factor.failed',
        entityType: 'user',
        entityId: actor.id,
        details: {
          place,
          reason: outcome.reason,
          via: dto.code !== undefined ? 'totp' : 'recovery-code',
          ...(until ? { lockedUntil: until.toISOString() } : {}),
        },
      });
      return until;
    });
    if (lockedUntil) throw this.locked(lockedUntil, now);
    const status = place === 'sign-in' ? 401 : 422;
    if (outcome.reason === 'recovery-code-used') {
      throw new AppException(
        status,
        SignInError.RECOVERY_CODE_USED,
        'This recovery code was used already: each works once',
      );
    }
    throw new AppException(
      status,
      SignInError.SECOND_FACTOR_FAILED,
      dto.code !== undefined
        ? 'The code is wrong, or was used already: wait for the next one'
        : 'The recovery code is wrong',
    );
  }

  private async check(user: UserRecord, box: SecretBox, dto: SecondFactorDto, now: Date): Promise<Check> {
    if (dto.code !== undefined) {
      const step = totpStep(this.openSecret(box, user), dto.code, now.getTime());
      if (step === null) return { ok: false, reason: 'wrong' };
      if (user.totpLastStep !== null && step <= user.totpLastStep) return { ok: false, reason: 'replayed' };
      return { ok: true, via: 'totp', step };
    }
    const code = normaliseRecoveryCode(dto.recoveryCode!);
    const found = code ? await this.repo.findRecoveryCode(user.id, recoveryCodeHash(user.id, code)) : null;
    if (!found) return { ok: false, reason: 'wrong' };
    if (found.usedAt) return { ok: false, reason: 'recovery-code-used' };
    return { ok: true, via: 'recovery', codeId: found.id };
  }

  private openSecret(box: SecretBox, user: UserRecord): string {
    try {
      return box.open(user.totpSecret!, user.id);
    } catch {
      // Not a wrong code: the server's key changed (SECRETS_KEY) or the row was altered. Say so, count nothing.
      throw new AppException(
        500,
        SignInError.TOTP_SECRET_UNREADABLE,
        "The second factor's secret cannot be opened with this server's SECRETS_KEY: ask an admin",
      );
    }
  }

  private async issueRecoveryCodes(userId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    await this.repo.replaceRecoveryCodes(
      userId,
      codes.map((c) => recoveryCodeHash(userId, c)),
    );
    return codes;
  }

  private required(user: UserRecord): boolean {
    return this.config.signIn.totpRequiredRoles.some((r) => user.roles.includes(r));
  }

  private async mustFind(id: string): Promise<UserRecord> {
    const user = await this.users.find(id);
    if (!user) throw this.userGone(id);
    return user;
  }

  private userGone(id: string) {
    return AppException.notFound(UserError.USER_NOT_FOUND, 'No such user', { id });
  }

  private notEnabled() {
    return AppException.conflict(SignInError.TOTP_NOT_ENABLED, 'No second factor is set up for this user');
  }

  private locked(until: Date, now: Date) {
    return AppException.tooManyRequests(
      SignInError.SIGN_IN_LOCKED,
      'Too many wrong codes: try again later',
      (until.getTime() - now.getTime()) / 1000,
    );
  }

  /** The sealing key: SECRETS_KEY, or (development) one kept under STORAGE_DIR. */
  private secretBox(): Promise<SecretBox> {
    this.box ??= (
      this.config.secretsKey
        ? Promise.resolve(this.config.secretsKey)
        : developmentSecretsKey(join(this.config.storageDir, 'secrets', 'development.key'))
    )
      .then((key) => new SecretBox(key, 'totp-secret v1'))
      .catch((err: unknown) => {
        this.box = undefined;
        throw err;
      });
    return this.box;
  }
}
