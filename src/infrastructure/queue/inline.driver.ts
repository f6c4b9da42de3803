import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { settledWithin, startAttempt, type Attempt } from './attempt.js';
import {
  DEFAULT_STOP_TIMEOUT_MS,
  JobQueue,
  assertConcurrency,
  jsonCopy,
  resolveSendOptions,
  type JobHandler,
  type JobSnapshot,
  type JobState,
  type ResolvedSendOptions,
  type SendOptions,
  type SlotGroup,
  type StopOptions,
  type WorkOptions,
} from './job-queue.js';

export interface InlineQueueOptions {
  stopTimeoutMs?: number;
  /** Finished jobs kept for getJob(); older ones are forgotten so memory stays bounded. */
  keepFinished?: number;
}

interface InlineJob {
  id: string;
  name: string;
  data: unknown;
  options: ResolvedSendOptions;
  state: JobState;
  output?: unknown;
  error?: string;
  retryCount: number;
  createdAt: Date;
  startedAt?: Date;
  completedAt?: Date;
}

interface Consumer {
  concurrency: number;
  handler: JobHandler<unknown>;
  active: number;
  slots?: SlotGroup;
}

/**
 * In-process driver for the embedded default and for tests: same contract as pg-boss, no database.
 *
 * Jobs live in this process's memory only and DO NOT survive a restart: queued, retrying and
 * running jobs are simply gone. The jobs table layer re-enqueues unfinished jobs on start.
 */
export class InlineJobQueue extends JobQueue {
  readonly kind = 'inline' as const;

  private readonly logger = new Logger('InlineJobQueue');
  private state: 'idle' | 'started' | 'stopping' | 'stopped' = 'idle';
  private readonly jobs = new Map<string, InlineJob>();
  /** Ids of finished jobs, oldest first, for forgetting them. */
  private readonly finished: string[] = [];
  /** Jobs due to run, FIFO per queue name. */
  private readonly ready = new Map<string, InlineJob[]>();
  private readonly consumers = new Map<string, Consumer>();
  /** `${name}\0${key}` -> id of the queued, retrying or active job holding the key. */
  private readonly singletons = new Map<string, string>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly attempts = new Map<Attempt, Promise<void>>();
  /** Set by drain(): no job starts any more (sent ones wait in memory, and are lost with it). */
  private draining: Promise<void> | undefined;

  constructor(private readonly options: InlineQueueOptions = {}) {
    super();
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`InlineJobQueue cannot start: it is ${this.state}`);
    this.state = 'started';
  }

  async stop(options: StopOptions = {}): Promise<void> {
    if (this.state !== 'started') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await this.drain(options);
    this.state = 'stopped';
  }

  ping(): Promise<void> {
    if (this.state !== 'started' || this.draining) {
      return Promise.reject(new Error(`the in-process queue is ${this.draining ? 'draining' : this.state}`));
    }
    return Promise.resolve();
  }

  drain(options: StopOptions = {}): Promise<void> {
    this.draining ??= this.settleAttempts(options.timeoutMs ?? this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    return this.draining;
  }

  private async settleAttempts(timeoutMs: number): Promise<void> {
    if (!(await settledWithin(this.attempts.values(), timeoutMs))) {
      this.logger.warn(`stopped with ${this.attempts.size} handler(s) still running; their results will be dropped`);
      for (const attempt of this.attempts.keys()) attempt.abandon();
    }
  }

  async send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string> {
    this.assertStarted();
    const resolved = resolveSendOptions(options);
    const key = resolved.singletonKey === undefined ? undefined : singletonId(name, resolved.singletonKey);
    const holder = key === undefined ? undefined : this.singletons.get(key);
    if (holder !== undefined) return holder;

    const job: InlineJob = {
      id: randomUUID(),
      name,
      data: jsonCopy(data),
      options: resolved,
      state: 'queued',
      retryCount: 0,
      createdAt: new Date(),
    };
    this.jobs.set(job.id, job);
    if (key !== undefined) this.singletons.set(key, job.id);
    this.enqueue(job);
    return job.id;
  }

  async work<T>(name: string, options: WorkOptions, handler: JobHandler<T>): Promise<void> {
    this.assertStarted();
    assertConcurrency(options.concurrency);
    if (this.draining) throw new Error('InlineJobQueue is draining: it takes no more consumers');
    if (this.consumers.has(name)) throw new Error(`queue ${name} already has a consumer in this process`);
    this.consumers.set(name, { concurrency: options.concurrency, handler: handler as JobHandler<unknown>, active: 0, slots: options.slots });
    // A job of another queue sharing the slots ended: this queue may start one now.
    options.slots?.onRelease(() => this.pump(name));
    this.pump(name);
  }

  async getJob(name: string, id: string): Promise<JobSnapshot | null> {
    const job = this.jobs.get(id);
    if (!job || job.name !== name) return null;
    return {
      id: job.id,
      name: job.name,
      state: job.state,
      data: jsonCopy(job.data),
      output: jsonCopy(job.output),
      error: job.error,
      retryCount: job.retryCount,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      completedAt: job.completedAt,
    };
  }

  private assertStarted(): void {
    if (this.state !== 'started') throw new Error(`InlineJobQueue is ${this.state}`);
  }

  private enqueue(job: InlineJob): void {
    const queue = this.ready.get(job.name) ?? [];
    queue.push(job);
    this.ready.set(job.name, queue);
    this.pump(job.name);
  }

  /** Starts due jobs while the queue's consumer has free slots. */
  private pump(name: string): void {
    const consumer = this.consumers.get(name);
    const queue = this.ready.get(name);
    if (this.state !== 'started' || this.draining || !consumer || !queue) return;
    while (consumer.active < consumer.concurrency && queue.length > 0 && (consumer.slots?.take(1) ?? 1) === 1) {
      this.run(queue.shift()!, consumer);
    }
  }

  private run(job: InlineJob, consumer: Consumer): void {
    // Same rule as pg-boss: the count goes up when a job that has run before starts again.
    if (job.startedAt) job.retryCount += 1;
    job.state = 'active';
    job.startedAt = new Date();
    consumer.active += 1;

    const seconds = job.options.expireInSeconds;
    const attempt = startAttempt(
      consumer.handler,
      { id: job.id, name: job.name, data: jsonCopy(job.data), retryCount: job.retryCount },
      { ms: seconds * 1000, seconds },
    );
    const recorded = attempt.outcome.then((outcome) => {
      this.attempts.delete(attempt);
      consumer.active -= 1;
      switch (outcome.kind) {
        case 'completed':
          job.output = outcome.output;
          job.error = undefined;
          this.finish(job, 'completed');
          break;
        case 'failed':
          this.fail(job, outcome.error);
          break;
        case 'abandoned':
          break;
      }
      consumer.slots?.release();
      this.pump(job.name);
    });
    this.attempts.set(attempt, recorded);
  }

  private fail(job: InlineJob, error: string): void {
    job.error = error;
    if (job.retryCount >= job.options.retryLimit) {
      this.finish(job, 'failed');
      return;
    }
    job.state = 'retry';
    // unref: a pending retry must not keep the process alive (it is lost on exit anyway).
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.enqueue(job);
    }, retryDelayMs(job)).unref();
    this.retryTimers.add(timer);
  }

  private finish(job: InlineJob, state: 'completed' | 'failed'): void {
    job.state = state;
    job.completedAt = new Date();
    const key = job.options.singletonKey;
    if (key !== undefined) this.singletons.delete(singletonId(job.name, key));

    this.finished.push(job.id);
    const keep = this.options.keepFinished ?? 10_000;
    while (this.finished.length > keep) this.jobs.delete(this.finished.shift()!);
  }
}

function singletonId(name: string, key: string): string {
  return `${name}\u0000${key}`;
}

/** pg-boss's formula, so both drivers space retries alike. */
function retryDelayMs(job: InlineJob): number {
  const { retryDelaySeconds, retryBackoff } = job.options;
  if (!retryBackoff) return retryDelaySeconds * 1000;
  // delay * 2^n / 2, plus up to as much again at random (jitter), n capped at 16.
  const step = (Math.max(retryDelaySeconds, 1) * 2 ** Math.min(16, job.retryCount + 1)) / 2;
  return (step + step * Math.random()) * 1000;
}
