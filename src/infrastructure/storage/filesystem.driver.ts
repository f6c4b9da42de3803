import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, constants, link, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppException } from '../../common/errors/app-exception.js';
import { StorageError } from './storage.errors.js';
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

// Sidecar and temporary files carry a '#', which valid keys never contain: no key can collide with them,
// and list() can tell them apart from objects by name alone.
const META_SUFFIX = '#meta.json';
const TMP_MARK = '#tmp-';

interface Sidecar {
  size: number;
  sha256: string;
  contentType: string;
}

export interface FilesystemStorageOptions {
  /** Directory holding the objects (config.storage.root). */
  root: string;
  /** Where the URL-signing secret lives (`<storageDir>/.storage-url-secret`). */
  secretFile: string;
  /** The service's public base URL; signed links point at its /api/storage route. */
  publicUrl: string;
}

/**
 * Objects as plain files under a root directory, with a `<name>#meta.json` sidecar for SHA-256 and
 * content type. Writes go to a temporary file that is renamed into place, so readers never see half
 * an object. Limits: data and sidecar are renamed one after the other, so a crash between the two
 * renames can leave a stale sidecar (stat() re-hashes when the sidecar's size disagrees); and, unlike
 * S3, `a` and `a/b` cannot both exist (a file cannot also be a directory).
 */
export class FilesystemStorage extends ObjectStorage {
  readonly kind = 'filesystem' as const;
  private readonly root: string;
  private secret?: Promise<Buffer>;

  constructor(private readonly options: FilesystemStorageOptions) {
    super();
    this.root = resolve(options.root);
  }

  async put(key: string, body: Buffer | Readable, opts: PutOptions = {}): Promise<StoredObject> {
    const path = this.pathOf(key);
    const contentType = opts.contentType ?? DEFAULT_CONTENT_TYPE;
    const tmp = `${path}${TMP_MARK}${randomBytes(6).toString('hex')}`;
    try {
      await mkdir(dirname(path), { recursive: true });
      let size: number;
      let sha256: string;
      if (Buffer.isBuffer(body)) {
        await writeFile(tmp, body);
        size = body.length;
        sha256 = sha256Hex(body);
      } else {
        const hashing = new HashingStream();
        await pipeline(body, hashing, createWriteStream(tmp));
        size = hashing.size;
        sha256 = hashing.digest();
      }
      const sidecar: Sidecar = { size, sha256, contentType };
      await writeFile(`${tmp}${META_SUFFIX}`, JSON.stringify(sidecar));
      await rename(tmp, path);
      await rename(`${tmp}${META_SUFFIX}`, `${path}${META_SUFFIX}`);
      return { key, ...sidecar };
    } catch (err) {
      await removeIfPresent(tmp);
      await removeIfPresent(`${tmp}${META_SUFFIX}`);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
        // A file cannot also be a folder: 'a' and 'a/b' cannot both be stored here (S3 allows it).
        throw AppException.conflict(
          StorageError.STORAGE_KEY_CONFLICT,
          `${key} clashes with an existing object or folder`,
          { key },
        );
      }
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    // Open first so a missing object is reported here rather than as a stream error later.
    const handle = await open(path, 'r').catch((err: unknown) => {
      throw isMissing(err) ? notFound(key) : err;
    });
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw notFound(key);
    }
    return handle.createReadStream();
  }

  async getBuffer(key: string): Promise<Buffer> {
    const path = this.pathOf(key);
    return readFile(path).catch((err: unknown) => {
      throw isMissing(err) ? notFound(key) : err;
    });
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    const path = this.pathOf(key);
    const info = await stat(path).catch((err: unknown) => {
      if (isMissing(err)) return null;
      throw err;
    });
    if (!info?.isFile()) return null;
    const sidecar = await this.readSidecar(path);
    if (sidecar && sidecar.size === info.size) {
      return { key, ...sidecar, lastModified: info.mtime };
    }
    // No sidecar (file placed by hand) or a stale one (crash mid-put): describe the bytes as they are.
    const sha256 = await hashFile(path);
    return {
      key,
      size: info.size,
      sha256,
      contentType: sidecar?.contentType ?? DEFAULT_CONTENT_TYPE,
      lastModified: info.mtime,
    };
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await removeIfPresent(path);
    await removeIfPresent(`${path}${META_SUFFIX}`);
    // Empty directories are left in place: removing them could race with a put into the same folder.
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    validateStoragePrefix(prefix);
    // Walk only the deepest folder the prefix names, then filter by plain string prefix (S3 semantics:
    // 'a/b' matches 'a/b/c' and 'a/bc').
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const keys = (await this.walk(folder)).filter((key) => key.startsWith(prefix)).sort();
    const infos = await Promise.all(keys.map((key) => this.stat(key)));
    return infos.filter((info): info is ObjectInfo => info !== null);
  }

  async presignedUrl(key: string, expiresInSeconds: number): Promise<string> {
    validateStorageKey(key);
    checkExpiry(expiresInSeconds);
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const signature = signStorageUrl(await this.urlSecret(), key, expires);
    const base = this.options.publicUrl.replace(/\/+$/, '');
    return `${base}/api/storage/${key}?expires=${expires}&signature=${signature}`;
  }

  /** Throws INVALID_SIGNATURE or LINK_EXPIRED (403) unless the link parameters are genuine and current. */
  async verifyUrl(key: string, expires: unknown, signature: unknown): Promise<void> {
    verifySignedUrl(await this.urlSecret(), key, expires, signature);
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.R_OK | constants.W_OK);
  }

  /** Resolves a validated key to a path, and refuses any path outside the root (defence in depth). */
  private pathOf(key: string): string {
    validateStorageKey(key);
    const path = resolve(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep)) {
      throw AppException.badRequest(StorageError.INVALID_STORAGE_KEY, 'Storage key leaves the storage root', { key });
    }
    return path;
  }

  private async readSidecar(path: string): Promise<Sidecar | null> {
    try {
      return JSON.parse(await readFile(`${path}${META_SUFFIX}`, 'utf8')) as Sidecar;
    } catch (err) {
      if (isMissing(err) || err instanceof SyntaxError) return null;
      throw err;
    }
  }

  /** Keys of every object under `folder` ('' or ending in '/'), at any depth. */
  private async walk(folder: string): Promise<string[]> {
    const dir = folder === '' ? this.root : this.pathOf(folder.slice(0, -1));
    const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch((err: unknown) => {
      if (isMissing(err)) return [];
      throw err;
    });
    return entries
      .filter((entry) => entry.isFile() && !entry.name.includes('#'))
      .map((entry) => relative(this.root, join(entry.parentPath, entry.name)).split(sep).join('/'));
  }

  /** The HMAC key for signed links: 32 random bytes created on first use and kept (0600) across restarts. */
  private urlSecret(): Promise<Buffer> {
    this.secret ??= loadOrCreateSecret(this.options.secretFile).catch((err: unknown) => {
      this.secret = undefined;
      throw err;
    });
    return this.secret;
  }
}

async function loadOrCreateSecret(file: string): Promise<Buffer> {
  const existing = await readFile(file, 'utf8').catch((err: unknown) => {
    if (isMissing(err)) return null;
    throw err;
  });
  if (existing !== null) return Buffer.from(existing.trim(), 'hex');
  await mkdir(dirname(file), { recursive: true });
  // Write to a private temp file, then link() it into place: link fails if another process won the race,
  // and nobody ever reads a half-written secret.
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, randomBytes(32).toString('hex'), { mode: 0o600 });
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
}

/** The hex HMAC-SHA256 a signed storage link carries for `key` until `expires` (unix seconds). */
export function signStorageUrl(secret: Buffer, key: string, expires: number): string {
  return createHmac('sha256', secret).update(`${key}\n${expires}`).digest('hex');
}

/**
 * Checks a signed storage link's query parameters. The signature is checked before the expiry, so an
 * edited `expires` is reported as INVALID_SIGNATURE rather than revealing anything about the link.
 */
export function verifySignedUrl(
  secret: Buffer,
  key: string,
  expires: unknown,
  signature: unknown,
  nowMs: number = Date.now(),
): void {
  const expiresAt = typeof expires === 'string' && /^\d{1,12}$/.test(expires) ? Number(expires) : NaN;
  const given =
    typeof signature === 'string' && /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : null;
  const expected = Number.isNaN(expiresAt) ? null : Buffer.from(signStorageUrl(secret, key, expiresAt), 'hex');
  if (!given || !expected || !timingSafeEqual(given, expected)) {
    throw AppException.forbidden(StorageError.INVALID_SIGNATURE, 'The link signature is invalid', { key });
  }
  if (expiresAt * 1000 <= nowMs) {
    throw AppException.forbidden(StorageError.LINK_EXPIRED, 'The link has expired', {
      key,
      expiredAt: new Date(expiresAt * 1000).toISOString(),
    });
  }
}

function notFound(key: string): AppException {
  return AppException.notFound(StorageError.OBJECT_NOT_FOUND, `No object stored under ${key}`, { key });
}

/** rm that also shrugs off ENOTDIR (a parent segment is a file), which `force` alone does not. */
async function removeIfPresent(path: string): Promise<void> {
  await rm(path, { force: true }).catch((err: unknown) => {
    if (!isMissing(err)) throw err;
  });
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // ENOTDIR: a parent segment of the key is a file; EISDIR: the key names a folder. Neither is an object.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
