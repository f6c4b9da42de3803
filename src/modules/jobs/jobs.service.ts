import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { JobError } from './jobs.errors.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { JobQueue, SlotGroup } from '../../infrastructure/queue/job-queue.js';
import { withLogFields } from '../../observability/log-context.js';
import { Metrics } from '../../observability/metrics.js';
import { hasRole, type AuthUser } from '../auth/index.js';
import type { Job } from './job.entity.js';
import { JobsRepository } from './jobs.repository.js';

export const RUN_JOBS = Symbol('RUN_JOBS');

export interface JobProgress {
  /** 0..100 */
  progress(percent: number): Promise<void>;
  attempt: number;
  /** For handlers whose effect must happen once per job: see JobsService.lockEffect. */
  jobId: string;
}
export type JobHandler<P> = (payload: P, ctx: JobProgress) => Promise<Record<string, unknown> | void>;

/**
 * What a job spends, which decides how many run at once in a process (the one rule, from config):
 * - `render`: prints through Chromium. Every render job of every type shares RENDER_CONCURRENCY slots, the
 *   browser pool's size, so a worker takes no job it cannot print now (its lease would run while it waited).
 * - `mail`: sends mail; all mail jobs share MAIL_CONCURRENCY slots (SMTP connections).
 * - `other`: neither; JOB_CONCURRENCY per job type.
 */
export type JobKind = 'render' | 'mail' | 'other';

export interface RegisterOptions {
  /** Default `render`: the safe guess for a job that does not say (it runs with the fewest at once). */
  kind?: JobKind;
  /**
   * Only for kind `other`: jobs of this type at once in a process instead of JOB_CONCURRENCY. A job that prints a
   * little and does much else (a statement run's item) is `other` with its own limit: its print waits its turn in
   * the browser pool while its reads, DOCX, signature and storage overlap the other jobs' printing.
   */
  concurrency?: number;
  /** Retries after the first attempt (default 2). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Exponential backoff with jitter on top of retryDelaySeconds (for outages of other servers: SMTP, S3). */
  retryBackoff?: boolean;
  /** The lease; default JOB_LEASE_SECONDS. Only for jobs known to take longer (a whole tender package). */
  expireInSeconds?: number;
  /**
   * Default true: enqueueing while JOB_QUEUE_LIMIT jobs of this type wait is refused (429 QUEUE_FULL). False for
   * work the service owes once something has committed (a contact sheet after a payment): refusing would lose it.
   */
  bounded?: boolean;
}

interface Registration {
  handler: JobHandler<Record<string, unknown>>;
  kind: JobKind;
  concurrency: number | undefined;
  retryLimit: number;
  expireInSeconds: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  bounded: boolean;
}

/** Throughput is measured over this window for QUEUE_FULL's Retry-After. */
const THROUGHPUT_WINDOW_SECONDS = 60;
const MAX_RETRY_AFTER_SECONDS = 600;
/** How often a process that runs jobs looks for last attempts that died with their process (failAbandoned). */
const ABANDONED_SWEEP_MS = 60_000;
/** Past its lease, this long before a last attempt that nobody recorded is taken for dead. */
const ABANDONED_GRACE_SECONDS = 30;

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
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<string, Registration>();
  private readonly slots: Record<Exclude<JobKind, 'other'>, SlotGroup>;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueue,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
    @Inject(RUN_JOBS) private readonly runJobs: boolean,
    private readonly metrics: Metrics,
  ) {
    this.slots = { render: new SlotGroup(config.render.concurrency), mail: new SlotGroup(config.jobs.mailConcurrency) };
    // From the jobs table, the same in every process: what waits and runs across all of them.
    metrics.gauge(
      'tenderdesk_jobs',
      'Jobs now in the jobs table by type and status (queued, running, retrying)',
      ['type', 'status'],
      async () =>
        (await this.jobs.countUnfinishedByNameAndStatus()).map((r) => ({
          labels: { type: r.name, status: r.status },
          value: r.count,
        })),
    );
  }

  register<P extends Record<string, unknown>>(name: string, handler: JobHandler<P>, opts: RegisterOptions = {}): void {
    if (this.handlers.has(name)) throw new Error(`job handler "${name}" registered twice`);
    this.handlers.set(name, {
      handler: handler as JobHandler<Record<string, unknown>>,
      kind: opts.kind ?? 'render',
      concurrency: opts.concurrency,
      retryLimit: opts.retryLimit ?? 2,
      expireInSeconds: opts.expireInSeconds ?? this.config.jobs.leaseSeconds,
      retryDelaySeconds: opts.retryDelaySeconds ?? 5,
      retryBackoff: opts.retryBackoff ?? false,
      bounded: opts.bounded ?? true,
    });
  }

  /** Writes the job row and hands it to the engine; 429 QUEUE_FULL when JOB_QUEUE_LIMIT jobs of the type wait. */
  async enqueue(name: string, payload: Record<string, unknown>, actor: Pick<AuthUser, 'id'> | null): Promise<JobView> {
    const reg = this.handlers.get(name);
    if (!reg) throw new Error(`no job handler registered for "${name}"`);
    const row = { name, payload, maxAttempts: reg.retryLimit + 1, createdBy: actor?.id ?? null };
    const job = reg.bounded
      ? await this.tx.run(async () => {
          // Count and insert under one lock, so that API instances enqueueing at once cannot pass the bound together.
          await this.jobs.lockQueue(name);
          const waiting = await this.jobs.countWaiting(name);
          if (waiting >= this.config.jobs.queueLimit) throw await this.queueFull(name, waiting);
          return this.jobs.create(row);
        })
      : // One INSERT, in the caller's transaction if there is one: no BEGIN/COMMIT of its own (a statement run
        // enqueues two unbounded jobs per statement).
        await this.jobs.create(row);
    await this.send(job, reg);
    return view(job);
  }

  /**
   * For handlers whose effect must happen once per job, however often the job runs (a retry after a worker died
   * between committing its effect and completing the job, or after an attempt outran its lease and kept going).
   * Call it first inside the transaction that makes the effect: it locks the job's row until that transaction
   * ends and returns what an earlier attempt recorded with `saveEffect` (then make nothing), or null.
   */
  async lockEffect(jobId: string): Promise<Record<string, unknown> | null> {
    const job = await this.jobs.findByIdForUpdate(jobId);
    return job?.result ?? null;
  }

  /** What an earlier attempt recorded with `saveEffect`, read without a lock: to skip work before its transaction. */
  async effectOf(jobId: string): Promise<Record<string, unknown> | null> {
    return (await this.jobs.findById(jobId))?.result ?? null;
  }

  /** In the effect's transaction, after lockEffect: the job's result commits with the effect or not at all. */
  async saveEffect(jobId: string, result: Record<string, unknown>): Promise<void> {
    await this.jobs.update(jobId, { result });
  }

  /** The caller sees their own jobs; admin and manager see all. */
  async get(user: AuthUser, id: string): Promise<JobView> {
    const job = await this.jobs.findById(id);
    if (!job || (job.createdBy !== user.id && !hasRole(user, 'manager'))) {
      throw AppException.notFound(JobError.JOB_NOT_FOUND, 'No such job', { id });
    }
    return view(job);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runJobs) return;
    for (const [name, reg] of this.handlers) {
      // Every log line of the attempt, the handler's and the modules' it calls, carries the job's id and type.
      await this.queue.work<{ jobId: string }>(name, this.workOptions(reg), (ctx) =>
        withLogFields({ jobId: ctx.data.jobId, jobType: name }, () => this.run(ctx.data.jobId, reg)),
      );
    }
    if (this.queue.kind === 'inline') await this.resumeUnfinished();
    // pg-boss fails a job whose last attempt outran its lease, but the process that ran it is gone and cannot say so
    // in the jobs table. (The in-process engine runs such a job again at the next start: resumeUnfinished.)
    else {
      this.sweeper = setInterval(() => {
        this.failAbandoned().catch((err: unknown) =>
          this.logger.error(`looking for abandoned jobs failed: ${String(err)}`),
        );
      }, ABANDONED_SWEEP_MS);
      this.sweeper.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Marks `failed` the jobs whose last attempt is still `running` in the jobs table well past its lease: its process
   * died (killed, out of memory, the machine lost) before it could record the outcome, and the engine gives no
   * further attempt. Handlers' own records (e.g. a statement run's item) are settled by their modules from the job's
   * status. Returns the ids marked.
   */
  async failAbandoned(): Promise<string[]> {
    const marked: string[] = [];
    for (const [name, reg] of this.handlers) {
      const ids = await this.jobs.failAbandoned(
        name,
        reg.expireInSeconds + ABANDONED_GRACE_SECONDS,
        `the last attempt did not finish within its lease of ${reg.expireInSeconds} s: the process running it stopped`,
      );
      for (const id of ids)
        this.logger.warn(`job ${name} ${id}: last attempt abandoned (its process stopped); marked failed`);
      marked.push(...ids);
    }
    return marked;
  }

  private workOptions({ kind, concurrency }: Registration): { concurrency: number; slots?: SlotGroup } {
    switch (kind) {
      case 'render':
      case 'mail':
        return { concurrency: this.slots[kind].size, slots: this.slots[kind] };
      case 'other':
        return { concurrency: concurrency ?? this.config.jobs.concurrency };
    }
  }

  private async run(jobId: string, reg: Registration): Promise<unknown> {
    const job = await this.jobs.findById(jobId);
    if (!job || job.status === 'succeeded' || job.status === 'failed') return { skipped: true };
    if (job.result) {
      // An earlier attempt committed its effect (saveEffect) and died before completing the job: done.
      await this.jobs.updateAttempt(jobId, job.attempts, {
        status: 'succeeded',
        progress: 100,
        error: null,
        finishedAt: new Date(),
      });
      this.logger.log(
        `job ${job.name} ${jobId}: attempt ${job.attempts} had committed its effect; completed without running again`,
      );
      return job.result;
    }
    const attempt = job.attempts + 1;
    if (!job.startedAt) {
      this.metrics.jobQueueWait.observe({ type: job.name }, Math.max(0, Date.now() - job.createdAt.getTime()) / 1000);
    }
    this.metrics.jobs.inc({ type: job.name, state: 'started' });
    await this.jobs.update(jobId, {
      status: 'running',
      attempts: attempt,
      startedAt: job.startedAt ?? new Date(),
      error: null,
    });
    // The process id is in every log line: which worker ran which attempt.
    this.logger.log(`job ${job.name} ${jobId} attempt ${attempt}/${job.maxAttempts} started`);
    const started = performance.now();
    try {
      const result = await reg.handler(job.payload, {
        attempt,
        jobId,
        progress: async (percent) => {
          await this.jobs.updateAttempt(jobId, attempt, { progress: Math.max(0, Math.min(100, Math.round(percent))) });
        },
      });
      const recorded = await this.jobs.updateAttempt(jobId, attempt, {
        status: 'succeeded',
        progress: 100,
        result: result ?? {},
        finishedAt: new Date(),
      });
      this.metrics.jobs.inc({ type: job.name, state: 'succeeded' });
      this.metrics.jobDuration.observe({ type: job.name, outcome: 'succeeded' }, (performance.now() - started) / 1000);
      this.logger.log(
        `job ${job.name} ${jobId} attempt ${attempt} succeeded in ${Math.round(performance.now() - started)} ms${recorded ? '' : ' (after a later attempt had started: not recorded)'}`,
      );
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const last = attempt >= job.maxAttempts;
      await this.jobs.updateAttempt(jobId, attempt, {
        status: last ? 'failed' : 'retrying',
        error: message,
        ...(last ? { finishedAt: new Date() } : {}),
      });
      this.metrics.jobs.inc({ type: job.name, state: last ? 'failed' : 'retrying' });
      this.metrics.jobDuration.observe({ type: job.name, outcome: 'failed' }, (performance.now() - started) / 1000);
      this.logger.warn(`job ${job.name} ${jobId} attempt ${attempt}/${job.maxAttempts} failed: ${message}`);
      throw err; // the engine schedules the retry
    }
  }

  /**
   * 429 with the time the queue needs to fall back under its bound at the pace of the last minute (a minute when
   * nothing finished in it: the workers may be down or busy with long jobs).
   */
  private async queueFull(name: string, waiting: number): Promise<AppException> {
    const limit = this.config.jobs.queueLimit;
    const finished = await this.jobs.countFinishedSince(name, new Date(Date.now() - THROUGHPUT_WINDOW_SECONDS * 1000));
    const excess = waiting - limit + 1;
    const seconds = finished > 0 ? (excess * THROUGHPUT_WINDOW_SECONDS) / finished : THROUGHPUT_WINDOW_SECONDS;
    return AppException.tooManyRequests(
      JobError.QUEUE_FULL,
      `${waiting} ${name} jobs are waiting, the limit is ${limit}; try again later`,
      Math.min(MAX_RETRY_AFTER_SECONDS, seconds),
      { job: name, waiting, limit },
    );
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
        retryBackoff: reg.retryBackoff,
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
