import { Injectable } from '@nestjs/common';
import type { Role } from '../auth/index.js';
import type { UserRecord, UserTotpFields } from './user.types.js';
import { UsersRepository } from './users.repository.js';

/**
 * The users table as the modules above users read and write it: sessions (whose user a cookie names), sign-in (the
 * password and second-factor columns) and sso (the linked identity, users it creates, roles it syncs). Those modules
 * hold the rules and the audit entries; this service only reads and writes the rows, joining the caller's transaction.
 */
@Injectable()
export class UserAccountsService {
  constructor(private readonly users: UsersRepository) {}

  find(id: string): Promise<UserRecord | null> {
    return this.users.findById(id);
  }

  /** The user, their row locked until the caller's transaction ends (a second-factor code passes once). */
  lock(id: string): Promise<UserRecord | null> {
    return this.users.lockById(id);
  }

  /** The user a sign-in names: by user name, else by e-mail (case-insensitive) when exactly one user has it. */
  async findByLogin(login: string): Promise<UserRecord | null> {
    const byName = await this.users.findByName(login);
    if (byName) return byName;
    if (!login.includes('@')) return null;
    const byEmail = await this.users.findByEmail(login, 2);
    return byEmail.length === 1 ? byEmail[0]! : null;
  }

  /** Users whose e-mail is this one (case-insensitive), oldest first; at most two, enough to tell "exactly one". */
  findByEmail(email: string): Promise<UserRecord[]> {
    return this.users.findByEmail(email, 2);
  }

  /** The user linked to this single sign-on identity. */
  findLinked(issuer: string, subject: string): Promise<UserRecord | null> {
    return this.users.findByIdentity(issuer, subject);
  }

  nameTaken(name: string): Promise<boolean> {
    return this.users.nameTaken(name);
  }

  /** A new password hash (null: none), whether the next sign-in must change it, and when it was set. */
  async setPassword(userId: string, passwordHash: string | null, mustChange: boolean, at: Date): Promise<void> {
    await this.users.updateUser(userId, {
      passwordHash,
      mustChangePassword: mustChange,
      passwordChangedAt: passwordHash ? at : null,
    });
  }

  async setTotp(userId: string, fields: Partial<UserTotpFields>): Promise<void> {
    await this.users.updateUser(userId, fields);
  }

  async setRoles(userId: string, roles: Role[]): Promise<void> {
    await this.users.updateUser(userId, { roles });
  }

  /** A user signing in through single sign-on for the first time, linked to that identity. */
  createLinked(data: Pick<UserRecord, 'name' | 'email' | 'roles' | 'oidcIssuer' | 'oidcSubject'>): Promise<UserRecord> {
    return this.users.createUser(data);
  }

  /** Links a user to a single sign-on identity, unless they are linked to one already. */
  async link(userId: string, issuer: string, subject: string): Promise<void> {
    await this.users.link(userId, issuer, subject);
  }
}
