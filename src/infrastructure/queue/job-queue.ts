/**
 * The job engine port: delivery, retries with delay, leases, de-duplication.
 * Business status and progress live in the `jobs` table layer, not here; this port only knows
 * engine jobs, their attempts and their raw output.
 *
 * Data and outputs cross a JSON boundary in every driver (pg-boss keeps them in jsonb), so a
 * handler sees `JSON.parse(JSON.stringify(data))`, never the sender's object.
 */

export type JobState = 'queued' | 'active' | 'retry' | 'completed' | 'failed' | 'cancelled';

export interface SendOptions {
  /** Retries after the first attempt (default 2, so 3 attempts at most). */
  retryLimit?: number;
  /** Delay before a retry, whole seconds (default 5). */
  retryDelaySeconds?: number;
  /** Exponential backoff with jitter on top of retryDelaySeconds (pg-boss's formula). */
  retryBackoff?: boolean;
  /**
   * The lease: an active job not finished by then counts as a failed attempt and is retried,
   * whether its handler is slow or its process died (default 15 minutes, below 24 hours).
   */
  expireInSeconds?: number;
  /**
   * At most one queued, retrying or active job per (name, key). Sending while one exists
   * creates nothing and returns the existing job's id.
   */
  singletonKey?: string;
}

export interface JobContext<T> {
  id: string;
  name: string;
  data: T;
  /** 0 on the first attempt, n on the n-th retry. */
  retryCount: number;
}

export type JobHandler<T> = (job: JobContext<T>) => Promise<unknown>;

export interface WorkOptions {
  /** Handlers of this queue running at once in this process. */
  concurrency: number;
  /**
   * Slots shared with other queues' consumers in this process: a job is taken only when one is free.
   * Every job that prints shares the browser pool's size this way, whatever its queue.
   */
  slots?: SlotGroup;
}

/**
 * A per-process limit shared by several queues: the driver takes a slot before fetching a job and gives
 * it back when the attempt ends, so a job is only taken (and its lease only starts) when it can run now.
 */
export class SlotGroup {
  private used = 0;
  private readonly listeners = new Set<() => void>();
  private readonly denied = new Set<() => void>();

  constructor(readonly size: number) {
    assertConcurrency(size);
  }

  /** Takes up to `wanted` free slots; returns how many it took. Given none, `wakeWhenFree` is called once slots come back. */
  take(wanted: number, wakeWhenFree?: () => void): number {
    const taken = Math.max(0, Math.min(wanted, this.size - this.used));
    this.used += taken;
    // Only a consumer given nothing waits to be woken: one given some is fetching anyway (and two given half each
    // would otherwise wake each other after every fetch, holding the slots for ever).
    if (taken === 0 && wanted > 0 && wakeWhenFree) this.denied.add(wakeWhenFree);
    return taken;
  }

  /** An attempt ended: gives its slot back and tells every consumer sharing the group that it may fetch again. */
  release(): void {
    this.used = Math.max(0, this.used - 1);
    this.denied.clear(); // every consumer is told below
    for (const listener of this.listeners) listener();
  }

  /**
   * Slots taken but not used (the fetch found fewer jobs). Only the consumers turned away while these slots were
   * held (take() gave them none) are told, once each: without that, a queue with work waited for
   * its next poll while an empty queue's fetch held the slots. Consumers that were not turned away are not woken,
   * so idle consumers do not wake each other in a loop.
   */
  giveBack(count: number): void {
    this.used = Math.max(0, this.used - count);
    if (count > 0 && this.denied.size) {
      const waiting = [...this.denied];
      this.denied.clear();
      for (const wake of waiting) wake();
    }
  }

  /** Called whenever slots are released; returns the unsubscribe function. */
  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface StopOptions {
  /** How long to wait for running handlers; default is the driver's (30 s). */
  timeoutMs?: number;
}

export interface JobSnapshot {
  id: string;
  name: string;
  state: JobState;
  data: unknown;
  /** The handler's result once completed. */
  output?: unknown;
  /** The last failed attempt's message (states retry and failed). */
  error?: string;
  retryCount: number;
  createdAt: Date;
  /** Start of the latest attempt. */
  startedAt?: Date;
  completedAt?: Date;
}

/** Injection token and contract; drivers: PgBossJobQueue, InlineJobQueue. */
export abstract class JobQueue {
  abstract readonly kind: 'pgboss' | 'inline';

  abstract start(): Promise<void>;

  /**
   * Stops taking jobs, waits for running handlers up to the timeout, then stops. Handlers still
   * running after that are abandoned: their results are dropped and the lease brings the job back.
   */
  abstract stop(options?: StopOptions): Promise<void>;

  /**
   * The first half of stop(): stops taking jobs and waits for running handlers as stop() does, but sending
   * still works until stop(). For shutdown, ahead of the modules the handlers need (the browser pool): an
   * API process keeps enqueueing while it finishes its requests. Calling it again returns the same promise.
   */
  abstract drain(options?: StopOptions): Promise<void>;

  /** Returns the engine job id (the existing job's id when singletonKey de-duplicated). */
  abstract send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string>;

  /** Registers this process as a consumer of `name`; a thrown error is a failed attempt. */
  abstract work<T>(name: string, options: WorkOptions, handler: JobHandler<T>): Promise<void>;

  /** For readiness: resolves when jobs can be sent and taken now (started, not draining; pg-boss: its pool answers). */
  abstract ping(): Promise<void>;

  /** null when no job of that queue has that id (including ids that are not UUIDs). */
  abstract getJob(name: string, id: string): Promise<JobSnapshot | null>;
}

/** SendOptions with defaults applied; both drivers validate the same way. */
export interface ResolvedSendOptions {
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  expireInSeconds: number;
  singletonKey?: string;
}

export const SEND_DEFAULTS = {
  retryLimit: 2,
  retryDelaySeconds: 5,
  retryBackoff: false,
  expireInSeconds: 15 * 60,
} as const;

/** Default grace period for stop(). */
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;

// pg-boss refuses leases of 24 h or more; the inline driver keeps the same limit so that code
// tested on one driver does not break on the other.
const MAX_EXPIRE_SECONDS = 24 * 60 * 60 - 1;

export function resolveSendOptions(options: SendOptions = {}): ResolvedSendOptions {
  const resolved: ResolvedSendOptions = {
    retryLimit: options.retryLimit ?? SEND_DEFAULTS.retryLimit,
    retryDelaySeconds: options.retryDelaySeconds ?? SEND_DEFAULTS.retryDelaySeconds,
    retryBackoff: options.retryBackoff ?? SEND_DEFAULTS.retryBackoff,
    expireInSeconds: options.expireInSeconds ?? SEND_DEFAULTS.expireInSeconds,
    singletonKey: options.singletonKey,
  };
  if (!Number.isInteger(resolved.retryLimit) || resolved.retryLimit < 0) {
    throw new RangeError(`retryLimit must be an integer >= 0, got ${resolved.retryLimit}`);
  }
  if (!Number.isInteger(resolved.retryDelaySeconds) || resolved.retryDelaySeconds < 0) {
    throw new RangeError(`retryDelaySeconds must be an integer >= 0, got ${resolved.retryDelaySeconds}`);
  }
  if (
    !Number.isInteger(resolved.expireInSeconds) ||
    resolved.expireInSeconds < 1 ||
    resolved.expireInSeconds > MAX_EXPIRE_SECONDS
  ) {
    throw new RangeError(
      `expireInSeconds must be an integer in 1..${MAX_EXPIRE_SECONDS}, got ${resolved.expireInSeconds}`,
    );
  }
  if (resolved.singletonKey !== undefined && resolved.singletonKey === '') {
    throw new RangeError('singletonKey must not be empty');
  }
  return resolved;
}

export function assertConcurrency(concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  }
}

/** The message kept for a failed attempt, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** What a value looks like after a trip through jsonb. */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The error kept for an attempt that outlived its lease. */
export function leaseMessage(expireInSeconds: number): string {
  return `handler did not finish within its lease of ${expireInSeconds}s`;
}
