import type { AuthUser } from '../auth/index.js';
import type { UserRecord } from './user.types.js';

/*
 * What users needs from the modules above it, as ports: creating a user, an admin's password reset and disabling a
 * user end sessions (sessions), issue a one-time password link and forget failed sign-ins (sign-in). Those modules
 * read and write users through UserAccountsService, so users imports neither: that pair of imports was the
 * users <-> sessions and users <-> sign-in cycles of issue #18. UsersService looks the ports up when the application
 * starts (auth's credentialPort); see docs/architecture.md, "Rules the checker enforces".
 */

/** invitation: a new user (or the first admin) chooses a password; reset: an admin cleared it. */
export type InvitationPurpose = 'invitation' | 'reset';

/** What an admin hands over (the link holds the token after #, which browsers do not send to servers or in Referer). */
export interface InvitationLink {
  url: string;
  expiresAt: Date;
}

/** Provided by SessionsModule (SessionsService). */
export abstract class SessionEnder {
  /** Ends every live session of a user; returns how many. */
  abstract endAllOf(userId: string, reason: string): Promise<number>;
}

/** Provided by sign-in's PasswordsModule (InvitationsService). */
export abstract class PasswordLinkIssuer {
  /** A new one-time link to set the user's password (in the caller's transaction; the earlier unused ones expire). */
  abstract issue(
    user: Pick<UserRecord, 'id' | 'name'>,
    purpose: InvitationPurpose,
    actor: Pick<AuthUser, 'id' | 'name'> | { id: null; name: string },
  ): Promise<InvitationLink>;
}

/** Provided by sign-in's PasswordsModule (SignInThrottleService). */
export abstract class FailedSignIns {
  /** Forgets the account's failed sign-ins (and its lock): it may try again at once. */
  abstract clearAccount(userId: string): Promise<void>;
}
