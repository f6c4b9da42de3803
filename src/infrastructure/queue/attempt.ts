import { errorMessage, jsonCopy, leaseMessage, type JobContext, type JobHandler } from './job-queue.js';

export type AttemptOutcome =
  | { kind: 'completed'; output: unknown }
  | { kind: 'failed'; error: string }
  /** stop() gave up waiting: nothing is recorded, the lease brings the job back. */
  | { kind: 'abandoned' };

export interface Attempt {
  outcome: Promise<AttemptOutcome>;
  abandon(): void;
}

/**
 * Runs one attempt of a handler under its lease. Both drivers share this so that "slow handler",
 * "thrown error" and "output that is not JSON" mean the same thing everywhere.
 *
 * JavaScript cannot cancel the handler: after the lease or abandon() it keeps running, and
 * whatever it returns later is ignored.
 */
export function startAttempt<T>(
  handler: JobHandler<T>,
  job: JobContext<T>,
  lease: { ms: number; seconds: number },
): Attempt {
  let resolve!: (outcome: AttemptOutcome) => void;
  const outcome = new Promise<AttemptOutcome>((r) => (resolve = r));
  // unref: a lease timer alone must not keep a process alive.
  const timer = setTimeout(() => finish({ kind: 'failed', error: leaseMessage(lease.seconds) }), lease.ms).unref();
  // The first outcome wins; later calls are no-ops.
  function finish(result: AttemptOutcome): void {
    clearTimeout(timer);
    resolve(result);
  }

  // async wrapper: a handler that throws synchronously is a failed attempt too.
  (async () => handler(job))().then(
    (output) => {
      try {
        finish({ kind: 'completed', output: jsonCopy(output) });
      } catch (error) {
        finish({ kind: 'failed', error: `output is not JSON-serialisable: ${errorMessage(error)}` });
      }
    },
    (error: unknown) => finish({ kind: 'failed', error: errorMessage(error) }),
  );

  return { outcome, abandon: () => finish({ kind: 'abandoned' }) };
}

/** Resolves true when every promise settled within `ms`, false on timeout. */
export async function settledWithin(promises: Iterable<Promise<unknown>>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
