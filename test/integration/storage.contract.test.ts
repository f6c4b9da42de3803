import 'reflect-metadata';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
// s3rver ships no type declarations; the little of it used here is typed by S3rverInstance below.
// @ts-expect-error TS7016: untyped CommonJS module
import S3rverUntyped from 's3rver';
import { AllExceptionsFilter } from '../../src/common/errors/all-exceptions.filter.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { FilesystemStorage, signStorageUrl, verifySignedUrl } from '../../src/infrastructure/storage/filesystem.driver.js';
import { ObjectStorage } from '../../src/infrastructure/storage/object-storage.js';
import { S3Storage } from '../../src/infrastructure/storage/s3.driver.js';
import { StorageModule } from '../../src/infrastructure/storage/storage.module.js';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
const S3rver = S3rverUntyped as new (options: Record<string, unknown>) => S3rverInstance;

const BUCKET = 'tenderdesk-test';
const CHINESE = '投标文件：合同总价 壹万贰仟叁佰肆拾伍元陆角柒分（¥12,345.67）';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A free loopback port, so the app's PUBLIC_URL can name it before the app starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startS3rver(): Promise<{ server: S3rverInstance; endpoint: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tenderdesk-s3rver-'));
  // No configureBuckets: the driver must create its bucket itself.
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await server.run();
  return { server, endpoint: `http://127.0.0.1:${port}`, dir };
}

function s3Env(endpoint: string, storageDir: string): NodeJS.ProcessEnv {
  return {
    STORAGE_DIR: storageDir,
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY: 'S3RVER',
    S3_SECRET_KEY: 'S3RVER',
    S3_BUCKET: BUCKET,
  };
}

/** A real Nest app with only the config and the storage module, on loopback. */
async function startApp(config: AppConfig, port: number): Promise<INestApplication> {
  @Module({})
  class StorageTestAppModule {}
  const root: DynamicModule = { module: StorageTestAppModule, imports: [ConfigModule.forRoot(config), StorageModule] };
  const app = await NestFactory.create(root, { logger: false });
  app.useGlobalFilters(new AllExceptionsFilter());
  await app.listen(port, '127.0.0.1');
  return app;
}

interface Harness {
  storage: ObjectStorage;
  /** Base URL of the running Nest app that hosts StorageController. */
  appUrl: string;
}

/** The behaviour every ObjectStorage driver must show; `setup` runs once, teardown is the caller's. */
function describeStorageContract(name: string, makeStorage: () => Promise<Harness>): void {
  describe(`ObjectStorage contract: ${name}`, () => {
    let storage: ObjectStorage;

    beforeAll(async () => {
      ({ storage } = await makeStorage());
    });

    it('is usable (ping)', async () => {
      await expect(storage.ping()).resolves.toBeUndefined();
    });

    it('round-trips a Buffer with its size, SHA-256 and content type', async () => {
      const body = Buffer.from('hello, tender\n');
      const stored = await storage.put('contract/hello.txt', body, { contentType: 'text/plain' });
      expect(stored).toEqual({ key: 'contract/hello.txt', size: 14, sha256: sha256(body), contentType: 'text/plain' });
      expect(await storage.getBuffer('contract/hello.txt')).toEqual(body);
      expect(await readAll(await storage.get('contract/hello.txt'))).toEqual(body);

      const info = await storage.stat('contract/hello.txt');
      expect(info).toMatchObject({ key: 'contract/hello.txt', size: 14, sha256: sha256(body), contentType: 'text/plain' });
      // Not toBeInstanceOf(Date): dates made by node:fs come from outside Jest's VM realm.
      expect(Object.prototype.toString.call(info!.lastModified)).toBe('[object Date]');
      expect(Math.abs(info!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('round-trips a multi-chunk Readable, hashing and counting it while writing', async () => {
      const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, i));
      const whole = Buffer.concat(chunks);
      const stored = await storage.put('contract/stream.bin', Readable.from(chunks));
      expect(stored).toEqual({
        key: 'contract/stream.bin',
        size: 40 * 64 * 1024,
        sha256: sha256(whole),
        contentType: 'application/octet-stream',
      });
      const back = await storage.getBuffer('contract/stream.bin');
      expect(back.length).toBe(whole.length);
      expect(sha256(back)).toBe(sha256(whole));
      expect((await storage.stat('contract/stream.bin'))?.sha256).toBe(sha256(whole));
    });

    it('stores an empty object', async () => {
      const stored = await storage.put('contract/empty', Buffer.alloc(0));
      expect(stored.size).toBe(0);
      expect(stored.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect((await storage.getBuffer('contract/empty')).length).toBe(0);
    });

    it('keeps Chinese text byte for byte, even when a stream splits its characters', async () => {
      const bytes = Buffer.from(CHINESE, 'utf8');
      // Split inside a 3-byte UTF-8 sequence: a driver that decoded chunks as text would corrupt it.
      const parts = [bytes.subarray(0, 1), bytes.subarray(1, 8), bytes.subarray(8)];
      await storage.put('contract/zh-buffer.txt', bytes, { contentType: 'text/plain; charset=utf-8' });
      await storage.put('contract/zh-stream.txt', Readable.from(parts), { contentType: 'text/plain; charset=utf-8' });
      for (const key of ['contract/zh-buffer.txt', 'contract/zh-stream.txt']) {
        const back = await storage.getBuffer(key);
        expect(back.equals(bytes)).toBe(true);
        expect(back.toString('utf8')).toBe(CHINESE);
        expect(await storage.stat(key)).toMatchObject({
          size: bytes.length,
          sha256: sha256(bytes),
          contentType: 'text/plain; charset=utf-8',
        });
      }
    });

    it('replaces an object put again under the same key', async () => {
      await storage.put('contract/replace.txt', Buffer.from('first version'));
      await storage.put('contract/replace.txt', Buffer.from('second'));
      expect((await storage.getBuffer('contract/replace.txt')).toString()).toBe('second');
      expect(await storage.stat('contract/replace.txt')).toMatchObject({ size: 6, sha256: sha256(Buffer.from('second')) });
    });

    it('reports a missing object as null from stat and OBJECT_NOT_FOUND from get', async () => {
      expect(await storage.stat('contract/missing.txt')).toBeNull();
      expect(await storage.stat('contract/missing/deeper.txt')).toBeNull();
      await expect(storage.get('contract/missing.txt')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND', status: 404 });
      await expect(storage.getBuffer('contract/missing.txt')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND', status: 404 });
    });

    it('deletes idempotently', async () => {
      await storage.put('contract/doomed.txt', Buffer.from('x'));
      await storage.delete('contract/doomed.txt');
      expect(await storage.stat('contract/doomed.txt')).toBeNull();
      await expect(storage.getBuffer('contract/doomed.txt')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
      await expect(storage.delete('contract/doomed.txt')).resolves.toBeUndefined();
      await expect(storage.delete('contract/never-existed/x.txt')).resolves.toBeUndefined();
    });

    it('lists by prefix, recursively, sorted by key, with each object described', async () => {
      const keys = ['list/b.txt', 'list/a/2/3.txt', 'list/ab.txt', 'list/a/1.txt', 'listing.txt', 'other/x.txt'];
      for (const key of keys) await storage.put(key, Buffer.from(`content of ${key}`), { contentType: 'text/plain' });

      const folder = await storage.list('list/a/');
      expect(folder.map((o) => o.key)).toEqual(['list/a/1.txt', 'list/a/2/3.txt']);
      expect(folder[1]).toMatchObject({
        size: Buffer.byteLength('content of list/a/2/3.txt'),
        sha256: sha256(Buffer.from('content of list/a/2/3.txt')),
        contentType: 'text/plain',
      });
      expect(Math.abs(folder[1]!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);

      // A prefix is a plain string prefix, as in S3.
      expect((await storage.list('list/a')).map((o) => o.key)).toEqual(['list/a/1.txt', 'list/a/2/3.txt', 'list/ab.txt']);
      expect((await storage.list('list/')).map((o) => o.key)).toEqual([
        'list/a/1.txt',
        'list/a/2/3.txt',
        'list/ab.txt',
        'list/b.txt',
      ]);
      expect((await storage.list('list')).map((o) => o.key)).toContain('listing.txt');
      expect(await storage.list('nothing-here/')).toEqual([]);

      // Everything, and nothing but objects (no driver bookkeeping files).
      const all = (await storage.list('')).map((o) => o.key);
      expect(all).toEqual([...all].sort());
      expect(all).toEqual(expect.arrayContaining(keys));
      expect(all.every((key) => /^[A-Za-z0-9._/-]+$/.test(key))).toBe(true);
    });

    describe.each(['../x', '/abs', 'a//b', 'a/./b', 'a\\b', 'a/..', ''])('rejects the invalid key %p', (key) => {
      it.each(['put', 'get', 'getBuffer', 'stat', 'delete', 'presignedUrl'] as const)('in %s', async (op) => {
        const call = (): Promise<unknown> => {
          switch (op) {
            case 'put':
              return storage.put(key, Buffer.from('nope'));
            case 'presignedUrl':
              return storage.presignedUrl(key, 60);
            default:
              return storage[op](key);
          }
        };
        await expect(call()).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY', status: 400, details: { key } });
      });
    });

    it('rejects an invalid listing prefix', async () => {
      await expect(storage.list('../')).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY' });
      await expect(storage.list('/abs')).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY' });
    });

    it('gives a presigned URL that a plain fetch downloads the same bytes from', async () => {
      const bytes = Buffer.from(`${CHINESE}\n`.repeat(50), 'utf8');
      await storage.put('contract/links/offer.txt', bytes, { contentType: 'text/plain; charset=utf-8' });
      const url = await storage.presignedUrl('contract/links/offer.txt', 300);
      expect(new URL(url).hostname).toBe('127.0.0.1');
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
    });

    it('refuses a nonsensical link lifetime', async () => {
      await expect(storage.presignedUrl('contract/hello.txt', 0)).rejects.toThrow(RangeError);
      await expect(storage.presignedUrl('contract/hello.txt', 8 * 24 * 3600)).rejects.toThrow(RangeError);
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Filesystem driver, provided by StorageModule inside a real Nest app that serves its signed links.

describe('filesystem driver', () => {
  let storageDir: string;
  let app: INestApplication;
  let appUrl: string;
  let storage: ObjectStorage;

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'tenderdesk-fs-storage-'));
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    app = await startApp(loadConfig({ STORAGE_DIR: storageDir, PUBLIC_URL: appUrl }), port);
    storage = app.get(ObjectStorage);
  });

  afterAll(async () => {
    await app?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  describeStorageContract('filesystem', async () => ({ storage, appUrl }));

  describe('specifics', () => {
    it('is the filesystem driver, storing under STORAGE_DIR/objects', async () => {
      expect(storage).toBeInstanceOf(FilesystemStorage);
      expect(storage.kind).toBe('filesystem');
      await storage.put('fs/where.txt', Buffer.from('here'));
      expect(await readFile(join(storageDir, 'objects', 'fs', 'where.txt'), 'utf8')).toBe('here');
    });

    it('writes nothing outside the root for a traversal key', async () => {
      await expect(storage.put('../escaped.txt', Buffer.from('x'))).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY' });
      await expect(stat(join(storageDir, 'escaped.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('refuses to store a key under an existing object (a file cannot be a folder)', async () => {
      await storage.put('fs/file', Buffer.from('x'));
      await expect(storage.put('fs/file/child', Buffer.from('y'))).rejects.toMatchObject({
        code: 'STORAGE_KEY_CONFLICT',
        status: 409,
      });
      expect(await storage.stat('fs/file/child')).toBeNull();
      await expect(storage.delete('fs/file/child')).resolves.toBeUndefined();
      expect((await storage.getBuffer('fs/file')).toString()).toBe('x');
    });

    it('treats a folder as no object', async () => {
      await storage.put('fs/folder/inner.txt', Buffer.from('x'));
      expect(await storage.stat('fs/folder')).toBeNull();
      await expect(storage.get('fs/folder')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
      await expect(storage.getBuffer('fs/folder')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    });

    it('keeps the link secret in STORAGE_DIR/.storage-url-secret, readable by the owner only', async () => {
      await storage.presignedUrl('fs/where.txt', 60);
      const file = join(storageDir, '.storage-url-secret');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'hex').length).toBe(32);
    });

    it('re-uses the secret across instances, so links survive a restart', async () => {
      const again = new FilesystemStorage({
        root: join(storageDir, 'objects'),
        secretFile: join(storageDir, '.storage-url-secret'),
        publicUrl: appUrl,
      });
      const res = await fetch(await again.presignedUrl('fs/where.txt', 60));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('here');
    });

    it('serves a link with the SHA-256 as ETag', async () => {
      const body = Buffer.from('etag me');
      await storage.put('fs/etag.txt', body, { contentType: 'text/plain' });
      const res = await fetch(await storage.presignedUrl('fs/etag.txt', 60));
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(`"${sha256(body)}"`);
      expect(res.headers.get('content-type')).toBe('text/plain');
    });

    async function expectForbidden(url: string, code: string): Promise<void> {
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }

    it('answers a tampered link with 403 INVALID_SIGNATURE', async () => {
      await storage.put('fs/secret.txt', Buffer.from('classified'));
      await storage.put('fs/other.txt', Buffer.from('other'));
      const good = new URL(await storage.presignedUrl('fs/secret.txt', 60));
      const signature = good.searchParams.get('signature')!;

      const flipped = new URL(good);
      flipped.searchParams.set('signature', signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0'));
      await expectForbidden(flipped.href, 'INVALID_SIGNATURE');

      const extended = new URL(good);
      extended.searchParams.set('expires', String(Number(good.searchParams.get('expires')) + 3600));
      await expectForbidden(extended.href, 'INVALID_SIGNATURE');

      const otherKey = new URL(good);
      otherKey.pathname = '/api/storage/fs/other.txt';
      await expectForbidden(otherKey.href, 'INVALID_SIGNATURE');

      await expectForbidden(`${appUrl}/api/storage/fs/secret.txt`, 'INVALID_SIGNATURE');

      // The untouched link still works: the 403s above are about the tampering, not the link.
      expect(await (await fetch(good)).text()).toBe('classified');
    });

    it('answers an expired link with 403 LINK_EXPIRED', async () => {
      const secret = Buffer.from((await readFile(join(storageDir, '.storage-url-secret'), 'utf8')).trim(), 'hex');
      const expires = Math.floor(Date.now() / 1000) - 5;
      const url = `${appUrl}/api/storage/fs/secret.txt?expires=${expires}&signature=${signStorageUrl(secret, 'fs/secret.txt', expires)}`;
      await expectForbidden(url, 'LINK_EXPIRED');
    });

    it('answers a validly signed link to a deleted object with 404 OBJECT_NOT_FOUND', async () => {
      await storage.put('fs/gone.txt', Buffer.from('x'));
      const url = await storage.presignedUrl('fs/gone.txt', 60);
      await storage.delete('fs/gone.txt');
      const res = await fetch(url);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('OBJECT_NOT_FOUND');
    });

    it('verifySignedUrl accepts a genuine link until it expires', () => {
      const secret = Buffer.alloc(32, 7);
      const sig = signStorageUrl(secret, 'a/b.pdf', 1_000);
      expect(() => verifySignedUrl(secret, 'a/b.pdf', '1000', sig, 999_999)).not.toThrow();
      expect(() => verifySignedUrl(secret, 'a/b.pdf', '1000', sig, 1_000_000)).toThrow(
        expect.objectContaining({ code: 'LINK_EXPIRED' }),
      );
      for (const [key, expires, signature] of [
        ['a/c.pdf', '1000', sig],
        ['a/b.pdf', '1001', sig],
        ['a/b.pdf', '1000', sig.toUpperCase()],
        ['a/b.pdf', '1000', undefined],
        ['a/b.pdf', undefined, sig],
        ['a/b.pdf', '1e3', sig],
      ] as const) {
        expect(() => verifySignedUrl(secret, key, expires, signature, 0)).toThrow(
          expect.objectContaining({ code: 'INVALID_SIGNATURE', status: 403 }),
        );
      }
      expect(() => verifySignedUrl(Buffer.alloc(32, 8), 'a/b.pdf', '1000', sig, 0)).toThrow(
        expect.objectContaining({ code: 'INVALID_SIGNATURE' }),
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// S3 driver against a real s3rver on loopback, also provided through StorageModule.

describe('s3 driver', () => {
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  let storageDir: string;
  let app: INestApplication;
  let appUrl: string;
  let storage: ObjectStorage;

  beforeAll(async () => {
    s3 = await startS3rver();
    storageDir = await mkdtemp(join(tmpdir(), 'tenderdesk-s3-storage-'));
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    app = await startApp(loadConfig({ ...s3Env(s3.endpoint, storageDir), PUBLIC_URL: appUrl }), port);
    storage = app.get(ObjectStorage);
  });

  afterAll(async () => {
    await app?.close();
    await s3?.server.close();
    await rm(storageDir, { recursive: true, force: true });
    if (s3) await rm(s3.dir, { recursive: true, force: true });
  });

  describeStorageContract('s3 (s3rver)', async () => ({ storage, appUrl }));

  describe('specifics', () => {
    it('is the S3 driver', () => {
      expect(storage).toBeInstanceOf(S3Storage);
      expect(storage.kind).toBe('s3');
    });

    it('records the SHA-256 as x-amz-meta-sha256 on the object itself', async () => {
      const body = Buffer.from('metadata check');
      await storage.put('s3/meta.txt', body);
      const res = await fetch(`${s3.endpoint}/${BUCKET}/s3/meta.txt`, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-amz-meta-sha256')).toBe(sha256(body));
    });

    it('points presigned URLs at S3 itself, not at the app', async () => {
      const url = new URL(await storage.presignedUrl('s3/meta.txt', 60));
      expect(url.origin).toBe(s3.endpoint);
      expect(url.pathname).toBe(`/${BUCKET}/s3/meta.txt`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    });

    it('answers 404 OBJECT_NOT_FOUND on the app storage route (links go to S3)', async () => {
      const res = await fetch(`${appUrl}/api/storage/s3/meta.txt?expires=9999999999&signature=${'0'.repeat(64)}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('OBJECT_NOT_FOUND');
    });

    it('pings fine while s3rver runs and fails once it is stopped', async () => {
      const own = await startS3rver();
      const dir = await mkdtemp(join(tmpdir(), 'tenderdesk-s3-ping-'));
      try {
        const config = loadConfig(s3Env(own.endpoint, dir));
        if (config.storage.kind !== 's3') throw new Error('expected an S3 configuration');
        const driver = new S3Storage(config.storage.s3);
        await expect(driver.ping()).resolves.toBeUndefined();
        await own.server.close();
        await expect(driver.ping()).rejects.toThrow();
        await expect(driver.put('after/stop.txt', Buffer.from('x'))).rejects.toThrow();
      } finally {
        await own.server.close().catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
        await rm(own.dir, { recursive: true, force: true });
      }
    });
  });
});
