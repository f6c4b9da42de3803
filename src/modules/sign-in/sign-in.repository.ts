import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { User } from '../users/user.entity.js';

@Injectable()
export class SignInRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** The user a sign-in names: by user name, else by e-mail (case-insensitive) when exactly one user has it. */
  async findByLogin(login: string): Promise<User | null> {
    const byName = await this.repo(User).findOneBy({ name: login });
    if (byName) return byName;
    if (!login.includes('@')) return null;
    const byEmail = await this.repo(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:login)', { login })
      .limit(2)
      .getMany();
    return byEmail.length === 1 ? byEmail[0]! : null;
  }
}
