import { HttpStatus, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { StatementRunError } from './statement-runs.errors.js';
import { StatementError, StatementsService, type StatementResponseStatus } from '../statements/index.js';
import type { Page } from '../../common/pagination.js';
import { todayIso, type DateOnly } from '../../common/tabular/date-only.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { WorkLock } from '../../database/work-lock.js';
import { Metrics } from '../../observability/metrics.js';
import type { Locale } from '../../rendering/rendering.types.js';
import { AuditService, SYSTEM_ACTOR } from '../audit/index.js';
import { type AuthUser, OwnershipService } from '../auth/index.js';
import { JobsService, type JobProgress } from '../jobs/index.js';
import { ReceivablesService } from '../receivables/index.js';
import type { RunItemStatus, RunStatus, RunTrigger, StatementRun } from './statement-run.entity.js';
import { monthlyRunDue } from './statement-run.schedule.js';
import { foldCounts, progressOf, type ItemCounts, type RunCounts } from './statement-run.view.js';
import { StatementRunsRepository, type ItemData } from './statement-runs.repository.js';
import { StatementRunReadModel, type RunItemReportRow } from '../read-models/index.js';

export const PLAN_JOB = 'statement-run.plan';
export const ITEM_JOB = 'statement-run.item';
/** Retries of a statement's render after the first attempt; the last failure marks the item failed. */
export const ITEM_RETRY_LIMIT = 3;
const PLAN_RETRY_LIMIT = 3;
/** A run still queued without its plan job this long after it was made is planned again by the scheduler. */
const STRANDED_AFTER_SECONDS = 600;

type Actor = Pick<AuthUser, 'id' | 'name'>;
type RunActor = Actor | typeof SYSTEM_ACTOR;

interface PlanPayload extends Record<string, unknown> {
  runId: string;
  locale: Locale | null;
}
interface ItemPayload extends Record<string, unknown> {
  runId: string;
  itemId: string;
  locale: Locale | null;
}

export interface StatementRunSummary {
  id: string;
  period: { from: DateOnly | null; to: DateOnly };
  trigger: RunTrigger;
  status: RunStatus;
  /** Customers in the run (0 until they are listed). */
  total: number;
  /** Each item in exactly one: pending (to render), rendered (mail not sent yet), sent, failed (render or mail), skipped. */
  counts: ItemCounts;
  /** Statements issued so far (rendered, sent, or whose mail failed). */
  statementsIssued: number;
  /** 0..100: items sent, failed, skipped, or rendered with no mail on its way. */
  progress: number;
  /** The plan job (GET /api/jobs/{id} for its creator or a manager). */
  jobId: string | null;
  error: string | null;
  createdAt: Date;
  createdBy: { id: string | null; name: string };
  finishedAt: Date | null;
}

export type StatementRunItemView = RunItemReportRow<RunItemStatus, StatementResponseStatus>;

export interface StatementRunView extends StatementRunSummary {
  items: Page<StatementRunItemView>;
}

/**
 * Monthly statement runs (月度对账): every customer with a balance or activity in the period gets a statement rendered
 * and mailed to their billing contact. Planned by the `statement-run.plan` job (one item per customer; customers with
 * no billing e-mail are listed as skipped with the reason), rendered by one `statement-run.item` job per customer,
 * mailed through the outbox (retried with backoff while the SMTP server is down, once per statement and address).
 *
 * Item status as stored: pending -> rendered | failed, or skipped. "sent" and mail failures are not stored on the item:
 * the report reads them from the outbox message, so a message retried by hand shows its new state. The run is
 * completed (status and finishedAt stored) by whichever read or item job first sees no item pending and no message
 * queued or being sent.
 */
@Injectable()
export class StatementRunsService implements OnModuleInit {
  private readonly logger = new Logger('StatementRuns');

  constructor(
    private readonly runs: StatementRunsRepository,
    private readonly reads: StatementRunReadModel,
    private readonly statements: StatementsService,
    private readonly receivables: ReceivablesService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionRunner,
    private readonly lock: WorkLock,
    private readonly config: AppConfig,
    private readonly ownership: OwnershipService,
    metrics: Metrics,
  ) {
    metrics.gauge(
      'tenderdesk_statement_run_progress_percent',
      'Statement runs not finished (queued, running): percent done, as GET /api/statement-runs/{id} reports it',
      ['run'],
      async () => (await this.unfinishedProgress()).map((r) => ({ labels: { run: r.id }, value: r.progress })),
    );
    metrics.gauge(
      'tenderdesk_statement_run_items',
      'Items of the statement runs not finished, by status (pending, rendered, sent, failed, skipped)',
      ['run', 'status'],
      async () =>
        (await this.unfinishedProgress()).flatMap((r) =>
          Object.entries(r.counts).map(([status, value]) => ({ labels: { run: r.id, status }, value })),
        ),
    );
  }

  /** The runs not finished yet with their item counts and progress (metrics). */
  private async unfinishedProgress(): Promise<{ id: string; progress: number; counts: ItemCounts }[]> {
    const runs = await this.runs.unfinished();
    const counts = await this.counts(runs.map((r) => r.id));
    return runs.map((run) => {
      const c = counts.get(run.id)!;
      return { id: run.id, counts: c.counts, progress: progressOf(run.status, run.total, c.counts, c.mailInFlight) };
    });
  }

  private async counts(runIds: string[]): Promise<Map<string, RunCounts>> {
    return foldCounts(runIds, await this.reads.counts(runIds));
  }

  onModuleInit(): void {
    // Both are owed once the run has committed: never refused for a full queue.
    this.jobs.register<PlanPayload>(PLAN_JOB, (payload, ctx) => this.plan(payload, ctx), {
      kind: 'other',
      bounded: false,
      retryLimit: PLAN_RETRY_LIMIT,
      retryDelaySeconds: 5,
      retryBackoff: true,
    });
    this.jobs.register<ItemPayload>(ITEM_JOB, (payload, ctx) => this.renderItem(payload, ctx), {
      // Not `render`: an item holding one of the pool's RENDER_CONCURRENCY slots for its whole time left Chromium
      // idle while it read the ledger, built the DOCX, signed and stored (1.15 of 2 cores busy in a run). Its print
      // waits for a tab in the browser pool instead, a few at most (STATEMENT_RUN_CONCURRENCY).
      kind: 'other',
      concurrency: this.config.statements.runConcurrency,
      bounded: false,
      retryLimit: ITEM_RETRY_LIMIT,
      retryDelaySeconds: 5,
      retryBackoff: true,
    });
  }

  // ---- start ----

  /** A run by hand (any number per period). 422 STATEMENT_PERIOD_INVALID. */
  async start(actor: Actor, request: { from?: DateOnly; to: DateOnly; locale?: Locale }): Promise<StatementRunView> {
    const from = request.from ?? null;
    checkPeriod(from, request.to);
    const run = await this.tx.run(async () => {
      const created = await this.runs.createRun(newRun(actor, from, request.to, 'manual'));
      await this.audit.record({
        actor,
        action: 'statement-run.start',
        entityType: 'statement_run',
        entityId: created.id,
        details: { trigger: 'manual', from, to: request.to, locale: request.locale ?? null },
      });
      await this.tx.afterCommit(() => this.enqueuePlan(created, request.locale ?? null));
      return created;
    });
    return this.view(run.id);
  }

  /**
   * The monthly run, if one is due on `today` (STATEMENT_RUN_DAY; the previous calendar month) and not made yet. A
   * second process making it at the same time is refused by the unique index (one monthly run per period end): it
   * gets null, as does a day before the run day or a service without STATEMENT_RUN_DAY.
   */
  async startMonthly(today: DateOnly = todayIso()): Promise<StatementRun | null> {
    const runDay = this.config.statements.runDay;
    if (runDay === undefined) return null;
    const period = monthlyRunDue(today, runDay);
    if (!period || (await this.runs.monthlyRun(period.to))) return null;
    return this.createMonthly(period.from, period.to);
  }

  /** The monthly run of a period, unless it exists: null then. */
  async createMonthly(from: DateOnly, to: DateOnly): Promise<StatementRun | null> {
    return this.tx.run(async () => {
      const run = await this.runs.insertMonthlyRun(newRun(SYSTEM_ACTOR, from, to, 'monthly'));
      if (!run) return null;
      await this.audit.record({
        actor: SYSTEM_ACTOR,
        action: 'statement-run.start',
        entityType: 'statement_run',
        entityId: run.id,
        details: { trigger: 'monthly', from, to },
      });
      await this.tx.afterCommit(() => this.enqueuePlan(run, null));
      this.logger.log(`monthly statement run ${run.id} for ${from}..${to} started`);
      return run;
    });
  }

  /** Runs whose plan job was never queued (the process stopped between the commit and the queueing): queued now. */
  async planStranded(): Promise<number> {
    const stranded = await this.runs.strandedRuns(STRANDED_AFTER_SECONDS);
    for (const run of stranded) await this.enqueuePlan(run, null);
    return stranded.length;
  }

  private async enqueuePlan(run: StatementRun, locale: Locale | null): Promise<void> {
    const job = await this.jobs.enqueue(PLAN_JOB, { runId: run.id, locale }, jobOwner(run));
    await this.runs.updateRun(run.id, { jobId: job.id });
  }

  // ---- plan ----

  /**
   * Lists the customers, writes one item per customer (a retried plan adds none twice), skips those without a billing
   * e-mail (saying so), then queues one render job per pending item. On its last attempt a failure fails the run.
   */
  private async plan({ runId, locale }: PlanPayload, ctx: JobProgress): Promise<Record<string, unknown>> {
    const run = await this.runs.findRun(runId);
    if (!run) return { skipped: 'no such run' };
    if (run.status === 'completed' || run.status === 'failed') return { skipped: `run ${run.status}` };
    try {
      const customers = await this.receivables.customersForStatements(run.periodFrom, run.periodTo);
      const emails = await this.reads.billingEmails(customers.map((c) => c.id));
      const items: ItemData[] = customers.map((c) => {
        const email = emails.get(c.id) ?? null;
        return {
          runId,
          customerId: c.id,
          customerName: c.name.slice(0, 200),
          status: email ? 'pending' : 'skipped',
          email,
          reason: email ? null : `NO_BILLING_EMAIL: ${c.name} has no billing contact with an e-mail`,
        };
      });
      await this.tx.run(async () => {
        await this.runs.insertItems(items);
        const total = await this.runs.countItems(runId);
        await this.runs.updateRun(runId, { total, status: 'running' });
      });
      await ctx.progress(10);
      // After the commit: every item a job reads exists. A retried plan queues the pending ones again; a second job
      // for an item finds its statement and does nothing (see renderItem).
      const pending = await this.runs.pendingItemIds(runId);
      for (const [n, itemId] of pending.entries()) {
        await this.jobs.enqueue(ITEM_JOB, { runId, itemId, locale }, jobOwner(run));
        if (n % 50 === 49) await ctx.progress(10 + (90 * (n + 1)) / pending.length);
      }
      await this.runs.completeIfDone(runId);
      return { customers: customers.length, queued: pending.length, skipped: items.length - pending.length };
    } catch (err) {
      if (ctx.attempt < PLAN_RETRY_LIMIT + 1) throw err;
      const message = err instanceof Error ? err.message : String(err);
      await this.runs.updateRun(runId, { status: 'failed', error: message, finishedAt: new Date() });
      this.logger.error(`statement run ${runId} failed: ${message}`);
      return { status: 'failed', error: message };
    }
  }

  // ---- one customer ----

  /**
   * Issues the customer's statement (rendered, stored, its mail written in the same transaction) and records it on
   * the item. An item with a statement is left alone. A transient failure is retried; the last attempt, or a failure
   * that no retry can mend (a 4xx AppException), marks the item failed with the error.
   */
  private async renderItem({ runId, itemId, locale }: ItemPayload, ctx: JobProgress): Promise<Record<string, unknown>> {
    let outcome: Record<string, unknown>;
    try {
      // Two jobs for one item (a plan queued them twice) run one after the other; the second finds the first's statement.
      outcome = await this.lock.run(`statement-run-item:${itemId}`, async (): Promise<Record<string, unknown>> => {
        const [item, run] = await Promise.all([this.runs.findItem(itemId), this.runs.findRun(runId)]);
        if (!item || !run) return { skipped: 'no such item' };
        if (item.statementId || item.status !== 'pending')
          return { skipped: `item ${item.status}`, statementId: item.statementId };
        const issued =
          (await this.reads.statementOfRun(runId, item.customerId)) ??
          (await this.issue(run, item.customerId, item.email, locale, ctx.jobId));
        await this.runs.updateItem(itemId, { status: 'rendered', reason: null, ...issued });
        return { status: 'rendered', ...issued };
      });
    } catch (err) {
      // Any failure, the lock's included: an item left pending by a job that gave up would hold the run open forever.
      const permanent = err instanceof AppException && err.status < 500 && err.status !== HttpStatus.TOO_MANY_REQUESTS;
      if (!permanent && ctx.attempt < ITEM_RETRY_LIMIT + 1) throw err;
      const reason =
        err instanceof AppException
          ? `${err.code}: ${err.message}`
          : `RENDER_FAILED: ${err instanceof Error ? err.message : String(err)}`;
      // Only a pending item: a second job for it may have rendered it meanwhile.
      await this.runs.failPending(itemId, reason);
      this.logger.warn(`statement run ${runId}: item ${itemId} failed for good: ${reason}`);
      outcome = { status: 'failed', reason };
    }
    // A statement whose mail was just queued keeps the run open (its message is not sent yet): nothing to complete.
    // Whoever sees the last message sent completes it (the report's read, see summaries).
    if (!(outcome.status === 'rendered' && outcome.outboxMessageId)) await this.runs.completeIfDone(runId);
    return outcome;
  }

  private async issue(
    run: StatementRun,
    customerId: string,
    mailTo: string | null,
    locale: Locale | null,
    jobId: string,
  ): Promise<{ statementId: string; outboxMessageId: string | null }> {
    const { statementId, outboxMessageId } = await this.statements.issueRecord(runActor(run), customerId, {
      from: run.periodFrom,
      to: run.periodTo,
      runId: run.id,
      jobId,
      mailTo,
      ...(locale ? { locale } : {}),
    });
    return { statementId, outboxMessageId };
  }

  // ---- read ----

  /** A sales user sees the run's items of the customers they own only (auth/ownership.ts). */
  async get(
    id: string,
    query: { itemsPage?: number; itemsPageSize?: number; status?: RunItemStatus } = {},
    user?: Pick<AuthUser, 'id' | 'roles'>,
  ): Promise<StatementRunView> {
    return this.view(id, query, user ? await this.ownership.customerScope(user) : undefined);
  }

  async list(page: number, pageSize: number): Promise<Page<StatementRunSummary>> {
    const [runs, total] = await this.runs.listRuns(pageSize, (page - 1) * pageSize);
    const items = await this.summaries(runs);
    return { items, total, page, pageSize };
  }

  private async view(
    id: string,
    query: { itemsPage?: number; itemsPageSize?: number; status?: RunItemStatus } = {},
    customerIds?: string[],
  ): Promise<StatementRunView> {
    const run = await this.runs.findRun(id);
    if (!run) throw AppException.notFound(StatementRunError.STATEMENT_RUN_NOT_FOUND, `No statement run ${id}`, { id });
    const [summary] = await this.summaries([run]);
    const page = query.itemsPage ?? 1;
    const pageSize = query.itemsPageSize ?? 100;
    const [items, total] = await this.reads.items<RunItemStatus, StatementResponseStatus>(
      id,
      query.status,
      pageSize,
      (page - 1) * pageSize,
      customerIds,
    );
    return { ...summary, items: { items, total, page, pageSize } };
  }

  /**
   * Settles running runs first (links statements their jobs issued but did not record, fails items whose job died on
   * its last attempt, completes a run that is done: stored once seen), then counts their items.
   */
  private async summaries(runs: StatementRun[]): Promise<StatementRunSummary[]> {
    const fresh: StatementRun[] = [];
    for (const run of runs) {
      if (run.status !== 'running') {
        fresh.push(run);
        continue;
      }
      await this.runs.linkIssued(run.id);
      await this.runs.failItemsOfFailedJobs(run.id, ITEM_JOB);
      fresh.push((await this.runs.completeIfDone(run.id)) ? ((await this.runs.findRun(run.id)) ?? run) : run);
    }
    const counts = await this.counts(fresh.map((r) => r.id));
    return fresh.map((run) => {
      const c = counts.get(run.id)!;
      return {
        id: run.id,
        period: { from: run.periodFrom, to: run.periodTo },
        trigger: run.trigger,
        status: run.status,
        total: run.total,
        counts: c.counts,
        statementsIssued: c.issued,
        progress: progressOf(run.status, run.total, c.counts, c.mailInFlight),
        jobId: run.jobId,
        error: run.error,
        createdAt: run.createdAt,
        createdBy: { id: run.createdBy, name: run.createdByName },
        finishedAt: run.finishedAt,
      };
    });
  }
}

function checkPeriod(from: DateOnly | null, to: DateOnly): void {
  const today = todayIso();
  if (from !== null && from > to) {
    throw AppException.unprocessable(
      StatementError.STATEMENT_PERIOD_INVALID,
      `The period starts (${from}) after it ends (${to})`,
      {
        from,
        to,
      },
    );
  }
  if (to > today) {
    throw AppException.unprocessable(
      StatementError.STATEMENT_PERIOD_INVALID,
      `The period ends in the future (${to}; today is ${today})`,
      {
        to,
        today,
      },
    );
  }
}

function newRun(actor: RunActor, from: DateOnly | null, to: DateOnly, trigger: RunTrigger) {
  return {
    periodFrom: from,
    periodTo: to,
    trigger,
    status: 'queued' as const,
    total: 0,
    jobId: null,
    error: null,
    createdBy: actor.id,
    createdByName: actor.name,
    finishedAt: null,
  };
}

/** Who the run's jobs belong to (GET /api/jobs/{id}): its creator; nobody for a monthly run. */
function jobOwner(run: StatementRun): { id: string } | null {
  return run.createdBy ? { id: run.createdBy } : null;
}

/**
 * Who issues the run's statements: its creator, or the system for a monthly run. StatementsService's Actor type has a
 * non-null id; the system's is null (the statement's createdBy is then null, as the audit log's actorId).
 */
function runActor(run: StatementRun): Actor {
  return run.createdBy ? { id: run.createdBy, name: run.createdByName } : (SYSTEM_ACTOR as unknown as Actor);
}
