import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../common/errors/app-exception.js';
import { SignInError } from './sign-in.errors.js';
import { AuditService } from '../audit/index.js';
import type { AuthUser } from '../auth/index.js';
import {
  UserAccountsService,
  type InvitationLink,
  type InvitationPurpose,
  type PasswordLinkIssuer,
  type UserRecord,
} from '../users/index.js';
import { CredentialsRepository } from './credentials.repository.js';
import type { UserInvitation } from './sign-in.entities.js';

const TOKEN = /^td_i_[A-Za-z0-9_-]{43}$/;
const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * One-time links to set a password: an invitation for a new user, an admin's reset, the first admin's first start.
 * 256 random bits; only their SHA-256 is stored; they expire after INVITATION_HOURS and are spent by their first use.
 * A new link for a user makes that user's earlier unused ones expire.
 */
@Injectable()
export class InvitationsService implements PasswordLinkIssuer {
  constructor(
    private readonly repo: CredentialsRepository,
    private readonly users: UserAccountsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** A new link for a user (call inside the caller's transaction: it is audited with the change that needs it). */
  async issue(
    user: Pick<UserRecord, 'id' | 'name'>,
    purpose: InvitationPurpose,
    actor: Pick<AuthUser, 'id' | 'name'> | { id: null; name: string },
  ): Promise<InvitationLink> {
    const now = new Date();
    const token = `td_i_${randomBytes(32).toString('base64url')}`;
    await this.repo.expireInvitationsOf(user.id, now);
    const saved = await this.repo.createInvitation({
      userId: user.id,
      tokenHash: hash(token),
      purpose,
      createdBy: actor.id,
      expiresAt: new Date(now.getTime() + this.config.signIn.invitationMs),
    });
    await this.audit.record({
      actor,
      action: 'invitation.created',
      entityType: 'user',
      entityId: user.id,
      details: { name: user.name, purpose, invitationId: saved.id, expiresAt: saved.expiresAt.toISOString() },
    });
    return { url: `${this.config.publicUrl.replace(/\/+$/, '')}/app/invitation#${token}`, expiresAt: saved.expiresAt };
  }

  /** The live invitation a token names, with its user; 404 INVITATION_INVALID, 410 INVITATION_EXPIRED / _USED. */
  async find(
    token: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<{ invitation: UserInvitation; user: UserRecord }> {
    const invalid = () =>
      AppException.notFound(SignInError.INVITATION_INVALID, 'This link is not valid: ask for a new one');
    if (!TOKEN.test(token)) throw invalid();
    const invitation = opts.forUpdate
      ? await this.repo.findInvitationForUpdate(hash(token))
      : await this.repo.findInvitation(hash(token));
    const user = invitation && (await this.users.find(invitation.userId));
    if (!invitation || !user || user.disabled) throw invalid();
    if (invitation.usedAt) {
      throw new AppException(
        410,
        SignInError.INVITATION_USED,
        'This link was used already: sign in, or ask for a new one',
      );
    }
    if (invitation.expiresAt.getTime() <= Date.now()) {
      throw new AppException(410, SignInError.INVITATION_EXPIRED, 'This link has expired: ask for a new one', {
        expiredAt: invitation.expiresAt,
      });
    }
    return { invitation, user };
  }

  /** Spends an invitation (call inside the transaction that found it with forUpdate). */
  async spend(invitation: UserInvitation, user: Pick<UserRecord, 'id' | 'name'>): Promise<void> {
    await this.repo.spendInvitation(invitation.id, new Date());
    await this.audit.record({
      actor: { id: user.id, name: user.name },
      action: 'invitation.used',
      entityType: 'user',
      entityId: user.id,
      details: { purpose: invitation.purpose, invitationId: invitation.id },
    });
  }
}
