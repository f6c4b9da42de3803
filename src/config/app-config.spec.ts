import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

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

  it('treats an empty value as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.kind).toBe('embedded');
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
    });
    expect(c.env).toBe('production');
    expect(c.demoData).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).demoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).signing.p12Path).toBeUndefined();
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SIGNING_P12: '/x.p12', DEMO_DATA: 'true', PUBLIC_URL: 'https://a.example' }),
    ).toThrow(/DEMO_DATA: must be false in production/);
  });

  it('requires TSA_CA_FILE with TSA_URL', () => {
    expect(() => loadConfig({ TSA_URL: 'http://127.0.0.1:9/' })).toThrow(/TSA_CA_FILE: is required with TSA_URL/);
    expect(loadConfig({ TSA_URL: 'http://127.0.0.1:9/', TSA_CA_FILE: '/etc/tsa-ca.pem' }).signing.tsaCaFile).toBe(
      '/etc/tsa-ca.pem',
    );
  });

  it('bounds images and imports by default (10000 px a side, 40 MP, 64 MB inflated, 500000 cells)', () => {
    const c = loadConfig({});
    expect(c.images).toEqual({ maxSide: 10_000, maxPixels: 40_000_000 });
    expect(c.imports).toEqual({ maxUncompressedBytes: 64 * 1024 * 1024, maxCells: 500_000 });
  });
});
