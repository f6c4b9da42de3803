import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('defaults to the embedded database, filesystem storage, the outbox and the inline queue', () => {
    const c = loadConfig({ STORAGE_DIR: '/tmp/td' });
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ kind: 'embedded', dataDir: '/tmp/td/db' });
    expect(c.storage).toEqual({ kind: 'filesystem', root: '/tmp/td/objects' });
    expect(c.mail).toMatchObject({ kind: 'outbox', dir: '/tmp/td/outbox' });
    expect(c.queue).toEqual({ driver: 'inline', apiRunsJobs: true });
  });

  it('chooses PostgreSQL, pg-boss, S3 and SMTP from their variables', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/td',
      S3_ENDPOINT: 'https://s3.example.com:9443',
      S3_ACCESS_KEY: 'ak',
      S3_SECRET_KEY: 'sk',
      S3_BUCKET: 'tenderdesk',
      SMTP_URL: 'smtp://mail:1025',
      PORT: '8080',
    });
    expect(c.database).toMatchObject({ kind: 'postgres', url: 'postgres://u@db:5432/td' });
    expect(c.queue.driver).toBe('pgboss');
    expect(c.storage).toMatchObject({
      kind: 's3',
      s3: { endPoint: 's3.example.com', port: 9443, useSSL: true, bucket: 'tenderdesk' },
    });
    expect(c.mail).toMatchObject({ kind: 'smtp', url: 'smtp://mail:1025' });
    expect(c.port).toBe(8080);
  });

  it('reads METRICS_TOKEN and WORKER_HTTP_PORT (default: no token, no worker port) and refuses bad values', () => {
    expect(loadConfig({}).observability).toEqual({ metricsToken: undefined, workerHttpPort: 0 });
    expect(loadConfig({ METRICS_TOKEN: 'a-scrape-token-of-24-chars', WORKER_HTTP_PORT: '9464' }).observability).toEqual(
      {
        metricsToken: 'a-scrape-token-of-24-chars',
        workerHttpPort: 9464,
      },
    );
    const err = (() => {
      try {
        loadConfig({ METRICS_TOKEN: 'short', WORKER_HTTP_PORT: '70000' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err?.problems.map((p) => p.variable).sort()).toEqual(['METRICS_TOKEN', 'WORKER_HTTP_PORT']);
  });

  it('reads the reminder thresholds as day lists, largest first, and refuses anything else', () => {
    expect(loadConfig({}).reminders).toEqual({
      statementDays: [3],
      qualificationDays: [60, 30, 7],
      quotationDays: [7],
      tenderDays: [14],
      contractShareDays: [7],
      backlogDays: 7,
    });
    expect(loadConfig({ REMINDER_STATEMENT_DAYS: '3, 7,3', REMINDER_QUALIFICATION_DAYS: '7,90' }).reminders).toEqual({
      statementDays: [7, 3],
      qualificationDays: [90, 7],
      quotationDays: [7],
      tenderDays: [14],
      contractShareDays: [7],
      backlogDays: 7,
    });
    expect(loadConfig({ REMINDER_STATEMENT_DAYS: '' }).reminders.statementDays).toEqual([3]); // empty is unset
    for (const bad of ['x', '3,', '-1', '400']) {
      expect(() => loadConfig({ REMINDER_STATEMENT_DAYS: bad })).toThrow(ConfigError);
    }
  });

  it('reads the dunning levels as three increasing day counts, and refuses anything else', () => {
    expect(loadConfig({}).dunning.levelDays).toEqual({ friendly: 1, firm: 31, final: 61 });
    expect(loadConfig({ DUNNING_LEVEL_DAYS: '5, 20,45' }).dunning.levelDays).toEqual({
      friendly: 5,
      firm: 20,
      final: 45,
    });
    for (const bad of ['1,31', '31,1,61', '0,31,61', '1,31,400', 'a,b,c', '1,1,2']) {
      expect(() => loadConfig({ DUNNING_LEVEL_DAYS: bad })).toThrow(ConfigError);
    }
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        SMTP_URL: 'mail.example.com',
        ADMIN_TOKEN: 'short',
        LOG_LEVEL: 'loud',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const vars = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(vars).toEqual([
      'ADMIN_TOKEN',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'S3_ACCESS_KEY',
      'S3_BUCKET',
      'S3_SECRET_KEY',
      'SMTP_URL',
    ]);
    expect((error as Error).message).toContain('S3_BUCKET: is required when S3_ENDPOINT is set');
  });

  it('takes the PKCS#12 from SIGNING_P12_BASE64 (line breaks ignored) and refuses it beside SIGNING_P12 or malformed', () => {
    const bytes = Buffer.from([0x30, 0x82, 0x01, 0x02, 0xff, 0x00, 0x7f]);
    const b64 = bytes.toString('base64');
    const c = loadConfig({ SIGNING_P12_BASE64: `${b64.slice(0, 4)}\n${b64.slice(4)}\n`, SIGNING_P12_PASSWORD: 'pw' });
    expect(c.signing.p12Data).toEqual(bytes);
    expect(c.signing.p12Path).toBeUndefined();
    expect(c.signing.p12Password).toBe('pw');

    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ SIGNING_P12: '/run/secrets/a.p12', SIGNING_P12_BASE64: b64 })).toEqual([
      { variable: 'SIGNING_P12_BASE64', message: 'cannot be set together with SIGNING_P12: choose one' },
    ]);
    expect(problems({ SIGNING_P12_BASE64: 'not base64!' }).map((p) => p.variable)).toEqual(['SIGNING_P12_BASE64']);
    expect(problems({ SIGNING_P12_PASSWORD: 'pw' }).map((p) => p.variable)).toEqual(['SIGNING_P12_PASSWORD']);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.kind).toBe('embedded');
  });

  it('reads rate limits as requests per window, off, or all off; TRUST_PROXY as Express takes it', () => {
    const d = loadConfig({});
    expect(d.rateLimits.enabled).toBe(true);
    expect(d.rateLimits.policies['verify-anonymous']).toEqual({ points: 20, seconds: 3600 });
    expect(d.trustProxy).toBe(false);
    expect(d.verify).toEqual({
      limitBytes: 20 * 1024 * 1024,
      bundleContentBytes: 200 * 1024 * 1024,
      bundleEntries: 1000,
    });
    const c = loadConfig({
      RATE_LIMIT_RENDER: '10/30s',
      RATE_LIMIT_IMPORT: 'off',
      RATE_LIMITS: 'false',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      VERIFY_LIMIT: '5mb',
    });
    expect(c.rateLimits).toMatchObject({
      enabled: false,
      policies: { render: { points: 10, seconds: 30 }, import: null },
    });
    expect(c.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(c.verify.limitBytes).toBe(5 * 1024 * 1024);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(() => loadConfig({ RATE_LIMIT_VERIFY: '10 per hour' })).toThrow(
      /RATE_LIMIT_VERIFY: must be requests per window/,
    );
    expect(() => loadConfig({ TRUST_PROXY: 'x;y' })).toThrow(/TRUST_PROXY: must be true, false/);
  });

  it('refuses production on the development certificate, demo data and no PUBLIC_URL, listing all three', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'DEMO_DATA',
      'PUBLIC_URL',
      'SECRETS_KEY',
      'SIGNING_P12',
    ]);
    expect((error as Error).message).toContain('development certificate');
  });

  it('accepts production with a certificate, DEMO_DATA=false and PUBLIC_URL; other environments need none of them', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      SIGNING_P12: '/etc/tenderdesk/company.p12',
      DEMO_DATA: 'false',
      PUBLIC_URL: 'https://tenderdesk.example.com',
      SECRETS_KEY: KEY,
    });
    expect(c.env).toBe('production');
    expect(c.secretsKey).toEqual(Buffer.alloc(32, 7));
    expect(c.demoData).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).demoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).signing.p12Path).toBeUndefined();
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        SIGNING_P12: '/x.p12',
        DEMO_DATA: 'true',
        PUBLIC_URL: 'https://a.example',
        SECRETS_KEY: KEY,
      }),
    ).toThrow(/DEMO_DATA: must be false in production/);
  });

  it('takes SECRETS_KEY as 32 or more bytes in base64 and refuses anything shorter or not base64', () => {
    expect(loadConfig({ SECRETS_KEY: Buffer.alloc(48, 1).toString('base64') }).secretsKey).toHaveLength(48);
    expect(loadConfig({}).secretsKey).toBeUndefined();
    for (const bad of [Buffer.alloc(16, 1).toString('base64'), 'not base64 at all!', 'x'.repeat(43)]) {
      expect(() => loadConfig({ SECRETS_KEY: bad })).toThrow(/SECRETS_KEY: must be 32 or more random bytes in base64/);
    }
  });

  it('requires TSA_CA_FILE with TSA_URL', () => {
    expect(() => loadConfig({ TSA_URL: 'http://127.0.0.1:9/' })).toThrow(/TSA_CA_FILE: is required with TSA_URL/);
    expect(loadConfig({ TSA_URL: 'http://127.0.0.1:9/', TSA_CA_FILE: '/etc/tsa-ca.pem' }).signing.tsaCaFile).toBe(
      '/etc/tsa-ca.pem',
    );
  });

  it('reads single sign-on settings: the role map, https issuers (http on loopback only), a secret in production', () => {
    const c = loadConfig({
      OIDC_ISSUER: 'https://login.example.com/realms/td',
      OIDC_CLIENT_ID: 'tenderdesk',
      OIDC_ROLE_MAP: 'finance=td-finance|td-accounts, manager=td-accounts',
    });
    expect(c.oidc?.roleMap).toEqual(
      new Map([
        ['td-finance', ['finance']],
        ['td-accounts', ['finance', 'manager']],
      ]),
    );
    expect(loadConfig({ OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_CLIENT_ID: 'x' }).oidc?.issuer).toBe(
      'http://127.0.0.1:9000',
    );
    expect(() => loadConfig({ OIDC_ISSUER: 'http://login.example.com', OIDC_CLIENT_ID: 'x' })).toThrow(
      /OIDC_ISSUER: must be https/,
    );
    const production = {
      NODE_ENV: 'production',
      SIGNING_P12: '/x.p12',
      DEMO_DATA: 'false',
      PUBLIC_URL: 'https://a.example',
      SECRETS_KEY: KEY,
      OIDC_ISSUER: 'https://login.example.com',
      OIDC_CLIENT_ID: 'tenderdesk',
    };
    expect(() => loadConfig(production)).toThrow(/OIDC_CLIENT_SECRET: is required in production/);
    expect(loadConfig({ ...production, OIDC_CLIENT_SECRET: 's3cret' }).oidc?.clientSecret).toBe('s3cret');
  });

  it('bounds images and imports by default (10000 px a side, 40 MP, 64 MB inflated, 500000 cells)', () => {
    const c = loadConfig({});
    expect(c.images).toEqual({ maxSide: 10_000, maxPixels: 40_000_000 });
    expect(c.imports).toEqual({ maxUncompressedBytes: 64 * 1024 * 1024, maxCells: 500_000 });
  });
});
