import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Not } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import type { SessionStage, UserSession } from './user-session.entity.js';
import { UserSession as SessionEntity } from './user-session.entity.js';

@Injectable()
export class SessionsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  create(data: Omit<UserSession, 'id' | 'createdAt' | 'revokedAt' | 'revokedReason'>): Promise<UserSession> {
    return this.repo(SessionEntity).save(
      this.repo(SessionEntity).create({ ...data, revokedAt: null, revokedReason: null }),
    );
  }

  /** The unrevoked session with this token hash, or null. */
  findLive(tokenHash: string): Promise<UserSession | null> {
    return this.repo(SessionEntity).findOneBy({ tokenHash, revokedAt: IsNull() });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo(SessionEntity).update({ id }, { lastSeenAt: at });
  }

  /** Moves a session on to another stage under a new token (the one that signed the previous stage stops working). */
  async advance(id: string, stage: SessionStage, tokenHash: string, csrfToken: string): Promise<void> {
    await this.repo(SessionEntity).update({ id }, { stage, tokenHash, csrfToken });
  }

  /** Revokes one session; false when it was not live. */
  async revoke(id: string, reason: string, at = new Date()): Promise<boolean> {
    const res = await this.repo(SessionEntity).update(
      { id, revokedAt: IsNull() },
      { revokedAt: at, revokedReason: reason },
    );
    return (res.affected ?? 0) > 0;
  }

  /** Revokes every live session of a user (but `except`); returns how many. */
  async revokeAllOf(userId: string, reason: string, except?: string, at = new Date()): Promise<number> {
    const res = await this.repo(SessionEntity).update(
      { userId, revokedAt: IsNull(), ...(except ? { id: Not(except) } : {}) },
      { revokedAt: at, revokedReason: reason },
    );
    return res.affected ?? 0;
  }

  /** A user's sessions that are still live (unrevoked and not past their absolute end), newest first. */
  liveOf(userId: string, now = new Date()): Promise<UserSession[]> {
    return this.repo(SessionEntity)
      .createQueryBuilder('s')
      .where('s.user_id = :userId AND s.revoked_at IS NULL AND s.expires_at > :now', { userId, now })
      .orderBy('s.last_seen_at', 'DESC')
      .getMany();
  }

  findById(id: string): Promise<UserSession | null> {
    return this.repo(SessionEntity).findOneBy({ id });
  }

  findOf(userId: string, id: string): Promise<UserSession | null> {
    return this.repo(SessionEntity).findOneBy({ userId, id });
  }
}
