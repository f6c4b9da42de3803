import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { ApiToken } from './api-token.entity.js';
import { User } from './user.entity.js';

@Injectable()
export class UsersRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The active token with this hash, with its user; null when unknown or revoked. */
  findActiveToken(tokenHash: string): Promise<ApiToken | null> {
    return this.repo(ApiToken).findOne({ where: { tokenHash, revokedAt: IsNull() }, relations: { user: true } });
  }

  async touchToken(id: string, at: Date): Promise<void> {
    await this.repo(ApiToken).update({ id }, { lastUsedAt: at });
  }

  count(): Promise<number> {
    return this.repo(User).count();
  }

  findById(id: string): Promise<User | null> {
    return this.repo(User).findOneBy({ id });
  }

  names(ids: string[]): Promise<Pick<User, 'id' | 'name' | 'email'>[]> {
    return this.repo(User).find({ select: { id: true, name: true, email: true }, where: { id: In(ids) } });
  }

  findByName(name: string): Promise<User | null> {
    return this.repo(User).findOneBy({ name });
  }

  /** The user, their row locked until the transaction ends. */
  lockById(id: string): Promise<User | null> {
    return this.repo(User).createQueryBuilder('u').where('u.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /** Users whose e-mail is this one (case-insensitive), oldest first; at most `limit`. */
  findByEmail(email: string, limit: number): Promise<User[]> {
    return this.repo(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .orderBy('u.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  findByIdentity(issuer: string, subject: string): Promise<User | null> {
    return this.repo(User).findOneBy({ oidcIssuer: issuer, oidcSubject: subject });
  }

  async nameTaken(name: string): Promise<boolean> {
    return (await this.repo(User).countBy({ name })) > 0;
  }

  /** Writes some of a user's columns (password, second factor, roles). */
  async updateUser(
    id: string,
    fields: Partial<
      Pick<
        User,
        | 'roles'
        | 'passwordHash'
        | 'mustChangePassword'
        | 'passwordChangedAt'
        | 'totpSecret'
        | 'totpEnabledAt'
        | 'totpLastStep'
      >
    >,
  ): Promise<void> {
    await this.repo(User).update({ id }, fields);
  }

  /** Links a user to a single sign-on identity, unless they are linked to one already. */
  async link(id: string, issuer: string, subject: string): Promise<void> {
    await this.repo(User).update({ id, oidcSubject: IsNull() }, { oidcIssuer: issuer, oidcSubject: subject });
  }

  list(): Promise<User[]> {
    return this.repo(User).find({ order: { createdAt: 'ASC' } });
  }

  createUser(
    data: Pick<User, 'name' | 'roles' | 'email'> & Partial<Pick<User, 'oidcIssuer' | 'oidcSubject'>>,
  ): Promise<User> {
    return this.repo(User).save(this.repo(User).create({ ...data, disabled: false }));
  }

  saveUser(user: User): Promise<User> {
    return this.repo(User).save(user);
  }

  createToken(
    data: Pick<ApiToken, 'userId' | 'tokenHash' | 'prefix' | 'label' | 'expiresAt' | 'readOnly'>,
  ): Promise<ApiToken> {
    return this.repo(ApiToken).save(this.repo(ApiToken).create(data));
  }

  tokensOf(userId: string): Promise<ApiToken[]> {
    return this.repo(ApiToken).find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  findToken(userId: string, id: string): Promise<ApiToken | null> {
    return this.repo(ApiToken).findOneBy({ userId, id });
  }

  async revokeToken(id: string, at: Date): Promise<void> {
    await this.repo(ApiToken).update({ id }, { revokedAt: at });
  }

  findTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.repo(ApiToken).findOneBy({ tokenHash });
  }

  /** Serialises first-start setup across processes starting together (released at commit). */
  async lockSetup(): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(7251944)');
  }
}
