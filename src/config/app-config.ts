import { resolve } from 'node:path';
import { crossFieldProblems, envSchema, type Env } from './config.schema.js';
import type { Role } from '../modules/auth/roles.js';

export interface S3Config {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  pathStyle: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Debian's chromium-headless-shell binary. Not its /usr/bin wrapper: that shell script runs the browser as a child
 * without exec, so the pid puppeteer sees would be the shell's, and a browser killed or crashed under it would not
 * be noticed by its pid (the pool's fault tests caught it).
 */
export const HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell';

/** The validated configuration, injected wherever a setting is needed (provided by ConfigModule). */
export class AppConfig {
  readonly env: Env['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  readonly logLevel: Env['LOG_LEVEL'];
  /** METRICS_TOKEN (bearer for /metrics; unset: admins only) and WORKER_HTTP_PORT (0: the worker serves no HTTP). */
  readonly observability: { metricsToken: string | undefined; workerHttpPort: number };
  readonly bodyLimit: string;
  /** UPLOAD_LIMIT in bytes. */
  readonly uploadLimitBytes: number;
  readonly publicUrl: string;
  /** TRUST_PROXY, as Express's `trust proxy` setting. */
  readonly trustProxy: boolean | number | string[];
  /** VERIFY_LIMIT, VERIFY_BUNDLE_CONTENT_LIMIT (bytes) and VERIFY_BUNDLE_ENTRIES. */
  readonly verify: { limitBytes: number; bundleContentBytes: number; bundleEntries: number };
  /** RATE_LIMITS (on/off) and each policy's limit (null: off). */
  readonly rateLimits: { enabled: boolean; policies: Record<RateLimitPolicy, RateLimitSetting | null> };
  readonly storageDir: string;
  readonly database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'embedded'; dataDir: string };
  readonly storage: { kind: 's3'; s3: S3Config } | { kind: 'filesystem'; root: string };
  readonly mail: { from: string } & ({ kind: 'smtp'; url: string } | { kind: 'outbox'; dir: string });
  readonly queue: { driver: 'pgboss' | 'inline'; apiRunsJobs: boolean };
  /** JOB_QUEUE_LIMIT (waiting jobs per type), JOB_LEASE_SECONDS, MAIL_CONCURRENCY, JOB_CONCURRENCY. */
  readonly jobs: { queueLimit: number; leaseSeconds: number; mailConcurrency: number; concurrency: number };
  /** The mail outbox's retries: MAIL_RETRY_LIMIT, MAIL_RETRY_DELAY_SECONDS (exponential backoff from there). */
  readonly outbox: { retryLimit: number; retryDelaySeconds: number };
  /** STATEMENT_REPLY_DAYS; STATEMENT_RUN_DAY (undefined: no monthly run); STATEMENT_RUN_CONCURRENCY (items at once). */
  readonly statements: { replyDays: number; runDay: number | undefined; codeAttempts: number; runConcurrency: number };
  /**
   * REMINDER_STATEMENT_DAYS, REMINDER_QUALIFICATION_DAYS, REMINDER_QUOTATION_DAYS, REMINDER_TENDER_DAYS,
   * REMINDER_CONTRACT_SHARE_DAYS: thresholds in days, largest first; REMINDER_BACKLOG_DAYS.
   */
  readonly reminders: {
    statementDays: number[];
    qualificationDays: number[];
    quotationDays: number[];
    tenderDays: number[];
    contractShareDays: number[];
    backlogDays: number;
  };
  /** DUNNING_LEVEL_DAYS: the oldest overdue item's age (days) from which each dunning level is due. */
  readonly dunning: { levelDays: { friendly: number; firm: number; final: number } };
  readonly adminToken: string | undefined;
  /** SECRETS_KEY, decoded: seals secrets at rest (TOTP); undefined: the development key under STORAGE_DIR. */
  readonly secretsKey: Buffer | undefined;
  /** People signing in: sessions, passwords, throttling, invitations, second factor, API token lifetimes (#15). */
  readonly signIn: {
    sessionIdleMs: number;
    sessionMaxMs: number;
    secureCookie: boolean;
    passwordMinLength: number;
    argon2: { memoryCost: number; timeCost: number; parallelism: number };
    delayAfter: number;
    lockAfter: number;
    lockMs: number;
    invitationMs: number;
    totpRequiredRoles: Role[];
    apiTokenDays: number;
    apiTokenMaxDays: number;
  };
  /** Single sign-on (OIDC_*); undefined when OIDC_ISSUER is unset. */
  readonly oidc:
    | {
        issuer: string;
        clientId: string;
        clientSecret: string | undefined;
        scopes: string;
        roleClaim: string;
        /** Claim value -> roles it grants. */
        roleMap: Map<string, Role[]>;
        createUsers: boolean;
        label: string;
      }
    | undefined;
  readonly demoData: boolean;
  /** SALES_SEE_ALL_RECORDS: sales users are not bound to their own customers' and tenders' records. */
  readonly salesSeeAllRecords: boolean;
  /** REQUIRE_IF_MATCH: writes of versioned records without If-Match get 428 IF_MATCH_REQUIRED (default: allowed). */
  readonly requireIfMatch: boolean;
  /** The browser binary that prints PDFs (CHROMIUM_PATH, or the default of PRINTER). */
  readonly chromiumPath: string;
  /** PRINTER: 'headless-shell' launches in the old headless mode (puppeteer's `headless: 'shell'`). */
  readonly printer: 'headless-shell' | 'chromium';
  /** PDF browser pool (RENDER_*). */
  readonly render: { concurrency: number; queueLimit: number; timeoutMs: number; recycleAfter: number };
  /** PKCS#12 to sign with (unset -> development certificate) the optional RFC 3161 timestamp authority and its CA. */
  readonly signing: {
    p12Path: string | undefined;
    /** SIGNING_P12_BASE64, decoded: the PKCS#12 itself, given in the environment instead of as a file. */
    p12Data: Buffer | undefined;
    p12Password: string | undefined;
    tsaUrl: string | undefined;
    tsaCaFile: string | undefined;
  };
  /** Input bombs: IMAGE_MAX_SIDE, IMAGE_MAX_MEGAPIXELS (pixels = megapixels * 1e6). */
  readonly images: { maxSide: number; maxPixels: number };
  /** Input bombs: IMPORT_MAX_UNCOMPRESSED (bytes), IMPORT_MAX_CELLS. */
  readonly imports: { maxUncompressedBytes: number; maxCells: number };
  /** PROJECT_NUMBER_PATTERN, e.g. `{YYYY}-{SEQ:3}` -> 2026-007. */
  readonly projectNumberPattern: string;
  /** Where each department's copy of a contact sheet is mailed (unset: not mailed, said so on the sheet's record). */
  readonly departmentEmails: {
    finance: string | undefined;
    engineering: string | undefined;
    production: string | undefined;
  };

  constructor(env: Env) {
    this.env = env.NODE_ENV;
    this.host = env.HOST;
    this.port = env.PORT;
    this.logLevel = env.LOG_LEVEL;
    this.observability = { metricsToken: env.METRICS_TOKEN, workerHttpPort: env.WORKER_HTTP_PORT };
    this.bodyLimit = env.BODY_LIMIT;
    this.uploadLimitBytes = byteCount(env.UPLOAD_LIMIT);
    this.publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
    this.trustProxy = env.TRUST_PROXY;
    this.verify = {
      limitBytes: byteCount(env.VERIFY_LIMIT),
      bundleContentBytes: byteCount(env.VERIFY_BUNDLE_CONTENT_LIMIT),
      bundleEntries: env.VERIFY_BUNDLE_ENTRIES,
    };
    this.rateLimits = {
      enabled: env.RATE_LIMITS,
      policies: {
        'sign-in': rateLimitSetting(env.RATE_LIMIT_SIGN_IN),
        verify: rateLimitSetting(env.RATE_LIMIT_VERIFY),
        'verify-anonymous': rateLimitSetting(env.RATE_LIMIT_VERIFY_ANONYMOUS),
        confirmation: rateLimitSetting(env.RATE_LIMIT_CONFIRMATION),
        render: rateLimitSetting(env.RATE_LIMIT_RENDER),
        import: rateLimitSetting(env.RATE_LIMIT_IMPORT),
        'sso-start': rateLimitSetting(env.RATE_LIMIT_SSO_START),
      },
    };
    this.storageDir = resolve(env.STORAGE_DIR);
    this.database = env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
      : { kind: 'embedded', dataDir: resolve(this.storageDir, 'db') };
    if (env.S3_ENDPOINT) {
      const url = new URL(env.S3_ENDPOINT);
      const useSSL = url.protocol === 'https:';
      this.storage = {
        kind: 's3',
        s3: {
          endPoint: url.hostname,
          port: url.port ? Number(url.port) : useSSL ? 443 : 80,
          useSSL,
          accessKey: env.S3_ACCESS_KEY!,
          secretKey: env.S3_SECRET_KEY!,
          bucket: env.S3_BUCKET!,
          region: env.S3_REGION,
          pathStyle: env.S3_PATH_STYLE,
        },
      };
    } else {
      this.storage = { kind: 'filesystem', root: resolve(this.storageDir, 'objects') };
    }
    this.mail = env.SMTP_URL
      ? { kind: 'smtp', url: env.SMTP_URL, from: env.MAIL_FROM }
      : { kind: 'outbox', dir: resolve(this.storageDir, 'outbox'), from: env.MAIL_FROM };
    this.queue = {
      driver: env.QUEUE_DRIVER ?? (env.DATABASE_URL ? 'pgboss' : 'inline'),
      apiRunsJobs: env.API_RUNS_JOBS,
    };
    this.jobs = {
      queueLimit: env.JOB_QUEUE_LIMIT,
      leaseSeconds: env.JOB_LEASE_SECONDS,
      mailConcurrency: env.MAIL_CONCURRENCY,
      concurrency: env.JOB_CONCURRENCY,
    };
    this.outbox = { retryLimit: env.MAIL_RETRY_LIMIT, retryDelaySeconds: env.MAIL_RETRY_DELAY_SECONDS };
    this.statements = {
      replyDays: env.STATEMENT_REPLY_DAYS,
      runDay: env.STATEMENT_RUN_DAY,
      codeAttempts: env.STATEMENT_CODE_ATTEMPTS,
      runConcurrency: env.STATEMENT_RUN_CONCURRENCY,
    };
    this.reminders = {
      statementDays: env.REMINDER_STATEMENT_DAYS,
      qualificationDays: env.REMINDER_QUALIFICATION_DAYS,
      quotationDays: env.REMINDER_QUOTATION_DAYS,
      tenderDays: env.REMINDER_TENDER_DAYS,
      contractShareDays: env.REMINDER_CONTRACT_SHARE_DAYS,
      backlogDays: env.REMINDER_BACKLOG_DAYS,
    };
    const [friendly, firm, final] = env.DUNNING_LEVEL_DAYS as number[];
    this.dunning = { levelDays: { friendly: friendly!, firm: firm!, final: final! } };
    this.adminToken = env.ADMIN_TOKEN;
    this.secretsKey = env.SECRETS_KEY === undefined ? undefined : Buffer.from(env.SECRETS_KEY, 'base64');
    this.signIn = {
      sessionIdleMs: env.SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: env.SESSION_MAX_HOURS * 3_600_000,
      secureCookie:
        env.SESSION_COOKIE_SECURE === 'auto'
          ? this.publicUrl.startsWith('https:')
          : env.SESSION_COOKIE_SECURE === 'true',
      passwordMinLength: env.PASSWORD_MIN_LENGTH,
      argon2: {
        memoryCost: env.ARGON2_MEMORY_KIB,
        timeCost: env.ARGON2_ITERATIONS,
        parallelism: env.ARGON2_PARALLELISM,
      },
      delayAfter: env.SIGN_IN_DELAY_AFTER,
      lockAfter: env.SIGN_IN_LOCK_AFTER,
      lockMs: env.SIGN_IN_LOCK_MINUTES * 60_000,
      invitationMs: env.INVITATION_HOURS * 3_600_000,
      totpRequiredRoles: env.TOTP_REQUIRED_ROLES,
      apiTokenDays: env.API_TOKEN_DAYS,
      apiTokenMaxDays: env.API_TOKEN_MAX_DAYS,
    };
    this.oidc = env.OIDC_ISSUER
      ? {
          issuer: env.OIDC_ISSUER,
          clientId: env.OIDC_CLIENT_ID!,
          clientSecret: env.OIDC_CLIENT_SECRET,
          scopes: env.OIDC_SCOPES,
          roleClaim: env.OIDC_ROLE_CLAIM,
          roleMap: oidcRoleMap(env.OIDC_ROLE_MAP),
          createUsers: env.OIDC_CREATE_USERS,
          label: env.OIDC_LABEL,
        }
      : undefined;
    this.demoData = env.DEMO_DATA;
    this.salesSeeAllRecords = env.SALES_SEE_ALL_RECORDS;
    this.requireIfMatch = env.REQUIRE_IF_MATCH;
    this.printer = env.PRINTER;
    this.chromiumPath = env.CHROMIUM_PATH ?? (env.PRINTER === 'chromium' ? '/usr/bin/chromium' : HEADLESS_SHELL);
    this.render = {
      concurrency: env.RENDER_CONCURRENCY,
      queueLimit: env.RENDER_QUEUE_LIMIT,
      timeoutMs: env.RENDER_TIMEOUT_MS,
      recycleAfter: env.RENDER_RECYCLE_AFTER,
    };
    this.signing = {
      p12Path: env.SIGNING_P12 === undefined ? undefined : resolve(env.SIGNING_P12),
      p12Data: env.SIGNING_P12_BASE64 === undefined ? undefined : Buffer.from(env.SIGNING_P12_BASE64, 'base64'),
      p12Password: env.SIGNING_P12_PASSWORD,
      tsaUrl: env.TSA_URL,
      tsaCaFile: env.TSA_CA_FILE === undefined ? undefined : resolve(env.TSA_CA_FILE),
    };
    this.images = { maxSide: env.IMAGE_MAX_SIDE, maxPixels: Math.round(env.IMAGE_MAX_MEGAPIXELS * 1_000_000) };
    this.imports = { maxUncompressedBytes: byteCount(env.IMPORT_MAX_UNCOMPRESSED), maxCells: env.IMPORT_MAX_CELLS };
    this.projectNumberPattern = env.PROJECT_NUMBER_PATTERN;
    this.departmentEmails = {
      finance: env.FINANCE_EMAIL,
      engineering: env.ENGINEERING_EMAIL,
      production: env.PRODUCTION_EMAIL,
    };
  }
}

/** The rate-limit policies a route can name (@RateLimit); each has its RATE_LIMIT_* setting. */
export const RATE_LIMIT_POLICIES = [
  'sign-in',
  'verify',
  'verify-anonymous',
  'confirmation',
  'render',
  'import',
  'sso-start',
] as const;
export type RateLimitPolicy = (typeof RATE_LIMIT_POLICIES)[number];

/** `points` requests per `seconds`. */
export interface RateLimitSetting {
  points: number;
  seconds: number;
}

/** '30/1h' -> { points: 30, seconds: 3600 }; 'off' -> null (the schema has checked the shape). */
function rateLimitSetting(value: string): RateLimitSetting | null {
  if (value === 'off') return null;
  const [, points, n, unit] = /^(\d+)\/(\d+)([smh])$/.exec(value)!;
  return { points: Number(points), seconds: Number(n) * { s: 1, m: 60, h: 3600 }[unit as 's' | 'm' | 'h'] };
}

/** '20mb' -> bytes (the schema has checked the shape). */
function byteCount(size: string): number {
  const [, n, unit] = /^(\d+)(b|kb|mb)$/i.exec(size)!;
  return Number(n) * { b: 1, kb: 1024, mb: 1024 * 1024 }[unit.toLowerCase() as 'b' | 'kb' | 'mb'];
}

/** Validates the environment once; throws ConfigError listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(source);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(environment)'), message: i.message }))),
    ...crossFieldProblems(source),
  ];
  if (problems.length || !parsed.success) {
    // One line per variable, however many of its rules it broke.
    const byVariable = new Map<string, string[]>();
    for (const p of problems) byVariable.set(p.variable, [...(byVariable.get(p.variable) ?? []), p.message]);
    throw new ConfigError(
      [...byVariable].map(([variable, messages]) => ({ variable, message: [...new Set(messages)].join('; ') })),
    );
  }
  return new AppConfig(parsed.data);
}

/** OIDC_ROLE_MAP, `role=value[|value],...` (validated by crossFieldProblems), as claim value -> roles. */
function oidcRoleMap(setting: string): Map<string, Role[]> {
  const map = new Map<string, Role[]>();
  for (const part of setting
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [role, values = ''] = part.split('=', 2) as [Role, string?];
    for (const value of values
      .split('|')
      .map((v) => v.trim())
      .filter(Boolean))
      map.set(value, [...(map.get(value) ?? []), role]);
  }
  return map;
}
