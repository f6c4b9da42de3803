import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { ObjectStorage } from '../../infrastructure/storage/object-storage.js';
import type { AuditEvent } from '../audit/index.js';
import { detectKind, FILE_KINDS, type FileKind } from './file-kinds.js';
import { checkImageDimensions } from './image-limits.js';
import { FileError } from './files.errors.js';
import { decryptPdf, pdfEncryption } from './pdf-encryption.js';
import { sanitizeFileName } from './file-naming.js';
import { FilesRepository, type FileOwner } from './files.repository.js';
import type { StoredFile } from './stored-file.entity.js';

/** An upload as the controller received it (multer memory storage). */
export interface Upload {
  originalName: string;
  bytes: Buffer;
}

export interface StoreOptions extends FileOwner {
  allowed: readonly FileKind[];
  /** Per-purpose limit; UPLOAD_LIMIT always applies too. */
  maxBytes?: number;
  purpose: string;
  kind?: string | null;
  actor: AuditEvent['actor'];
}

/** A stored file as the API shows it (the storage key stays inside). */
export interface FileView {
  id: string;
  purpose: string;
  kind: string | null;
  originalName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: Date;
  uploadedByName: string;
}

export interface FileDownload {
  file: FileView;
  stream: Readable;
}

export const fileView = (f: StoredFile): FileView => ({
  id: f.id,
  purpose: f.purpose,
  kind: f.kind,
  originalName: f.originalName,
  contentType: f.contentType,
  size: f.size,
  sha256: f.sha256,
  uploadedAt: f.uploadedAt,
  uploadedByName: f.uploadedByName,
});

/** A refused upload: 413 or 415 (also used by the upload interceptor for multer's own limit). */
export function fileTooLarge(size: number | null, limit: number): AppException {
  return new AppException(
    HttpStatus.PAYLOAD_TOO_LARGE,
    FileError.FILE_TOO_LARGE,
    `The file is larger than the limit of ${limit} bytes`,
    {
      limit,
      ...(size === null ? {} : { size }),
    },
  );
}

/**
 * Uploaded files for every record type: checks the bytes, stores them in ObjectStorage and records a
 * stored_files row. Either both the object and the row exist or neither does.
 */
@Injectable()
export class FilesService {
  private readonly logger = new Logger('Files');

  constructor(
    private readonly files: FilesRepository,
    private readonly storage: ObjectStorage,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  /**
   * Stores an upload for an owner. `within` runs in the same transaction as the row (audit it there); if
   * it or the row insert fails, the object is deleted again. Call this outside any tx.run of your own:
   * an outer transaction rolling back later could not take the object with it.
   */
  async store(
    upload: Upload | undefined,
    opts: StoreOptions,
    within?: (file: FileView) => Promise<void>,
  ): Promise<FileView> {
    if (!upload || upload.bytes.length === 0) {
      throw AppException.badRequest(FileError.FILE_MISSING, 'Send the file as the multipart field "file"');
    }
    const limit = Math.min(opts.maxBytes ?? Infinity, this.config.uploadLimitBytes);
    if (upload.bytes.length > limit) throw fileTooLarge(upload.bytes.length, limit);
    const detection = await detectKind(upload.bytes, opts.allowed);
    if (!detection.ok) {
      const allowed = opts.allowed.map((k) => k.toUpperCase()).join(', ');
      const what = detection.detected ? `${detection.detected} (${detection.mime})` : 'not a recognised file type';
      throw new AppException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        ErrorCode.UNSUPPORTED_FILE_TYPE,
        `Only ${allowed} files are accepted; the bytes are ${what}`,
        {
          detected: detection.detected,
          detectedMime: detection.mime,
          allowed: opts.allowed,
        },
      );
    }
    const bytes = await this.defused(upload, detection.kind);
    const now = new Date();
    const key = `files/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomUUID()}.${detection.ext}`;
    const stored = await this.storage.put(key, bytes, { contentType: detection.mime });
    try {
      return await this.tx.run(async () => {
        const row = await this.files.insert({
          ownerType: opts.ownerType,
          ownerId: opts.ownerId,
          purpose: opts.purpose,
          kind: opts.kind ?? null,
          originalName: sanitizeFileName(upload.originalName, detection.ext),
          contentType: detection.mime,
          size: stored.size,
          sha256: stored.sha256,
          storageKey: key,
          uploadedBy: opts.actor.id,
          uploadedByName: opts.actor.name,
        });
        const view = fileView(row);
        await within?.(view);
        return view;
      });
    } catch (err) {
      await this.deleteObject(key);
      throw err;
    }
  }

  /**
   * Input bombs, refused at upload rather than on bid day: images whose header claims too many pixels
   * (IMAGE_TOO_LARGE), PDFs that need a password (PDF_ENCRYPTED). A PDF encrypted for permissions only opens
   * without a password: the decrypted copy is what is stored (its size and SHA-256 are the stored file's).
   */
  private async defused(upload: Upload, kind: FileKind): Promise<Buffer> {
    if (kind === 'png' || kind === 'jpeg') {
      checkImageDimensions(upload.bytes, this.config.images);
      return upload.bytes;
    }
    const encryption = await pdfEncryption(upload.bytes);
    if (encryption === 'password') {
      throw AppException.unprocessable(
        FileError.PDF_ENCRYPTED,
        'The PDF is protected by a password: it cannot be printed or put into a tender package. Upload a copy without a password (e.g. print it to PDF, or scan it again).',
      );
    }
    if (encryption === 'none') return upload.bytes;
    this.logger.log(`${upload.originalName}: permission-only encrypted PDF, storing a decrypted copy`);
    return decryptPdf(upload.bytes);
  }

  /** The files of these owners, by owner id (every id present, possibly with an empty list). */
  async filesOf(ownerType: string, ownerIds: string[], purpose?: string): Promise<Map<string, FileView[]>> {
    const byOwner = new Map<string, FileView[]>(ownerIds.map((id) => [id, []]));
    for (const f of await this.files.listFor(ownerType, ownerIds, purpose)) byOwner.get(f.ownerId)?.push(fileView(f));
    return byOwner;
  }

  /** One file of an owner, or 404 FILE_NOT_FOUND (also when it belongs to someone else). */
  async get(owner: FileOwner, id: string): Promise<FileView> {
    return fileView(await this.mustFind(owner, id));
  }

  /** The file's bytes as a stream, for a download route. */
  async open(owner: FileOwner, id: string): Promise<FileDownload> {
    const row = await this.mustFind(owner, id);
    return { file: fileView(row), stream: await this.storage.get(row.storageKey) };
  }

  /** The file's bytes in memory (e.g. to append a scan to a tender package). */
  async read(id: string): Promise<{ file: FileView; bytes: Buffer }> {
    const row = await this.files.findById(id);
    if (!row) throw AppException.notFound(FileError.FILE_NOT_FOUND, 'No such file', { id });
    return { file: fileView(row), bytes: await this.storage.getBuffer(row.storageKey) };
  }

  /**
   * Deletes the rows (one file, or every file of the owner) inside the caller's transaction and returns
   * them; pass them to deleteObjects once that transaction has committed.
   */
  async deleteRecords(owner: FileOwner, id?: string): Promise<StoredFile[]> {
    const rows = id ? [await this.mustFind(owner, id)] : await this.files.listFor(owner.ownerType, [owner.ownerId]);
    await this.files.delete(rows.map((r) => r.id));
    return rows;
  }

  /** After commit: removes the objects. A failure leaves an orphan object (logged), never a row without bytes. */
  async deleteObjects(rows: StoredFile[]): Promise<void> {
    for (const row of rows) await this.deleteObject(row.storageKey);
  }

  private async deleteObject(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (err) {
      this.logger.warn(`could not delete object ${key}: ${(err as Error).message}`);
    }
  }

  private async mustFind(owner: FileOwner, id: string): Promise<StoredFile> {
    const row = await this.files.findOwned(owner, id);
    if (!row) throw AppException.notFound(FileError.FILE_NOT_FOUND, 'No such file for this record', { id });
    return row;
  }
}

export { FILE_KINDS };
