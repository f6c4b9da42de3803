import { Logger } from '@nestjs/common';
import pg from 'pg';
import { PgBoss, type JobWithMetadata, type SendOptions as PgBossSendOptions } from 'pg-boss';
import type { AppConfig } from '../../config/app-config.js';
import { settledWithin, startAttempt, type Attempt, type AttemptOutcome } from './attempt.js';
import {
  DEFAULT_STOP_TIMEOUT_MS,
  JobQueue,
  assertConcurrency,
  resolveSendOptions,
  type JobHandler,
  type JobSnapshot,
  type JobState,
  type SendOptions,
  type SlotGroup,
  type StopOptions,
  type WorkOptions,
} from './job-queue.js';

export interface PgBossTuning {
  /** How often an idle consumer asks for jobs (default 1 s). Local sends wake it at once. */
  pollingIntervalSeconds?: number;
  /**
   * How often expired leases are looked for (default 30 s; pg-boss's own default is 120 s).
   * A job whose process died comes back after its lease plus up to this interval.
   */
  maintenanceIntervalSeconds?: number;
  stopTimeoutMs?: number;
}

const SCHEMA = 'pgboss';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATES: Record<JobWithMetadata['state'], JobState> = {
  created: 'queued',
  retry: 'retry',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** Where start() moves a pg-boss 10 schema (version 24) before pg-boss 12 installs its own; see migrateFromV10. */
const V10_SCHEMA = `${SCHEMA}_v10`;
/** One lock for creating queues and for moving the jobs of a pg-boss 10 schema (both call create_queue()). */
const QUEUE_LOCK = `hashtext('tenderdesk.${SCHEMA}.create_queue')`;

/**
 * pg-boss 12 on the configured PostgreSQL, schema `pgboss`. Jobs are rows, so they survive restarts;
 * a job whose process died is failed by pg-boss's maintenance once its lease (expire_seconds) is over,
 * and then retried like any failed attempt.
 *
 * Consumers are our own fetch loop rather than pg-boss's work(): the job queue's contract has per-process
 * concurrency shared between queues (SlotGroup) and a stop() that leaves running jobs to their lease.
 * complete() and fail() name the attempt ({ id, retryCount }), so a late result of an attempt whose lease
 * expired changes nothing once another process runs the retry.
 */
export class PgBossJobQueue extends JobQueue {
  readonly kind = 'pgboss' as const;

  private readonly logger = new Logger('PgBossJobQueue');
  private readonly boss: PgBoss;
  private readonly databaseUrl: string;
  private readonly pollingMs: number;
  private readonly stopTimeoutMs: number;
  private state: 'idle' | 'started' | 'stopping' | 'stopped' = 'idle';
  /** createQueue() once per name and process; pg-boss 10 refuses jobs for unknown queues. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly consumers = new Map<string, Consumer>();
  /** Set by drain(): no consumer takes jobs any more. */
  private draining: Promise<void> | undefined;

  constructor(config: AppConfig, tuning: PgBossTuning = {}) {
    super();
    if (config.database.kind !== 'postgres') {
      throw new Error('the pgboss queue driver needs DATABASE_URL (a PostgreSQL server)');
    }
    this.databaseUrl = config.database.url;
    this.pollingMs = (tuning.pollingIntervalSeconds ?? 1) * 1000;
    this.stopTimeoutMs = tuning.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    this.boss = new PgBoss({
      connectionString: config.database.url,
      schema: SCHEMA,
      max: config.database.poolSize,
      application_name: 'tenderdesk-queue',
      // No cron schedules here: this spares a polling worker and a clock-skew timer.
      schedule: false,
      supervise: true,
      // pg-boss 12 expires leases in its monitor pass, which runs as often as the longer of these two (60 s each
      // by default); its maintenanceIntervalSeconds only deletes old jobs now.
      superviseIntervalSeconds: tuning.maintenanceIntervalSeconds ?? 30,
      monitorIntervalSeconds: tuning.maintenanceIntervalSeconds ?? 30,
    });
    // Without a listener an 'error' event would throw and end the process.
    this.boss.on('error', (error: Error) => this.logger.error(`pg-boss: ${error.message}`, error.stack));
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`PgBossJobQueue cannot start: it is ${this.state}`);
    await this.moveAsideV10Schema();
    await this.boss.start();
    await this.migrateFromV10();
    await this.ensureSingletonIndex();
    this.state = 'started';
  }

  async stop(options: StopOptions = {}): Promise<void> {
    if (this.state !== 'started') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    await this.drain(options);
    // graceful: false, because no pg-boss worker of ours can be busy (we never call boss.work()).
    await this.boss.stop({ graceful: false, close: true });
    this.state = 'stopped';
  }

  async ping(): Promise<void> {
    if (this.state !== 'started' || this.draining)
      throw new Error(`the pg-boss queue is ${this.draining ? 'draining' : this.state}`);
    await this.boss.getDb().executeSql('SELECT 1', []);
  }

  drain(options: StopOptions = {}): Promise<void> {
    this.draining ??= this.stopConsumers(options.timeoutMs ?? this.stopTimeoutMs);
    return this.draining;
  }

  private async stopConsumers(timeoutMs: number): Promise<void> {
    const consumers = [...this.consumers.values()];
    await Promise.all(consumers.map((c) => c.stopFetching()));

    const allFinished = await settledWithin(
      consumers.flatMap((c) => c.running()),
      timeoutMs,
    );
    if (!allFinished) {
      // Their jobs stay active in the database; the lease brings them back (possibly elsewhere).
      const count = consumers.reduce((n, c) => n + c.running().length, 0);
      this.logger.warn(`stopped with ${count} handler(s) still running; their jobs return when the lease ends`);
      for (const consumer of consumers) consumer.abandon();
    }
  }

  async send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string> {
    this.assertStarted();
    const resolved = resolveSendOptions(options);
    await this.ensureQueue(name);
    const jobOptions: PgBossSendOptions = {
      retryLimit: resolved.retryLimit,
      retryDelay: resolved.retryDelaySeconds,
      retryBackoff: resolved.retryBackoff,
      expireInSeconds: resolved.expireInSeconds,
      singletonKey: resolved.singletonKey,
    };
    // A conflict on the singleton index makes pg-boss return null; then the holder's id is the
    // answer. If the holder finished in between, there is no conflict any more: insert again.
    for (let round = 0; round < 3; round++) {
      const id = await this.boss.send(name, data, jobOptions);
      if (id) {
        this.consumers.get(name)?.wake();
        return id;
      }
      if (resolved.singletonKey === undefined) break;
      const holder = await this.findSingletonHolder(name, resolved.singletonKey);
      if (holder) return holder;
    }
    throw new Error(`pg-boss created no job in queue ${name}`);
  }

  async work<T>(name: string, options: WorkOptions, handler: JobHandler<T>): Promise<void> {
    this.assertStarted();
    assertConcurrency(options.concurrency);
    if (this.draining) throw new Error('PgBossJobQueue is draining: it takes no more consumers');
    if (this.consumers.has(name)) throw new Error(`queue ${name} already has a consumer in this process`);
    await this.ensureQueue(name);
    const consumer = new Consumer(
      this.boss,
      this.logger,
      name,
      options.concurrency,
      handler as JobHandler<unknown>,
      this.pollingMs,
      options.slots,
    );
    this.consumers.set(name, consumer);
    consumer.start();
  }

  async getJob(name: string, id: string): Promise<JobSnapshot | null> {
    this.assertStarted();
    // The id column is a uuid: anything else cannot exist, and would make PostgreSQL raise.
    if (!UUID.test(id)) return null;
    // Finished jobs stay in pgboss.job until their deletion time (7 days by default): pg-boss 12 has no archive.
    const [job] = await this.boss.findJobs<unknown>(name, { id }).catch((error: unknown) => {
      // A queue nobody created yet holds no job.
      if ((error as { code?: unknown }).code === 'PGBOSS_QUEUE_NOT_FOUND') return [];
      throw error;
    });
    if (!job) return null;
    const state = STATES[job.state];
    const output = job.output as Record<string, unknown> | null;
    return {
      id: job.id,
      name: job.name,
      state,
      data: job.data,
      output: state === 'completed' ? output?.value : undefined,
      error: state === 'retry' || state === 'failed' ? failureMessage(output) : undefined,
      retryCount: job.retryCount,
      createdAt: job.createdOn,
      startedAt: job.startedOn ?? undefined,
      completedAt: job.completedOn ?? undefined,
    };
  }

  private assertStarted(): void {
    if (this.state !== 'started') throw new Error(`PgBossJobQueue is ${this.state}`);
  }

  private ensureQueue(name: string): Promise<void> {
    let created = this.queues.get(name);
    if (!created) {
      created = this.createQueue(name);
      this.queues.set(name, created);
      // Forget a failure so that the next call tries again.
      created.catch(() => this.queues.delete(name));
    }
    return created;
  }

  /**
   * pg-boss's create_queue() inserts the queue's row and attaches its partition to pgboss.job; two processes creating
   * queues at once (workers starting together) deadlock on that, and PostgreSQL aborts one with 40P01 (a worker
   * exited on it in CI; retrying alone did not end it under contention). The same call, made after an advisory lock
   * that the statement's own transaction holds until it ends, creates queues one at a time across processes. The
   * options are those of boss.createQueue(name, { policy: 'standard' }).
   */
  private async createQueue(name: string): Promise<void> {
    await this.boss.getDb().executeSql(
      `SELECT ${SCHEMA}.create_queue($1, $2::jsonb)
         FROM (SELECT pg_advisory_xact_lock(${QUEUE_LOCK})) AS serialised`,
      [name, { policy: 'standard' }],
    );
  }

  /**
   * pg-boss's policies do not give "one queued-or-active job per key, any number of jobs without a key"
   * (standard ignores the key; short allows one queued beside an active one; singleton one active beside
   * queued ones; stately one per state; exclusive treats every job without a key as the same key ''). A
   * partial unique index on the parent job table does, for every queue partition, present and future;
   * pg-boss's INSERT ... ON CONFLICT DO NOTHING then creates nothing.
   */
  private async ensureSingletonIndex(): Promise<void> {
    await this.boss.getDb().executeSql(
      `DO $$
      BEGIN
        -- Serialises concurrent starts: CREATE INDEX IF NOT EXISTS is not safe against itself.
        PERFORM pg_advisory_xact_lock(hashtext('tenderdesk.${SCHEMA}.job_singleton'));
        CREATE UNIQUE INDEX IF NOT EXISTS tenderdesk_job_singleton ON ${SCHEMA}.job (name, singleton_key)
          WHERE singleton_key IS NOT NULL AND state IN ('created', 'retry', 'active');
      END
      $$`,
      [],
    );
  }

  /**
   * pg-boss 12 cannot migrate a pg-boss 10 schema (version 24; its chain starts at 11's version 25). Before
   * pg-boss starts, a schema `pgboss` at a version below 25 is renamed to `pgboss_v10`, so pg-boss installs a
   * fresh one; migrateFromV10 then moves the jobs over. Under the queue lock, so that of several processes
   * starting together exactly one renames (the others find the new schema, or none yet and wait on pg-boss's
   * own install lock).
   */
  private async moveAsideV10Schema(): Promise<void> {
    // Its own connection: pg-boss's pool opens in start().
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'tenderdesk-queue' });
    await client.connect();
    let moved = false;
    try {
      await client.query(
        `DO $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${QUEUE_LOCK});
        -- Nested: the version table is only read when it exists.
        IF to_regclass('${SCHEMA}.version') IS NOT NULL AND to_regnamespace('${V10_SCHEMA}') IS NULL THEN
          IF (SELECT max(version) FROM ${SCHEMA}.version) < 25 THEN
            ALTER SCHEMA ${SCHEMA} RENAME TO ${V10_SCHEMA};
          END IF;
        END IF;
      END
      $$`,
      );
      const { rows } = await client.query<{ moved: boolean }>(
        `SELECT to_regnamespace('${V10_SCHEMA}') IS NOT NULL AS moved`,
      );
      moved = rows[0]?.moved === true;
    } finally {
      await client.end();
    }
    if (moved) {
      this.logger.log(
        `pg-boss 10 schema found: renamed to ${V10_SCHEMA}; its jobs move to pg-boss 12's schema at start`,
      );
    }
  }

  /**
   * Moves every job of a pg-boss 10 schema (queued, retrying, active, finished and archived) into pg-boss 12's
   * tables, keeping ids, data, retry counts and results, so that GET /api/jobs/:id still answers for them and
   * queued work runs. Jobs that were active (their process stopped for the upgrade) are retried at once. Then `pgboss_v10` is dropped, in the same transaction: all or nothing.
   */
  private async migrateFromV10(): Promise<void> {
    const columns = `id, name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff, start_after,
      started_on, singleton_key, expire_in, created_on, completed_on, keep_until, output`;
    await this.boss.getDb().executeSql(
      `DO $$
      DECLARE
        queue_name text;
        moved int;
      BEGIN
        PERFORM pg_advisory_xact_lock(${QUEUE_LOCK});
        IF to_regnamespace('${V10_SCHEMA}') IS NULL THEN
          RETURN;
        END IF;
        CREATE TEMP TABLE tenderdesk_v10_jobs ON COMMIT DROP AS
          SELECT ${columns} FROM ${V10_SCHEMA}.job
          UNION ALL
          SELECT ${columns} FROM ${V10_SCHEMA}.archive a
           WHERE NOT EXISTS (SELECT 1 FROM ${V10_SCHEMA}.job j WHERE j.name = a.name AND j.id = a.id);
        FOR queue_name IN SELECT DISTINCT name FROM tenderdesk_v10_jobs LOOP
          PERFORM ${SCHEMA}.create_queue(queue_name, '{"policy":"standard"}'::jsonb);
        END LOOP;
        INSERT INTO ${SCHEMA}.job (id, name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff,
                                   start_after, started_on, singleton_key, expire_seconds, created_on, completed_on,
                                   keep_until, output, policy)
        SELECT id, name, priority, data,
               CASE WHEN state::text = 'active' THEN 'retry' ELSE state::text END::${SCHEMA}.job_state,
               retry_limit, retry_count, retry_delay, retry_backoff,
               CASE WHEN state::text = 'active' THEN now() ELSE start_after END,
               started_on,
               singleton_key, GREATEST(1, EXTRACT(epoch FROM expire_in)::int), created_on, completed_on,
               GREATEST(keep_until, now() + interval '1 day'), output, 'standard'
          FROM tenderdesk_v10_jobs
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS moved = ROW_COUNT;
        RAISE NOTICE 'tenderdesk: % job(s) moved from ${V10_SCHEMA}', moved;
        DROP SCHEMA ${V10_SCHEMA} CASCADE;
      END
      $$`,
    );
  }

  private async findSingletonHolder(name: string, key: string): Promise<string | undefined> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT id FROM ${SCHEMA}.job
       WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry', 'active')`,
      [name, key],
    );
    return (rows[0] as { id: string } | undefined)?.id;
  }
}

/** pg-boss stores the fail() payload as output; its own failures use other shapes. */
function failureMessage(output: Record<string, unknown> | null): string | undefined {
  if (!output) return undefined;
  if (typeof output.message === 'string') return output.message; // ours: { message }
  const value = output.value as unknown;
  if (typeof value === 'string') return value; // 'pg-boss shut down while active'
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    return (value as { message: string }).message; // lease expired in maintenance
  }
  return JSON.stringify(output);
}

/** One queue's consumer in this process: a fetch loop that keeps up to `concurrency` handlers busy. */
class Consumer {
  private readonly attempts = new Map<Attempt, Promise<void>>();
  private fetching = true;
  private loop: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | undefined;
  private wakePending = false;
  private unsubscribe: (() => void) | undefined;
  /**
   * Set when a slot was released (a job of the group ended) or given back to this consumer after it was turned away:
   * the next fetch is part of that contest for the slots, and if it is turned away again it asks to be woken when
   * slots come back. Fetches on the polling timer never ask, so idle consumers do not keep waking each other.
   */
  private contending = false;
  /** The last fetch got fewer jobs than it asked for: the queue was empty then (see start()). */
  private drained = false;
  /** One function per consumer, so that the slot group keeps it once however often this consumer is turned away. */
  private readonly wakeOnFree = () => {
    this.contending = true;
    this.wake();
  };

  constructor(
    private readonly boss: PgBoss,
    private readonly logger: Logger,
    private readonly name: string,
    private readonly concurrency: number,
    private readonly handler: JobHandler<unknown>,
    private readonly pollingMs: number,
    private readonly slots?: SlotGroup,
  ) {}

  start(): void {
    // Another queue of the group finished a job: a shared slot may be free for this one. Not for a consumer whose last
    // fetch found its queue empty: it would only ask again for nothing (a statement run's every item woke each idle
    // printing queue: four empty fetches per statement). It polls, and a send from this process wakes it.
    this.unsubscribe = this.slots?.onRelease(() => {
      if (this.drained) return;
      this.contending = true;
      this.wake();
    });
    this.loop = this.run();
  }

  /** Fetch now instead of at the next poll (a slot freed up, or a job was sent from here). */
  wake(): void {
    this.drained = false;
    this.wakePending = true;
    this.wakeUp?.();
  }

  async stopFetching(): Promise<void> {
    this.fetching = false;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
  }

  running(): Promise<void>[] {
    return [...this.attempts.values()];
  }

  abandon(): void {
    for (const attempt of this.attempts.keys()) attempt.abandon();
  }

  private async run(): Promise<void> {
    while (this.fetching) {
      this.wakePending = false;
      const own = this.concurrency - this.attempts.size;
      // Shared slots are taken before fetching (another queue may want them meanwhile); unused ones go back.
      const contending = this.contending;
      this.contending = false;
      const free = this.slots ? this.slots.take(own, contending ? this.wakeOnFree : undefined) : own;
      if (free > 0) {
        let started = 0;
        try {
          const jobs = await this.boss.fetch<unknown>(this.name, { batchSize: free, includeMetadata: true });
          this.drained = jobs.length < free;
          // Jobs fetched while stop() began are active in the database now: run them, stop() waits.
          for (const job of jobs) {
            this.runJob(job);
            started++;
          }
        } catch (error) {
          this.logger.error(`fetch from ${this.name} failed: ${(error as Error).message}`);
        } finally {
          this.slots?.giveBack(free - started);
        }
      }
      await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    if (this.wakePending || !this.fetching) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), this.pollingMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }

  private runJob(job: JobWithMetadata<unknown>): void {
    // Give up a little before the database's deadline, so that our fail() lands while the attempt is
    // still ours (once maintenance has expired the lease, pg-boss ignores this attempt's result).
    const seconds = Number(job.expireInSeconds); // EXTRACT(epoch ...) arrives as a numeric string
    const ms = seconds * 1000 - Math.min(1000, seconds * 100);
    const attempt = startAttempt(
      this.handler,
      { id: job.id, name: job.name, data: job.data, retryCount: job.retryCount },
      { ms, seconds },
    );
    const recorded = attempt.outcome
      .then((outcome) => this.record({ id: job.id, retryCount: job.retryCount }, outcome))
      .finally(() => {
        this.attempts.delete(attempt);
        if (this.slots) this.slots.release();
        else this.wake();
      });
    this.attempts.set(attempt, recorded);
  }

  private async record(attempt: { id: string; retryCount: number }, outcome: AttemptOutcome): Promise<void> {
    const id = attempt.id;
    try {
      switch (outcome.kind) {
        case 'completed':
          // Wrapped, because pg-boss would wrap non-objects itself ({ value }) but not objects.
          await this.boss.complete(this.name, attempt, { value: outcome.output });
          break;
        case 'failed':
          await this.boss.fail(this.name, attempt, { message: outcome.error });
          break;
        case 'abandoned':
          break;
      }
    } catch (error) {
      // The job stays active; its lease will bring it back.
      this.logger.error(`could not record ${outcome.kind} for job ${id} in ${this.name}: ${(error as Error).message}`);
    }
  }
}
