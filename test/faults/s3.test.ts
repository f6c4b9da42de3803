import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TemplateEngine } from '../../src/rendering/templates/template-engine.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startS3, until, type ControlledS3 } from '../support/faults.js';

// Fault: the S3 server (s3rver on loopback) goes away while a document renders, and comes back on the same port
// with the same data. The job must fail visibly and retryably, write no half a record, and succeed once S3 is back.

const BUCKET = 'tenderdesk-faults';

interface JobBody {
  id: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  result: { documentId?: string; version?: number } | null;
}

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** Every object file s3rver keeps for the bucket (its on-disk layout: <dir>/<bucket>/<key>._S3rver_object). */
async function storedObjects(s3: ControlledS3): Promise<string[]> {
  try {
    return (await readdir(join(s3.dir, BUCKET), { recursive: true }))
      .filter((f) => f.endsWith('._S3rver_object'))
      .sort();
  } catch {
    return [];
  }
}

describe('fault: S3 unavailable during a render', () => {
  let t: TestApp;
  let s3: ControlledS3;
  const sample = new TemplateEngine().sample('customer-statement');
  const auth = () => ({ type: 'bearer' as const });

  beforeAll(async () => {
    s3 = await startS3();
    t = await startTestApp('fault_s3', s3.env(BUCKET));
  });
  afterAll(async () => {
    await t?.close();
    await s3?.destroy();
  });

  const job = async (id: string): Promise<JobBody> => {
    const res = await t.http().get(`/api/jobs/${id}`).auth(t.adminToken, auth());
    expect(res.status).toBe(200);
    return res.body as JobBody;
  };
  const counts = async () =>
    (
      await t.db.query<{ documents: number; versions: number; files: number }>(
        `SELECT (SELECT count(*)::int FROM documents) AS documents,
                (SELECT count(*)::int FROM document_versions) AS versions,
                (SELECT count(*)::int FROM document_files) AS files`,
      )
    )[0];

  it('fails the job with a retryable status while S3 is down, records nothing, and succeeds once S3 is back', async () => {
    // Warm up against a live S3: the bucket exists, Chromium is up, so the outage is the only difference.
    const warm = await t
      .http()
      .post('/api/documents?wait=true')
      .auth(t.adminToken, auth())
      .send({ template: 'customer-statement', data: sample, formats: ['pdf'], sign: false });
    expect(warm.status).toBe(201);
    const before = await counts();
    expect(before).toEqual({ documents: 1, versions: 1, files: 1 });
    const objectsBefore = await storedObjects(s3);
    expect(objectsBefore).toHaveLength(1);

    await s3.stop();
    const outageStarted = Date.now();
    const health = await t.http().get('/health').auth(t.adminToken, auth());
    expect(health.status).toBe(503);
    expect(health.body.checks.storage).toMatchObject({ status: 'down', kind: 's3' });

    const posted = await t
      .http()
      .post('/api/documents')
      .auth(t.adminToken, auth())
      .send({ template: 'customer-statement', data: sample, formats: ['pdf', 'docx', 'bundle'], sign: true });
    expect(posted.status).toBe(202);
    const id = (posted.body as JobBody).id;

    // The failed attempt is visible: retrying, with the storage error, attempts left.
    const failing = await until(
      'the job retrying',
      () => job(id),
      (j) => j.status !== 'queued' && j.status !== 'running',
      30_000,
      50,
    );
    expect(failing).toMatchObject({ status: 'retrying', attempts: 1, maxAttempts: 3 });
    expect(failing.error).toMatch(/ECONNREFUSED|connect|socket/i);
    // Nothing half-written: no document, version or file row, and no object.
    expect(await counts()).toEqual(before);
    expect(await storedObjects(s3)).toEqual(objectsBefore);

    // S3 returns on the same port with the same data; the next attempt stores the document.
    await s3.start();
    const outage = Date.now() - outageStarted;
    const done = await until(
      'the job finished',
      () => job(id),
      (j) => j.status === 'succeeded' || j.status === 'failed',
      30_000,
      100,
    );
    expect(done).toMatchObject({
      status: 'succeeded',
      error: null,
      result: { documentId: expect.any(String), version: 1 },
    });
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(await counts()).toEqual({ documents: 2, versions: 2, files: 4 }); // the warm-up pdf; pdf, docx, bundle
    expect(await storedObjects(s3)).toHaveLength(4);

    // What was stored is what is served, byte for byte.
    const doc = await t.http().get(`/api/documents/${done.result!.documentId}`).auth(t.adminToken, auth());
    const files = (doc.body as { versions: { files: { format: string; sha256: string; size: number }[] }[] })
      .versions[0].files;
    expect(files.map((f) => f.format)).toEqual(['bundle', 'docx', 'pdf']);
    for (const f of files) {
      const res = await t
        .http()
        .get(`/api/documents/${done.result!.documentId}/file?format=${f.format}`)
        .auth(t.adminToken, auth())
        .buffer(true)
        .parse(binary);
      expect(res.status).toBe(200);
      const bytes = res.body as Buffer;
      expect({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({
        size: f.size,
        sha256: f.sha256,
      });
    }
    expect((await t.http().get('/health').auth(t.adminToken, auth())).body.checks.storage).toMatchObject({
      status: 'up',
    });
    expect(outage).toBeLessThan(30_000);
  }, 60_000);

  it('rolls back a version whose second object could not be written, leaving no record and no stray object', async () => {
    const before = await counts();
    const objectsBefore = await storedObjects(s3);
    // Down right after the PDF of the next document is stored: its DOCX and bundle find no server.
    const down = s3.stopAfter((req) => req.method === 'PUT' && /\/documents\/[^?]+\.pdf(\?|$)/.test(req.url ?? ''));
    const posted = await t
      .http()
      .post('/api/documents')
      .auth(t.adminToken, auth())
      .send({ template: 'customer-statement', data: sample, formats: ['pdf', 'docx', 'bundle'], sign: true });
    expect(posted.status).toBe(202);
    const id = (posted.body as JobBody).id;
    await down;
    const failing = await until(
      'the job retrying',
      () => job(id),
      (j) => j.status !== 'queued' && j.status !== 'running',
      30_000,
      50,
    );
    expect(failing).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(await counts()).toEqual(before);

    await s3.start();
    const done = await until(
      'the job finished',
      () => job(id),
      (j) => j.status === 'succeeded' || j.status === 'failed',
      30_000,
      100,
    );
    expect(done).toMatchObject({ status: 'succeeded', error: null, result: { version: 1 } });
    expect(await counts()).toEqual({
      documents: before.documents + 1,
      versions: before.versions + 1,
      files: before.files + 3,
    });
    // Every object belongs to a recorded file: the PDF of the failed attempt was replaced, not left behind.
    const keys = (await t.db.query<{ storage_key: string }>('SELECT storage_key FROM document_files')).map(
      (r) => `${r.storage_key}._S3rver_object`,
    );
    const objects = await storedObjects(s3);
    expect(objects.filter((o) => !objectsBefore.includes(o))).toHaveLength(3);
    expect(objects).toEqual([...keys].sort());
  }, 60_000);
});
