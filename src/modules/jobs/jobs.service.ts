import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { JobQueue } from '../../infrastructure/queue/job-queue.js';
import { hasRole, type AuthUser } from '../auth/auth-user.js';
import type { Job } from './job.entity.js';
import { JobsRepository } from './jobs.repository.js';

export const RUN_JOBS = Symbol('RUN_JOBS');

export interface JobProgress {
  /** 0..100 */
  progress(percent: number): Promise<void>;
  attempt: number;
}
export type JobHandler<P> = (payload: P, ctx: JobProgress) => Promise<Record<string, unknown> | void>;

interface Registration {
  handler: JobHandler<Record<string, unknown>>;
  retryLimit: number;
  concurrency: number;
  expireInSeconds: number;
  retryDelaySeconds: number;
}

export interface JobView {
  id: string;
  name: string;
  status: Job['status'];
  progress: number;
  attempts: number;
  maxAttempts: number;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/**
 * Long work as the API sees it. Feature modules `register` a handler per job name (in onModuleInit);
 * `enqueue` writes the job row and hands its id to the queue engine; the engine delivers, retries and
 * leases; this service keeps status, progress and result in the jobs table for `GET /api/jobs/:id`.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<string, Registration>();

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueue,
    @Inject(RUN_JOBS) private readonly runJobs: boolean,
  ) {}

  register<P extends Record<string, unknown>>(
    name: string,
    handler: JobHandler<P>,
    opts: { retryLimit?: number; concurrency?: number; expireInSeconds?: number; retryDelaySeconds?: number } = {},
  ): void {
    if (this.handlers.has(name)) throw new Error(`job handler "${name}" registered twice`);
    this.handlers.set(name, {
      handler: handler as JobHandler<Record<string, unknown>>,
      retryLimit: opts.retryLimit ?? 2,
      concurrency: opts.concurrency ?? 1,
      expireInSeconds: opts.expireInSeconds ?? 15 * 60,
      retryDelaySeconds: opts.retryDelaySeconds ?? 5,
    });
  }

  async enqueue(name: string, payload: Record<string, unknown>, actor: Pick<AuthUser, 'id'> | null): Promise<JobView> {
    const reg = this.handlers.get(name);
    if (!reg) throw new Error(`no job handler registered for "${name}"`);
    const job = await this.jobs.create({ name, payload, maxAttempts: reg.retryLimit + 1, createdBy: actor?.id ?? null });
    await this.send(job, reg);
    return view(job);
  }

  /** The caller sees their own jobs; admin and manager see all. */
  async get(user: AuthUser, id: string): Promise<JobView> {
    const job = await this.jobs.findById(id);
    if (!job || (job.createdBy !== user.id && !hasRole(user, 'manager'))) {
      throw AppException.notFound('JOB_NOT_FOUND', 'No such job', { id });
    }
    return view(job);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runJobs) return;
    for (const [name, reg] of this.handlers) {
      await this.queue.work<{ jobId: string }>(name, { concurrency: reg.concurrency }, (ctx) => this.run(ctx.data.jobId, reg));
    }
    if (this.queue.kind === 'inline') await this.resumeUnfinished();
  }

  private async run(jobId: string, reg: Registration): Promise<unknown> {
    const job = await this.jobs.findById(jobId);
    if (!job || job.status === 'succeeded' || job.status === 'failed') return { skipped: true };
    const attempt = job.attempts + 1;
    await this.jobs.update(jobId, { status: 'running', attempts: attempt, startedAt: job.startedAt ?? new Date(), error: null });
    try {
      const result = await reg.handler(job.payload, {
        attempt,
        progress: (percent) => this.jobs.update(jobId, { progress: Math.max(0, Math.min(100, Math.round(percent))) }),
      });
      await this.jobs.update(jobId, { status: 'succeeded', progress: 100, result: result ?? {}, finishedAt: new Date() });
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const last = attempt >= job.maxAttempts;
      await this.jobs.update(jobId, { status: last ? 'failed' : 'retrying', error: message, ...(last ? { finishedAt: new Date() } : {}) });
      this.logger.warn(`job ${job.name} ${jobId} attempt ${attempt}/${job.maxAttempts} failed: ${message}`);
      throw err; // the engine schedules the retry
    }
  }

  /** The in-process engine forgets its queue on restart; the jobs table does not. */
  private async resumeUnfinished(): Promise<void> {
    for (const job of await this.jobs.findByStatus(['queued', 'running', 'retrying'])) {
      const reg = this.handlers.get(job.name);
      if (reg) await this.send(job, reg);
    }
  }

  private async send(job: Job, reg: Registration): Promise<void> {
    await this.queue.send(
      job.name,
      { jobId: job.id },
      {
        retryLimit: Math.max(0, job.maxAttempts - job.attempts - 1),
        retryDelaySeconds: reg.retryDelaySeconds,
        expireInSeconds: reg.expireInSeconds,
        singletonKey: job.id,
      },
    );
  }
}

function view(j: Job): JobView {
  return {
    id: j.id,
    name: j.name,
    status: j.status,
    progress: j.progress,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    result: j.result,
    error: j.error,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
  };
}
