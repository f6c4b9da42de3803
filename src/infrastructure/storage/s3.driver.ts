import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, S3Error, type BucketItem } from 'minio';
import { AppException } from '../../common/errors/app-exception.js';
import { StorageError } from './storage.errors.js';
import type { S3Config } from '../../config/app-config.js';
import {
  DEFAULT_CONTENT_TYPE,
  HashingStream,
  ObjectStorage,
  checkExpiry,
  sha256Hex,
  type ObjectInfo,
  type PutOptions,
  type StoredObject,
} from './object-storage.js';
import { validateStorageKey, validateStoragePrefix } from './storage-key.js';

/** User metadata key holding the hex SHA-256 (sent as `x-amz-meta-sha256`). */
const SHA256_META = 'sha256';
const PING_TIMEOUT_MS = 5000;
// stat() per listed object, a few at a time: S3 listings carry no user metadata.
const LIST_STAT_CONCURRENCY = 8;

/**
 * Objects in an S3 bucket through the minio client (works with AWS S3, MinIO and s3rver).
 *
 * Size limit and memory: the minio client sends an object of up to `partSize` (its default, 64 MiB) in one
 * PUT and reads it into memory to do so; larger objects go up as a multipart upload. s3rver does not
 * implement multipart (ListMultipartUploads answers 501), so against s3rver objects must stay below
 * 64 MiB; real S3 and MinIO take any size.
 *
 * The SHA-256 goes into the object's user metadata, and metadata travels in the PUT headers, before the
 * body: the hash must be known before the upload starts. A Buffer is hashed up front; a stream is spooled
 * to a temporary file while being hashed and counted (memory stays bounded whatever its size), then
 * uploaded from that file with its exact size. Without a known size the client would always choose
 * multipart.
 */
export class S3Storage extends ObjectStorage {
  readonly kind = 's3' as const;
  private readonly client: Client;
  private readonly bucket: string;
  private bucketReady?: Promise<void>;

  constructor(private readonly config: S3Config) {
    super();
    this.bucket = config.bucket;
    this.client = new Client({
      endPoint: config.endPoint,
      port: config.port,
      useSSL: config.useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      region: config.region,
      pathStyle: config.pathStyle,
    });
  }

  async put(key: string, body: Buffer | Readable, opts: PutOptions = {}): Promise<StoredObject> {
    validateStorageKey(key);
    await this.ensureBucket();
    const contentType = opts.contentType ?? DEFAULT_CONTENT_TYPE;
    const upload = async (data: Buffer | Readable, size: number, sha256: string): Promise<StoredObject> => {
      await this.client.putObject(this.bucket, key, data, size, {
        'Content-Type': contentType,
        [SHA256_META]: sha256,
      });
      return { key, size, sha256, contentType };
    };
    if (Buffer.isBuffer(body)) return upload(body, body.length, sha256Hex(body));

    const dir = await mkdtemp(join(tmpdir(), 'tenderdesk-s3-put-'));
    try {
      const spool = join(dir, 'body');
      const hashing = new HashingStream();
      await pipeline(body, hashing, createWriteStream(spool));
      return await upload(createReadStream(spool), hashing.size, hashing.digest());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async get(key: string): Promise<Readable> {
    validateStorageKey(key);
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (err) {
      throw isMissing(err) ? notFound(key) : err;
    }
  }

  async getBuffer(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.get(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    validateStorageKey(key);
    try {
      const info = await this.client.statObject(this.bucket, key);
      // minio lower-cases metadata names and strips the x-amz-meta- prefix.
      const meta = info.metaData as Record<string, string | undefined>;
      return {
        key,
        size: info.size,
        sha256: meta[SHA256_META] ?? '',
        contentType: meta['content-type'] ?? DEFAULT_CONTENT_TYPE,
        lastModified: info.lastModified,
      };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    validateStorageKey(key);
    try {
      // S3 answers 204 for a missing key; a missing bucket means there is nothing to delete either.
      await this.client.removeObject(this.bucket, key);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    validateStoragePrefix(prefix);
    const keys: string[] = [];
    try {
      for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
        const name = (item as BucketItem).name;
        if (name) keys.push(name);
      }
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    keys.sort();
    const infos: (ObjectInfo | null)[] = [];
    for (let i = 0; i < keys.length; i += LIST_STAT_CONCURRENCY) {
      const batch = keys.slice(i, i + LIST_STAT_CONCURRENCY);
      infos.push(...(await Promise.all(batch.map((key) => this.statListed(key)))));
    }
    // An object deleted between the listing and its stat() is simply left out.
    return infos.filter((info): info is ObjectInfo => info !== null);
  }

  async presignedUrl(key: string, expiresInSeconds: number): Promise<string> {
    validateStorageKey(key);
    checkExpiry(expiresInSeconds);
    // The client signs locally (region is configured, so no region lookup request is made).
    return this.client.presignedGetObject(this.bucket, key, expiresInSeconds);
  }

  async ping(): Promise<void> {
    // Always a real round trip (not the cached ensureBucket), bounded so /health never hangs on a dead host.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`S3 did not answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.createBucketIfMissing(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Creates the bucket on first use; a failure is not cached, so the next call tries again. */
  private ensureBucket(): Promise<void> {
    this.bucketReady ??= this.createBucketIfMissing().catch((err: unknown) => {
      this.bucketReady = undefined;
      throw err;
    });
    return this.bucketReady;
  }

  private async createBucketIfMissing(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      await this.client.makeBucket(this.bucket, this.config.region);
    } catch (err) {
      // Another instance created it in the meantime.
      const code = (err as S3Error).code;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw err;
    }
  }

  /** stat() for a key that came from a listing (and is therefore not re-validated as strictly). */
  private async statListed(key: string): Promise<ObjectInfo | null> {
    try {
      return await this.stat(key);
    } catch (err) {
      // Objects written by other tools may carry keys this service would never create: skip them.
      if (err instanceof AppException && err.code === StorageError.INVALID_STORAGE_KEY) return null;
      throw err;
    }
  }
}

function notFound(key: string): AppException {
  return AppException.notFound(StorageError.OBJECT_NOT_FOUND, `No object stored under ${key}`, { key });
}

function isMissing(err: unknown): boolean {
  if (!(err instanceof S3Error)) return false;
  // HEAD answers carry no body, so minio reports them as 'NotFound'.
  return err.code === 'NoSuchKey' || err.code === 'NotFound' || err.code === 'NoSuchBucket';
}
