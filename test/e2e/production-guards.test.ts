import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadSigner } from '../../src/rendering/signing/certificates.js';
import { run } from '../fixtures/assembly/fixtures.js';
import { MAIN, freePort, requireBuild, runNode, type Running } from '../support/process.js';

/** `node dist/main.js` with NODE_ENV=production refuses to start on what is only fit for development. */
describe('production guards', () => {
  let dir: string;
  const started: Running[] = [];
  beforeAll(async () => {
    requireBuild();
    dir = await mkdtemp(join(tmpdir(), 'td-production-'));
  });
  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start with NODE_ENV=production and nothing set, listing every reason, and creates nothing', async () => {
    const storage = join(dir, 'never-created');
    const p = runNode(MAIN, { NODE_ENV: 'production', STORAGE_DIR: storage });
    started.push(p);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/- SIGNING_P12: or SIGNING_P12_BASE64 is required in production: .*development certificate/);
    expect(p.stderr()).toMatch(/- DEMO_DATA: must be false in production/);
    expect(p.stderr()).toMatch(/- PUBLIC_URL: is required in production/);
    expect(p.stderr()).toMatch(/- SECRETS_KEY: is required in production/);
    expect(existsSync(storage)).toBe(false);
  });

  it('refuses a PKCS#12 made from the development certificate', async () => {
    const storage = join(dir, 'storage');
    await loadSigner({ storageDir: storage });
    const devDir = join(storage, 'signing', 'development');
    const p12 = join(dir, 'dev.p12');
    await run('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      join(devDir, 'key.pem'),
      '-in',
      join(devDir, 'certificate.pem'),
      '-out',
      p12,
      '-passout',
      'pass:x',
    ]);
    const p = runNode(MAIN, {
      NODE_ENV: 'production',
      STORAGE_DIR: storage,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      SIGNING_P12: p12,
      SIGNING_P12_PASSWORD: 'x',
      DEMO_DATA: 'false',
      PUBLIC_URL: 'https://tenderdesk.example.com',
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    started.push(p);
    expect(await p.exited).not.toBe(0);
    expect(p.stdout() + p.stderr()).toContain('NODE_ENV=production refuses the development certificate');
  });
});
