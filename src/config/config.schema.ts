import { z } from 'zod';

// Every setting the service reads. Validated once at start-up (loadConfig); nothing else reads process.env.
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const opt = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());

const postgresUrl = z
  .string()
  .url({ message: 'must be a URL such as postgres://user@127.0.0.1:5432/db' })
  .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must start with postgres:// or postgresql://' });

const httpUrl = z
  .string()
  .url({ message: 'must be a URL such as http://127.0.0.1:9000' })
  .refine((v) => /^https?:\/\//.test(v), { message: 'must start with http:// or https://' });

const smtpUrl = z
  .string()
  .url({ message: 'must be a URL such as smtp://user:pass@127.0.0.1:1025' })
  .refine((v) => /^smtps?:\/\//.test(v), { message: 'must start with smtp:// or smtps://' });

const byteSize = z.string().regex(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 512kb or 1mb' });

// A rate limit: requests per window, `<points>/<window>` with the window in s, m or h (e.g. 30/1h), or `off`.
const rateLimit = z.string().regex(/^(off|[1-9]\d{0,6}\/[1-9]\d{0,5}[smh])$/, {
  message: 'must be requests per window such as 30/1h, 120/1m or 10/30s, or off',
});

// Express's `trust proxy`: false (default: the socket's address is the client's), true, a hop count, or a
// comma-separated list of proxy addresses/subnets (or loopback, linklocal, uniquelocal).
const trustProxy = z
  .string()
  .regex(/^(true|false|\d{1,2}|[0-9A-Za-z.:/,\s]+)$/, {
    message: 'must be true, false, a number of proxies, or proxy addresses/subnets such as loopback, 10.0.0.0/8',
  })
  .transform((v): boolean | number | string[] =>
    v === 'true'
      ? true
      : v === 'false'
        ? false
        : /^\d+$/.test(v)
          ? Number(v)
          : v
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean),
  );

// Comma-separated role names (see src/modules/auth/roles.ts), e.g. admin,finance.
const ROLE_NAMES = ['admin', 'backoffice', 'sales', 'finance', 'engineering', 'production', 'manager'] as const;
const roleList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(ROLE_NAMES, { message: `must be roles among ${ROLE_NAMES.join(', ')}` })));

/** Days as a comma-separated list ("60,30,7"): distinct, each 0..366, largest first. */
const dayList = z
  .string()
  .regex(/^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$/, { message: 'must be days separated by commas, e.g. 60,30,7' })
  .transform((v) => [...new Set(v.split(',').map((d) => Number(d.trim())))].sort((a, b) => b - a))
  .refine((days) => days.every((d) => d <= 366), { message: 'days must be at most 366' });

export const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'production', 'test']).default('development')),
  HOST: z.preprocess(emptyAsUndefined, z.string().min(1).default('0.0.0.0')),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  // JSON log lines on stdout (pino): error, warn, log (= info), debug, verbose (= trace).
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log')),
  // Prometheus /metrics (API and worker port): a scraper sends `Authorization: Bearer <METRICS_TOKEN>`; an admin's
  // API token works too. Unset: only admins' tokens.
  METRICS_TOKEN: opt(z.string().min(24, { message: 'must be at least 24 characters' })),
  // The worker's small HTTP port (/health/live, /health/ready, /metrics) on HOST; 0 = none.
  WORKER_HTTP_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(0)),
  BODY_LIMIT: z.preprocess(emptyAsUndefined, byteSize.default('1mb')),
  // Largest uploaded file (scans, proofs, seals, import sheets); multer holds it in memory, never on disk.
  UPLOAD_LIMIT: z.preprocess(emptyAsUndefined, byteSize.default('20mb')),
  PUBLIC_URL: opt(httpUrl),
  // The client's address behind a reverse proxy (X-Forwarded-For): see trustProxy above. Used for rate limits
  // and recorded with a customer's answer.
  TRUST_PROXY: z.preprocess(emptyAsUndefined, trustProxy.default(false)),

  // POST /api/documents/verify: largest upload (written to a temp file, never held whole in memory); a bundle's
  // decompressed content and entry count are bounded too. One check at a time per process, more get 429.
  VERIFY_LIMIT: z.preprocess(emptyAsUndefined, byteSize.default('20mb')),
  VERIFY_BUNDLE_CONTENT_LIMIT: z.preprocess(emptyAsUndefined, byteSize.default('200mb')),
  VERIFY_BUNDLE_ENTRIES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(2).max(100_000).default(1000)),

  // Rate limits (429 TOO_MANY_REQUESTS with Retry-After), per account when signed in, per client address when
  // not; shared between API processes through PostgreSQL (in memory on the embedded database, one process).
  RATE_LIMITS: z.preprocess(emptyAsUndefined, bool.default(true)),
  RATE_LIMIT_SIGN_IN: z.preprocess(emptyAsUndefined, rateLimit.default('10/15m')),
  RATE_LIMIT_VERIFY: z.preprocess(emptyAsUndefined, rateLimit.default('120/1m')),
  RATE_LIMIT_VERIFY_ANONYMOUS: z.preprocess(emptyAsUndefined, rateLimit.default('20/1h')),
  RATE_LIMIT_CONFIRMATION: z.preprocess(emptyAsUndefined, rateLimit.default('60/10m')),
  RATE_LIMIT_RENDER: z.preprocess(emptyAsUndefined, rateLimit.default('300/1m')),
  RATE_LIMIT_IMPORT: z.preprocess(emptyAsUndefined, rateLimit.default('60/1m')),
  // GET /api/auth/sso/start writes a pending login per call (kept 10 minutes): bounded per client address, loosely,
  // since a whole office may sign in from one address at nine o'clock.
  RATE_LIMIT_SSO_START: z.preprocess(emptyAsUndefined, rateLimit.default('120/10m')),

  // Database: DATABASE_URL set -> PostgreSQL through pg; unset -> embedded PostgreSQL (PGlite) under STORAGE_DIR.
  DATABASE_URL: opt(postgresUrl),
  DATABASE_POOL_SIZE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(200).default(10)),
  STORAGE_DIR: z.preprocess(emptyAsUndefined, z.string().min(1).default('storage')),

  // Object storage: S3_ENDPOINT set -> S3 driver (minio client); unset -> filesystem under STORAGE_DIR/objects.
  S3_ENDPOINT: opt(httpUrl),
  S3_ACCESS_KEY: opt(z.string().min(1)),
  S3_SECRET_KEY: opt(z.string().min(1)),
  S3_BUCKET: opt(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a valid S3 bucket name' })),
  S3_REGION: z.preprocess(emptyAsUndefined, z.string().min(1).default('us-east-1')),
  S3_PATH_STYLE: z.preprocess(emptyAsUndefined, bool.default(true)),

  // Mail: SMTP_URL set -> SMTP through nodemailer; unset -> .eml files in STORAGE_DIR/outbox.
  SMTP_URL: opt(smtpUrl),
  MAIL_FROM: z.preprocess(emptyAsUndefined, z.string().min(3).default('Tenderdesk <tenderdesk@localhost>')),

  // Jobs: engine-backed (pg-boss) on PostgreSQL, in-process on the embedded database.
  QUEUE_DRIVER: opt(z.enum(['pgboss', 'inline'])),
  API_RUNS_JOBS: z.preprocess(emptyAsUndefined, bool.default(true)),
  // Jobs of one type waiting (queued or retrying) before enqueueing more answers 429 QUEUE_FULL.
  JOB_QUEUE_LIMIT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1_000_000).default(200)),
  // A running job's lease: a job whose worker died (or that outran it) is retried, possibly elsewhere, once it
  // ends. Expired leases are looked for every JOB_LEASE_SECONDS/10 seconds (1..30).
  JOB_LEASE_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(2).max(86_399).default(300)),
  // Jobs running at once per process: mail jobs together (MAIL_CONCURRENCY), other non-printing jobs per type
  // (JOB_CONCURRENCY). Jobs that print share the browser pool's size, RENDER_CONCURRENCY.
  MAIL_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).default(4)),
  JOB_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).default(4)),
  // The mail outbox: attempts after the first and the first retry's delay (doubling, with jitter, after that).
  MAIL_RETRY_LIMIT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(50).default(12)),
  MAIL_RETRY_DELAY_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3600).default(5)),

  // Customer statements: days the customer has to confirm or dispute (reply-by date, link expiry); the day of the
  // month a statement run for the previous month starts by itself (unset: never, runs are started by hand).
  STATEMENT_REPLY_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(365).default(15)),
  STATEMENT_RUN_DAY: opt(z.coerce.number().int().min(1).max(28)),
  // Statement-run items (one customer's statement: ledger, print, DOCX, signature, storage, mail) at once per process.
  // Above RENDER_CONCURRENCY on purpose: an item prints for a fraction of its time, and the rest overlaps the printing
  // of the others (they wait their turn for a tab in the browser pool).
  STATEMENT_RUN_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(32).default(4)),
  // Wrong confirmation codes (the code in the statement mail) a statement accepts before it refuses every code.
  STATEMENT_CODE_ATTEMPTS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(5)),

  // Reminders (a daily job): days before a statement's reply-by date its billing contact is reminded (one mail per
  // threshold), and days before a qualification expires the back office is told; comma-separated, e.g. 60,30,7.
  REMINDER_STATEMENT_DAYS: z.preprocess(emptyAsUndefined, dayList.default([3])),
  REMINDER_QUALIFICATION_DAYS: z.preprocess(emptyAsUndefined, dayList.default([60, 30, 7])),
  // Days before a sent quotation's validity ends its sales owner is reminded.
  REMINDER_QUOTATION_DAYS: z.preprocess(emptyAsUndefined, dayList.default([7])),
  // Days before a tender's deadline the back office (and its owner) is told that a qualification of its selection
  // expires before it; days before a contract's before-delivery share (预付款, 提货款) is due its sales owner is told.
  REMINDER_TENDER_DAYS: z.preprocess(emptyAsUndefined, dayList.default([14])),
  REMINDER_CONTRACT_SHARE_DAYS: z.preprocess(emptyAsUndefined, dayList.default([7])),
  // A reminder whose date (a reply-by date, a share's due date) passed more than this many days ago, or before the
  // reminders' first run, is recorded as skipped (backlog), not mailed: a first deploy does not mail the past.
  REMINDER_BACKLOG_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(366).default(7)),

  // Dunning letters (催款函): the oldest overdue item's age in days from which the friendly reminder, the firm reminder
  // and the final notice are due, comma-separated and increasing, e.g. 1,31,61.
  DUNNING_LEVEL_DAYS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*$/, {
        message: 'must be three day counts separated by commas, e.g. 1,31,61',
      })
      .transform((v) => v.split(',').map((d) => Number(d.trim())))
      .refine(([a, b, c]) => a! >= 1 && a! < b! && b! < c! && c! <= 366, {
        message: 'must increase from at least 1 to at most 366, e.g. 1,31,61',
      })
      .default([1, 31, 61]),
  ),

  // Auth: the first admin's token; when unset one is generated on first start and printed once.
  ADMIN_TOKEN: opt(z.string().min(24, { message: 'must be at least 24 characters' })),

  // People signing in (#15). Sessions: server-side rows, an HttpOnly SameSite=Lax cookie; ended by idleness or by
  // their absolute lifetime, whichever comes first. SESSION_COOKIE_SECURE auto = Secure when PUBLIC_URL is https.
  SESSION_IDLE_MINUTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(10_080).default(60)),
  SESSION_MAX_HOURS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(2_160).default(12)),
  SESSION_COOKIE_SECURE: z.preprocess(emptyAsUndefined, z.enum(['auto', 'true', 'false']).default('auto')),
  // Passwords: argon2id with these costs (OWASP's minimum by default: 19 MiB, 2 passes, 1 lane); at least 12
  // characters and not on the shipped list of common passwords.
  PASSWORD_MIN_LENGTH: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(12).max(128).default(12)),
  ARGON2_MEMORY_KIB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(8_192).max(1_048_576).default(19_456)),
  ARGON2_ITERATIONS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(20).default(2)),
  ARGON2_PARALLELISM: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(16).default(1)),
  // Failed sign-ins, per account and per client address: from the Nth failure on, each attempt waits 2^(n-N) s
  // (up to a minute) before it is checked; at SIGN_IN_LOCK_AFTER failures the key is locked SIGN_IN_LOCK_MINUTES.
  SIGN_IN_DELAY_AFTER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(3)),
  SIGN_IN_LOCK_AFTER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(2).max(1000).default(10)),
  SIGN_IN_LOCK_MINUTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1440).default(15)),
  // One-time links to set a password (invitations, admins' resets) expire after this many hours.
  INVITATION_HOURS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(720).default(72)),
  // Roles whose users must use a second factor (TOTP): comma-separated, e.g. admin,finance,manager; empty: none.
  TOTP_REQUIRED_ROLES: z.preprocess(emptyAsUndefined, roleList.default([])),
  // API tokens for integrations: the default lifetime and the longest a non-admin may ask for (admins may ask for
  // tokens that never expire).
  API_TOKEN_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3650).default(90)),
  API_TOKEN_MAX_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3650).default(365)),
  // The key that seals secrets kept in the database (TOTP secrets: AES-256-GCM): 32 or more random bytes in base64
  // (`openssl rand -base64 32`), the same in every API process. Unset: a key made once under STORAGE_DIR (refused
  // in production). Losing it makes every enrolled second factor unreadable.
  SECRETS_KEY: opt(
    z
      .string()
      .trim()
      .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0 && Buffer.from(v, 'base64').length >= 32, {
        message: 'must be 32 or more random bytes in base64 (e.g. the output of `openssl rand -base64 32`)',
      }),
  ),
  // Single sign-on (OpenID Connect, authorization code + PKCE): on when OIDC_ISSUER is set. OIDC_ROLE_MAP maps the
  // values of the OIDC_ROLE_CLAIM claim (a string or a list, e.g. groups) to roles: role=value[|value],... ;
  // OIDC_CREATE_USERS: an unknown person with at least one mapped role becomes a user on first sign-in.
  OIDC_ISSUER: opt(httpUrl),
  OIDC_CLIENT_ID: opt(z.string().min(1)),
  OIDC_CLIENT_SECRET: opt(z.string().min(1)),
  OIDC_SCOPES: z.preprocess(emptyAsUndefined, z.string().min(6).default('openid profile email')),
  OIDC_ROLE_CLAIM: z.preprocess(emptyAsUndefined, z.string().min(1).default('groups')),
  OIDC_ROLE_MAP: z.preprocess(emptyAsUndefined, z.string().default('')),
  OIDC_CREATE_USERS: z.preprocess(emptyAsUndefined, bool.default(false)),
  OIDC_LABEL: z.preprocess(emptyAsUndefined, z.string().min(1).max(60).default('SSO')),

  DEMO_DATA: z.preprocess(emptyAsUndefined, bool.default(true)),
  // Ownership (#14): false -> a sales user reaches only the customers and tenders they own and what hangs from them;
  // true -> sales see every record their role allows, as the other roles do.
  SALES_SEE_ALL_RECORDS: z.preprocess(emptyAsUndefined, bool.default(false)),
  // Versioned records (customers, products, tenders…): true makes their writes refuse a request without If-Match.
  REQUIRE_IF_MATCH: z.preprocess(emptyAsUndefined, bool.default(false)),
  // The browser that prints PDFs: 'headless-shell' (Debian's chromium-headless-shell, the old headless mode: a
  // trivial page prints in ~8 ms against ~70 ms for full Chromium, docs/benchmarks.md) or 'chromium' (full
  // Chromium in the new headless mode, the fallback). CHROMIUM_PATH overrides the binary; its default follows PRINTER
  // (/usr/lib/chromium/chromium-headless-shell, the binary behind Debian's /usr/bin wrapper, or /usr/bin/chromium).
  PRINTER: z.preprocess(emptyAsUndefined, z.enum(['headless-shell', 'chromium']).default('headless-shell')),
  CHROMIUM_PATH: opt(z.string().min(1)),
  // PDF browser pool: parallel renders (2 on 2 cores: 4 printed more on a loaded machine but not through the API,
  // docs/benchmarks.md), renders waiting before 429 RENDER_BUSY,
  // per-render timeout, renders per browser before it is replaced.
  RENDER_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(32).default(2)),
  RENDER_QUEUE_LIMIT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10000).default(50)),
  RENDER_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).max(600000).default(30000)),
  RENDER_RECYCLE_AFTER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(200)),

  // Signing: SIGNING_P12 (a file, e.g. a container secret) or SIGNING_P12_BASE64 (the file's bytes in base64, e.g.
  // from a secret store into the environment) -> the company's PKCS#12; neither -> a self-signed development
  // certificate under STORAGE_DIR/signing. Every process of a deployment must be given the same one.
  SIGNING_P12: opt(z.string().min(1)),
  SIGNING_P12_BASE64: opt(
    z
      .string()
      .transform((v) => v.replace(/\s+/g, ''))
      .refine((v) => v.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0, {
        message: 'must be a PKCS#12 file in base64 (e.g. the output of `base64 -w0 company.p12`)',
      }),
  ),
  SIGNING_P12_PASSWORD: opt(z.string()),
  // RFC 3161 timestamp authority; unset -> signatures carry no timestamp. A reply is accepted only when its
  // token is signed by a certificate chaining to TSA_CA_FILE (PEM) and carries our digest and nonce.
  TSA_URL: opt(httpUrl),
  TSA_CA_FILE: opt(z.string().min(1)),

  // Input bombs: images (seals, scans, proofs) whose header claims more than IMAGE_MAX_SIDE pixels on a side or
  // IMAGE_MAX_MEGAPIXELS in all are refused before anything decodes them; XLSX imports whose zip would inflate to
  // more than IMPORT_MAX_UNCOMPRESSED or whose sheets hold more than IMPORT_MAX_CELLS cells before ExcelJS parses.
  IMAGE_MAX_SIDE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(16).max(100_000).default(10_000)),
  IMAGE_MAX_MEGAPIXELS: z.preprocess(emptyAsUndefined, z.coerce.number().min(0.01).max(1000).default(40)),
  IMPORT_MAX_UNCOMPRESSED: z.preprocess(emptyAsUndefined, byteSize.default('64mb')),
  IMPORT_MAX_CELLS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(10_000_000).default(500_000)),

  // Contracts: the project number given when the advance payment arrives ({YYYY} or {YY}, {SEQ:n} = the
  // year's sequence padded to n digits, gap-free per year), and where each department's contact sheet is mailed.
  PROJECT_NUMBER_PATTERN: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .max(40)
      .regex(/^[A-Za-z0-9_\-/.{}:]+$/, {
        message: 'may hold letters, digits, - _ / . and the {YYYY} {YY} {SEQ:n} fields',
      })
      .refine((v) => /\{SEQ:[1-9]\}/.test(v) && /\{YY(YY)?\}/.test(v), {
        message: 'must contain {SEQ:n} (n = 1..9) and {YYYY} or {YY}',
      })
      .refine(
        (v) =>
          v.replace(/\{(YYYY|YY|SEQ:[1-9])\}/g, '').indexOf('{') === -1 &&
          v.replace(/\{(YYYY|YY|SEQ:[1-9])\}/g, '').indexOf('}') === -1,
        {
          message: 'knows only the fields {YYYY}, {YY} and {SEQ:n}',
        },
      )
      .default('{YYYY}-{SEQ:3}'),
  ),
  FINANCE_EMAIL: opt(z.string().email({ message: 'must be an e-mail address' })),
  ENGINEERING_EMAIL: opt(z.string().email({ message: 'must be an e-mail address' })),
  PRODUCTION_EMAIL: opt(z.string().email({ message: 'must be an e-mail address' })),
});

/**
 * Rules between variables. Checked on the raw values, apart from the schema, so that they are reported
 * together with every other bad variable (zod skips refinements when a field already failed).
 */
export function crossFieldProblems(env: Record<string, string | undefined>): { variable: string; message: string }[] {
  const set = (k: string) => env[k] !== undefined && env[k] !== '';
  const problems: { variable: string; message: string }[] = [];
  if (set('S3_ENDPOINT')) {
    for (const key of ['S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_BUCKET']) {
      if (!set(key)) problems.push({ variable: key, message: 'is required when S3_ENDPOINT is set' });
    }
  }
  if (set('SIGNING_P12_PASSWORD') && !set('SIGNING_P12') && !set('SIGNING_P12_BASE64')) {
    problems.push({ variable: 'SIGNING_P12_PASSWORD', message: 'is only used with SIGNING_P12 or SIGNING_P12_BASE64' });
  }
  if (set('SIGNING_P12') && set('SIGNING_P12_BASE64')) {
    problems.push({ variable: 'SIGNING_P12_BASE64', message: 'cannot be set together with SIGNING_P12: choose one' });
  }
  if (env.QUEUE_DRIVER === 'pgboss' && !set('DATABASE_URL')) {
    problems.push({ variable: 'QUEUE_DRIVER', message: 'pgboss needs DATABASE_URL (a PostgreSQL server)' });
  }
  if (set('TSA_URL') && !set('TSA_CA_FILE')) {
    problems.push({
      variable: 'TSA_CA_FILE',
      message: "is required with TSA_URL: the TSA's replies are verified against it",
    });
  }
  if (set('OIDC_ISSUER') && !set('OIDC_CLIENT_ID')) {
    problems.push({ variable: 'OIDC_CLIENT_ID', message: 'is required when OIDC_ISSUER is set' });
  }
  if (set('OIDC_ISSUER') && URL.canParse(env.OIDC_ISSUER!) && !secureOrLoopback(env.OIDC_ISSUER!)) {
    problems.push({
      variable: 'OIDC_ISSUER',
      message: 'must be https: (http: only for a provider on this machine, 127.0.0.1 or localhost)',
    });
  }
  for (const part of (env.OIDC_ROLE_MAP ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [role, values] = part.split('=', 2);
    if (!(ROLE_NAMES as readonly string[]).includes(role!.trim()) || !values?.trim()) {
      problems.push({
        variable: 'OIDC_ROLE_MAP',
        message: `"${part}" must be role=value[|value] with a role among ${ROLE_NAMES.join(', ')} (e.g. finance=td-finance)`,
      });
    }
  }
  return [...problems, ...productionProblems(env)];
}

/** An https: URL, or an http: one on this machine (a provider on loopback: the tests'). */
export function secureOrLoopback(url: string): boolean {
  const u = new URL(url);
  return (
    u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))
  );
}

/**
 * Production guards: a production service must not sign with the development certificate, load the demo company
 * into an empty database, or write links to http://localhost into mails. Every reason is listed at once.
 */
export function productionProblems(env: Record<string, string | undefined>): { variable: string; message: string }[] {
  if (env.NODE_ENV !== 'production') return [];
  const set = (k: string) => env[k] !== undefined && env[k] !== '';
  const problems: { variable: string; message: string }[] = [];
  if (!set('SIGNING_P12') && !set('SIGNING_P12_BASE64')) {
    problems.push({
      variable: 'SIGNING_P12',
      message:
        'or SIGNING_P12_BASE64 is required in production: without one, documents are signed with the self-signed development certificate',
    });
  }
  if (!['false', '0', 'no'].includes(env.DEMO_DATA ?? '')) {
    problems.push({
      variable: 'DEMO_DATA',
      message:
        'must be false in production: otherwise the demo company, customers and quotations fill an empty database',
    });
  }
  if (!set('PUBLIC_URL')) {
    problems.push({
      variable: 'PUBLIC_URL',
      message: 'is required in production: links in mails (statement confirmation) would point to http://localhost',
    });
  }
  if (set('OIDC_ISSUER') && env.OIDC_ISSUER!.startsWith('https:') && !set('OIDC_CLIENT_SECRET')) {
    problems.push({
      variable: 'OIDC_CLIENT_SECRET',
      message:
        'is required in production with single sign-on: the service is a confidential client, and without a secret anyone who obtains a code could redeem it as us',
    });
  }
  if (!set('SECRETS_KEY')) {
    problems.push({
      variable: 'SECRETS_KEY',
      message:
        'is required in production: without it, second-factor secrets are sealed with a key kept next to the data (STORAGE_DIR)',
    });
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;
