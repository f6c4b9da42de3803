import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: from a fast JSON answer to a whole tender package. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

export type Sample = { labels?: Record<string, string>; value: number };

/**
 * The process's Prometheus metrics (prom-client, a registry of its own per application): process defaults (CPU,
 * memory, event loop, GC) and Tenderdesk's own, all named `tenderdesk_*`. Instruments are observed where the work
 * happens (HTTP middleware, browser pool, jobs, mailer); values that live in the database (outbox backlog, jobs
 * waiting, statement runs) are read at scrape time by `gauge()` collectors, registered by the modules that own them.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');

  readonly httpDuration = new Histogram({
    name: 'tenderdesk_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, from arrival to the last byte',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly renderDuration = new Histogram({
    name: 'tenderdesk_render_duration_seconds',
    help: 'PDF renders through the browser pool from the moment a slot was free, retry included (outcome: ok, failed)',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly renderQueueWait = new Histogram({
    name: 'tenderdesk_render_queue_wait_seconds',
    help: 'Time a render waited for a free browser slot (RENDER_CONCURRENCY)',
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });

  readonly jobs = new Counter({
    name: 'tenderdesk_jobs_total',
    help: 'Job attempts run by this process, by job type and state reached (started, succeeded, retrying, failed)',
    labelNames: ['type', 'state'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'tenderdesk_job_duration_seconds',
    help: 'Job attempts run by this process, by type and outcome (succeeded, failed)',
    labelNames: ['type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly jobQueueWait = new Histogram({
    name: 'tenderdesk_job_queue_wait_seconds',
    help: "Time from a job's creation to the start of its first attempt, by type",
    labelNames: ['type'] as const,
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });

  readonly mailDuration = new Histogram({
    name: 'tenderdesk_mail_send_duration_seconds',
    help: 'Mail handed to the SMTP server (or written to the .eml outbox), by outcome (sent, failed)',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tenderdesk_' });
  }

  /**
   * A gauge (or, with `counter`, a monotonic counter) whose samples `read` returns at each scrape. A failing read
   * (the database down) leaves it without samples for that scrape rather than failing the whole scrape.
   */
  gauge(
    name: string,
    help: string,
    labelNames: string[],
    read: () => Promise<Sample[]> | Sample[],
    counter = false,
  ): void {
    const logger = this.logger;
    const fill = async (metric: { reset(): void }, put: (s: Sample) => void) => {
      metric.reset();
      try {
        for (const sample of await read()) put(sample);
      } catch (err) {
        logger.warn(`${name}: not collected: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    if (counter) {
      new Counter({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          await fill(this, (s) => this.inc(s.labels ?? {}, s.value));
        },
      });
    } else {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          await fill(this, (s) => this.set(s.labels ?? {}, s.value));
        },
      });
    }
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
