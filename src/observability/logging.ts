import { hostname } from 'node:os';
import type { LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import pino, { type Logger, type LevelWithSilent } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { currentLogFields } from './log-context.js';

const LEVELS: Record<AppConfig['logLevel'], LevelWithSilent> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** LOG_LEVEL (Nest's names) as pino's level. */
export function pinoLevel(level: AppConfig['logLevel']): LevelWithSilent {
  return LEVELS[level];
}

/**
 * Secrets that must never reach a log line, whatever wrote it: API tokens (`td_...`), bearer credentials, the token of
 * a statement confirmation or quotation acceptance link, signatures and tokens in query strings, passwords in URLs, and the configured
 * ADMIN_TOKEN and METRICS_TOKEN themselves.
 */
export function secretScrubber(config: Pick<AppConfig, 'adminToken' | 'observability'>): (text: string) => string {
  const fixed = [config.adminToken, config.observability.metricsToken].filter((s): s is string => !!s);
  return (text) => {
    let out = text
      .replace(/td_[A-Za-z0-9_-]{16,}/g, 'td_[redacted]')
      .replace(/(Bearer\s+)[^\s"',]+/gi, '$1[redacted]')
      .replace(/(\/(?:statements\/confirm|quotations\/accept)\/)(?!:)[^/?#\s"']+/g, '$1[redacted]')
      .replace(/([?&](?:signature|token|access_token|password|secret)=)[^&#\s"']*/gi, '$1[redacted]')
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@"']+:)[^@/\s"']+@/gi, '$1[redacted]@');
    for (const secret of fixed) out = out.split(secret).join('[redacted]');
    return out;
  };
}

export interface RootLoggerOptions {
  /** 'api' or 'worker': on every line, with the pid and the host name. */
  role: string;
  /** Where lines go; default stdout (synchronous: nothing is lost when the process exits). */
  destination?: pino.DestinationStream;
}

/**
 * The process's one pino logger: a JSON line per entry on stdout, with `time` (ISO), `level` (name), `msg`, `context`
 * (the Nest logger's name), the request's `requestId` or the job's `jobId` and `jobType` (from log-context), and no
 * secrets (redacted paths and the scrubber on every message and error).
 */
export function createRootLogger(config: AppConfig, options: RootLoggerOptions): Logger {
  const scrub = secretScrubber(config);
  const scrubValue = (value: unknown): unknown => (typeof value === 'string' ? scrub(value) : value);
  return pino(
    {
      level: pinoLevel(config.logLevel),
      base: { pid: process.pid, hostname: hostname(), role: options.role },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Fields too (an access line's url, a job's error): strings scrubbed a few levels deep.
        log: (object) => scrubDeep(object, scrub, 4) as Record<string, unknown>,
      },
      mixin: () => currentLogFields(),
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          'headers.authorization',
          'authorization',
          'password',
          'token',
          '*.password',
          '*.token',
        ],
        censor: '[redacted]',
      },
      serializers: {
        err: (err: Error) => {
          const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
          out.message = scrubValue(out.message);
          out.stack = scrubValue(out.stack);
          return out;
        },
      },
      hooks: {
        // Messages are built by string interpolation all over the code base: scrubbed here, once, for all of them.
        logMethod(args, method) {
          method.apply(this, args.map(scrubValue) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * nestjs-pino's PinoLogger bound to this application's root logger. (Its own falls back to a module-wide singleton, the
 * first application's: tests build several applications, with different settings, in one process.) Request and job
 * fields come from log-context through the root's mixin, not from nestjs-pino's middleware.
 */
class RootPinoLogger extends PinoLogger {
  constructor(private readonly root: Logger) {
    super({ pinoHttp: { logger: root } });
  }

  override get logger(): Logger {
    return this.root;
  }
}

/** Nest's LoggerService on the root logger (nestjs-pino): `new Logger('Jobs').log(...)` becomes a JSON line. */
export function nestLogger(root: Logger): LoggerService {
  return new NestPinoLogger(new RootPinoLogger(root), {});
}

function scrubDeep(value: unknown, scrub: (text: string) => string, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth === 0 || value === null || typeof value !== 'object' || value instanceof Error || Buffer.isBuffer(value))
    return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub, depth - 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = scrubDeep(v, scrub, depth - 1);
  return out;
}
