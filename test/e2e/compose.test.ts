import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * Docker does not run on these machines; the compose file is at least validated by docker-compose itself (a .env of
 * the developer's is left out: --env-file names an empty one). test/e2e/deployment.test.ts runs the service as the image does.
 */
const EMPTY_ENV = join(mkdtempSync(join(tmpdir(), 'td-compose-')), 'empty.env');
writeFileSync(EMPTY_ENV, '');
const compose = (args: string[], env: Record<string, string> = {}) =>
  spawnSync('docker-compose', ['--env-file', EMPTY_ENV, '-f', 'docker-compose.yml', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
const CERT = { SIGNING_P12_BASE64: 'MIIKcAIBAzCCCi4GCSqGSIb3DQEHAaCCCh8Egg==', SIGNING_P12_PASSWORD: 'secret' };

describe('docker-compose.yml', () => {
  it('is accepted by `docker-compose config` and wires the API, a scalable worker and their servers', () => {
    const valid = compose(['config', '-q'], CERT);
    expect(valid.stderr).toBe('');
    expect(valid.status).toBe(0);
    const services = compose(['config', '--services'], CERT).stdout.trim().split('\n').sort();
    expect(services).toEqual(['api', 'mail', 'postgres', 's3', 'worker']);
    const config = compose(['config'], CERT).stdout;
    expect(config).toMatch(/DATABASE_URL: postgres:\/\/tenderdesk:[^@]+@postgres:5432\/tenderdesk/);
    expect(config).toMatch(/S3_ENDPOINT: http:\/\/s3:8333/);
    expect(config).toMatch(/SMTP_URL: smtp:\/\/mail:1025/);
    expect(config).toMatch(/API_RUNS_JOBS: "false"/);
    // Every process gets the one certificate.
    expect(config.match(/SIGNING_P12_BASE64: MIIKcAIBAzCCCi4GCSqGSIb3DQEHAaCCCh8Egg==/g)).toHaveLength(2);
  });

  it('pins every image to a release: no latest, no bare major', () => {
    const config = compose(['config'], CERT).stdout;
    const images = [...config.matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1]!).sort();
    expect(images).toEqual([
      'chrislusf/seaweedfs:4.56',
      'maildev/maildev:2.2.1',
      'postgres:16.11-bookworm',
      'tenderdesk:local',
      'tenderdesk:local',
    ]);
    expect(config).not.toMatch(/minio/);
    const dockerfile = execFileSync('grep', ['^FROM', 'Dockerfile'], { encoding: 'utf8' });
    expect(dockerfile.trim().split('\n')).toEqual([
      'FROM node:24.22.3-bookworm-slim AS build',
      'FROM node:24.22.3-bookworm-slim',
    ]);
  });

  it('refuses to start without the company certificate instead of letting each container make its own', () => {
    const refused = compose(['config', '-q']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('SIGNING_P12_BASE64');
  });
});
