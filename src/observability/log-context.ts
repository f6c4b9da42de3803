import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line made inside the current request or job carries (requestId; jobId and type). */
export type LogFields = Record<string, string | number>;

const context = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with `fields` added to every log line made inside it, across awaits (nested contexts add up). */
export function withLogFields<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** The current request's or job's fields (pino's mixin adds them to each line). */
export function currentLogFields(): LogFields {
  return context.getStore() ?? {};
}
