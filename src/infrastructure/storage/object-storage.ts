import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export interface StoredObject {
  key: string;
  size: number;
  /** Lower-case hex SHA-256 of the bytes, computed by the driver while writing. */
  sha256: string;
  contentType: string;
}

export interface ObjectInfo extends StoredObject {
  lastModified: Date;
}

export interface PutOptions {
  contentType?: string;
}

/**
 * The object storage port. Services depend on this abstract class (it is also the Nest injection token);
 * StorageModule provides the filesystem or the S3 driver depending on the configuration.
 * Every method validates its key (see storage-key.ts) and throws INVALID_STORAGE_KEY for a bad one.
 */
export abstract class ObjectStorage {
  abstract readonly kind: 'filesystem' | 's3';

  /** Stores the bytes under `key` (replacing any object there) and records their SHA-256 and size. */
  abstract put(key: string, body: Buffer | Readable, opts?: PutOptions): Promise<StoredObject>;

  /** The object's bytes as a stream; throws OBJECT_NOT_FOUND (404) when missing. */
  abstract get(key: string): Promise<Readable>;

  /** The object's bytes in memory; throws OBJECT_NOT_FOUND (404) when missing. */
  abstract getBuffer(key: string): Promise<Buffer>;

  /** The object's metadata, or null when there is no such object. */
  abstract stat(key: string): Promise<ObjectInfo | null>;

  /** Removes the object; removing a missing object is not an error. */
  abstract delete(key: string): Promise<void>;

  /** Every object whose key starts with `prefix` (any depth), sorted by key. */
  abstract list(prefix: string): Promise<ObjectInfo[]>;

  /** A URL anyone can GET the object from until it expires. */
  abstract presignedUrl(key: string, expiresInSeconds: number): Promise<string>;

  /** Resolves when the storage is usable; throws otherwise (for /health). */
  abstract ping(): Promise<void>;
}

/** A pass-through stream that counts and hashes what flows through it. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  /** The hex digest; call once, after the stream has finished. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function checkExpiry(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > 7 * 24 * 3600) {
    // 7 days is also the longest S3 (SigV4) accepts, so both drivers share the limit.
    throw new RangeError('expiresInSeconds must be an integer between 1 and 604800');
  }
}
