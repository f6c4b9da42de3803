import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BaseRepository } from '../../database/transaction.js';
import { Job, type JobStatus } from './job.entity.js';

@Injectable()
export class JobsRepository extends BaseRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  create(data: Pick<Job, 'name' | 'payload' | 'maxAttempts' | 'createdBy'>): Promise<Job> {
    return this.repo(Job).save(this.repo(Job).create({ ...data, status: 'queued', progress: 0, attempts: 0 }));
  }

  findById(id: string): Promise<Job | null> {
    return this.repo(Job).findOneBy({ id });
  }

  async update(id: string, patch: Partial<Pick<Job, 'status' | 'progress' | 'attempts' | 'result' | 'error' | 'startedAt' | 'finishedAt'>>): Promise<void> {
    // jsonb columns make TypeORM's deep-partial type reject a plain object; the patch is a Job subset.
    await this.repo(Job).update({ id }, patch as Parameters<ReturnType<typeof this.repo<Job>>['update']>[1]);
  }

  findByStatus(statuses: JobStatus[]): Promise<Job[]> {
    return this.repo(Job).find({ where: { status: In(statuses) }, order: { createdAt: 'ASC' } });
  }
}
