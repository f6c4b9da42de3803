import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
// s3rver ships no type declarations; the little of it used here is typed by S3rverInstance below.
// @ts-expect-error TS7016: untyped CommonJS module
import S3rverUntyped from 's3rver';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort, requireBuild, waitForHttp, waitForOutput, type Running } from '../support/process.js';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
const S3rver = S3rverUntyped as new (options: Record<string, unknown>) => S3rverInstance;

/**
 * The service run the way the image runs it (Dockerfile, docker-compose.yml), without a container engine: as an
 * unprivileged user (nobody), from an application directory it cannot write to, each process with its own empty
 * STORAGE_DIR, the company certificate only in the environment (SIGNING_P12_BASE64), one API that only enqueues and
 * two workers on one PostgreSQL database and one S3 server. A document a worker signs must verify on the API.
 */
const UID = 65534; // nobody
const GID = 65534;
const COMPANY = '华东仪表有限公司';
const P12_PASSWORD = 'deploy 口令';
const SAMPLE = JSON.parse(readFileSync('templates/customer-statement/sample.json', 'utf8')) as unknown;

function run(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** `node dist/<entry>` as nobody, in the read-only application directory, with exactly this environment. */
function runAsNobody(appDir: string, entry: string, env: Record<string, string>): Running {
  const child = spawn(
    'setpriv',
    [`--reuid=${UID}`, `--regid=${GID}`, '--clear-groups', '--', process.execPath, join('dist', entry)],
    {
      cwd: appDir,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** A directory nobody owns (0700), like a volume the image's user owns. */
async function ownedDir(parent: string, name: string): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  await chown(dir, UID, GID);
  await chmod(dir, 0o700);
  return dir;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Every file under dir with its size and modification time. */
async function snapshot(dir: string): Promise<string[]> {
  const files = await listFiles(dir);
  return Promise.all(files.sort().map(async (f) => `${f} ${(await stat(f)).size} ${(await stat(f)).mtimeMs}`));
}

describe('deployment as the image runs it: unprivileged, read-only app, certificate from the environment', () => {
  let root: string;
  let appDir: string;
  let db: TestDatabase;
  let s3: S3rverInstance;
  let base: string;
  let token: string;
  let certificatePem: string;
  let env: Record<string, string>;
  const storage: string[] = [];
  const processes: Running[] = [];
  let api: Running;
  let workers: Running[];
  let appSnapshot: string[];
  let staleBrowserDir: string | undefined;

  beforeAll(async () => {
    requireBuild();
    root = await mkdtemp(join(tmpdir(), 'td-deployment-'));
    await chmod(root, 0o755);

    // The application directory, laid out like the image's /app, then made read-only for everyone. node_modules is
    // the repository's (root's, not writable by nobody either): copying ~1 GB would only slow the test.
    appDir = join(root, 'app');
    await mkdir(appDir);
    await cp('dist', join(appDir, 'dist'), { recursive: true });
    await cp('templates', join(appDir, 'templates'), { recursive: true });
    await cp('src/modules/console/static', join(appDir, 'src/modules/console/static'), { recursive: true });
    await cp('package.json', join(appDir, 'package.json'));
    await symlink(resolve('node_modules'), join(appDir, 'node_modules'));
    run('chmod', ['-R', 'a-w', appDir]);
    appSnapshot = await snapshot(appDir);

    // The company's PKCS#12, given to every process as base64 in the environment (a secret), never as a file there.
    const certDir = join(root, 'cert');
    await mkdir(certDir, { mode: 0o700 });
    run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '30',
        '-utf8',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-subj',
        `/CN=${COMPANY}/O=${COMPANY}/C=CN`,
        '-addext',
        'keyUsage=critical,digitalSignature,nonRepudiation',
        '-addext',
        'extendedKeyUsage=emailProtection',
      ],
      certDir,
    );
    run(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-inkey',
        'key.pem',
        '-in',
        'cert.pem',
        '-out',
        'company.p12',
        '-passout',
        `pass:${P12_PASSWORD}`,
      ],
      certDir,
    );
    certificatePem = await readFile(join(certDir, 'cert.pem'), 'utf8');
    const p12Base64 = (await readFile(join(certDir, 'company.p12'))).toString('base64');

    // A browser folder left in /tmp by a dead root process: nobody can neither read nor delete it and must render anyway.
    const deadPid = spawnSync('true').pid;
    staleBrowserDir = await mkdtemp(join(tmpdir(), `tenderdesk-chromium-${deadPid}-`));
    await mkdir(join(staleBrowserDir, 'profile'));

    db = await createTestDatabase('deployment');
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: await ownedDir(root, 's3') });
    const { port: s3Port } = await s3.run();

    const adminToken = 'deployment-admin-token-0123456789abc';
    env = {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      QUEUE_DRIVER: 'pgboss',
      S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      S3_BUCKET: 'tenderdesk-deploy',
      SIGNING_P12_BASE64: p12Base64,
      SIGNING_P12_PASSWORD: P12_PASSWORD,
      ADMIN_TOKEN: adminToken,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      DEMO_DATA: 'false',
      // Production's guards want the address mails link to (never fetched here).
      PUBLIC_URL: 'https://tenderdesk.example.com',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'log',
      JOB_LEASE_SECONDS: '60',
      RENDER_CONCURRENCY: '1',
    };
    // Each process its own storage volume and home, both nobody's: nothing is shared but PostgreSQL and S3.
    const own = async (name: string) => {
      const dir = await ownedDir(root, name);
      storage.push(join(dir, 'storage'));
      await ownedDir(dir, 'storage');
      return { STORAGE_DIR: join(dir, 'storage'), HOME: dir };
    };

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = runAsNobody(appDir, 'main.js', { ...env, ...(await own('api')), PORT: String(port), API_RUNS_JOBS: 'false' });
    processes.push(api);
    await waitForHttp(`${base}/health`, api, 180_000);
    workers = [
      runAsNobody(appDir, 'worker.js', { ...env, ...(await own('worker-1')) }),
      runAsNobody(appDir, 'worker.js', { ...env, ...(await own('worker-2')) }),
    ];
    processes.push(...workers);
    await Promise.all(workers.map((w) => waitForOutput(w, /consuming jobs/, 120_000)));

    const user = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'backoffice', roles: ['backoffice'], apiToken: true }),
    });
    expect(user.status).toBe(201);
    token = ((await user.json()) as { token: string }).token;
  }, 400_000);

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await s3?.close();
    if (staleBrowserDir) await rm(staleBrowserDir, { recursive: true, force: true });
    await db?.drop();
    if (root) {
      spawnSync('chmod', ['-R', 'u+w', root]);
      await rm(root, { recursive: true, force: true });
    }
  });

  const auth = () => ({ authorization: `Bearer ${token}` });

  /** Enqueues a signed statement, waits for its job, and returns which worker ran it and the stored PDF. */
  async function renderOnAWorker(): Promise<{ worker: number; documentId: string; pdf: Buffer }> {
    const res = await fetch(`${base}/api/documents`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'customer-statement', data: SAMPLE, formats: ['pdf'], sign: true }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    let job: { status: string; result?: { documentId?: string }; error?: unknown } = { status: 'queued' };
    for (let i = 0; i < 600 && job.status !== 'succeeded' && job.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      job = (await (await fetch(`${base}/api/jobs/${id}`, { headers: auth() })).json()) as typeof job;
    }
    if (job.status !== 'succeeded') {
      throw new Error(
        `job ${id} ${JSON.stringify(job)}; workers:\n${workers.map((w) => w.stdout() + w.stderr()).join('\n---\n')}`,
      );
    }
    expect(job).toMatchObject({ status: 'succeeded', result: { documentId: expect.any(String) } });
    const worker = workers.findIndex((w) => w.stdout().includes(id));
    const file = await fetch(`${base}/api/documents/${job.result!.documentId}/file`, { headers: auth() });
    expect(file.status).toBe(200);
    return { worker, documentId: job.result!.documentId!, pdf: Buffer.from(await file.arrayBuffer()) };
  }

  async function verifyOnApi(pdf: Buffer): Promise<{ valid: boolean; documentId: string | null }> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'statement.pdf');
    const res = await fetch(`${base}/api/documents/verify`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    return (await res.json()) as { valid: boolean; documentId: string | null };
  }

  it('runs every process as nobody', () => {
    for (const p of processes) {
      const status = run('cat', [`/proc/${p.child.pid}/status`]);
      // setpriv execs node in place: the pid is node's.
      expect(status).toMatch(new RegExp(`^Uid:\\s+${UID}\\s+${UID}\\s+${UID}\\s+${UID}$`, 'm'));
    }
  });

  it('signs on each worker with the one certificate from the environment, and the API verifies both', async () => {
    const published = await (await fetch(`${base}/api/signing/certificate`)).text();
    expect(published).toContain(certificatePem.trim());

    const first = await renderOnAWorker();
    expect(first.worker).toBeGreaterThanOrEqual(0);
    expect(await verifyOnApi(first.pdf)).toMatchObject({ valid: true, documentId: first.documentId });

    // The other worker renders the next one: the first is stopped (SIGTERM, as `docker compose stop` does).
    const firstWorker = workers[first.worker]!;
    firstWorker.child.kill('SIGTERM');
    expect(await firstWorker.exited).toBe(0);
    const second = await renderOnAWorker();
    expect(second.worker).toBe(1 - first.worker);
    expect(await verifyOnApi(second.pdf)).toMatchObject({ valid: true, documentId: second.documentId });

    // The signature is the company's, not a development certificate's.
    expect(first.pdf.includes(Buffer.from('DEVELOPMENT'))).toBe(false);
    const tampered = Buffer.from(second.pdf);
    tampered[Math.floor(tampered.length / 3)] ^= 0x01;
    expect(await verifyOnApi(tampered)).toMatchObject({ valid: false });
  }, 300_000);

  it('wrote nothing into the application directory and no certificate into any storage volume', async () => {
    expect(
      spawnSync('setpriv', [
        `--reuid=${UID}`,
        `--regid=${GID}`,
        '--clear-groups',
        '--',
        'touch',
        join(appDir, 'dist', 'x'),
      ]).status,
    ).not.toBe(0);
    const written = (await Promise.all(storage.map((dir) => listFiles(dir)))).flat();
    expect(written.filter((f) => f.includes(join('signing', 'development')))).toEqual([]);
    // The same files as copied, unchanged (the directory is read-only, but nothing should even have tried).
    expect(await snapshot(appDir)).toEqual(appSnapshot);
  });
});
