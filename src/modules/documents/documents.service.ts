import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { sha256Hex } from '../../infrastructure/storage/object-storage.js';
import { ObjectStorage } from '../../infrastructure/storage/object-storage.js';
import { TransactionRunner } from '../../database/transaction.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import { CONTENT_TYPES, type Locale, type RenderedFile } from '../../rendering/rendering.types.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { JobsService, type JobView } from '../jobs/jobs.service.js';
import type { DocumentFile, DocumentFormat } from './document-file.entity.js';
import type { DocumentVersion } from './document-version.entity.js';
import type { DocumentRecord } from './document.entity.js';
import { DocumentsRepository } from './documents.repository.js';

export const RENDER_JOB = 'document.render';

export interface GenerateRequest {
  template: string;
  data: unknown;
  formats: DocumentFormat[];
  sign: boolean;
  locale?: Locale;
  subject?: { type: string; id: string };
}

export interface StoreRequest {
  /** The document type: a template name, or a composite such as `tender-package` or `contact-sheet-finance`. */
  type: string;
  subject?: { type: string; id: string };
  title: string;
  locale: Locale;
  signed: boolean;
  /** Every template that went into the files, with its version. */
  templateVersions: Record<string, string>;
  /** pdf and/or docx; file names are `<fileBaseName or type>-v<version>-<locale>.<extension>`. */
  files: RenderedFile[];
  /** Add a signed bundle (ZIP + manifest + .p7s) of the files. */
  bundle: boolean;
  fileBaseName?: string;
  /** Merged into the audit entry's details. */
  auditDetails?: Record<string, unknown>;
  /** Storing as this job: an earlier attempt's version is returned instead of storing a second one. */
  jobId?: string;
}

export interface FileView {
  format: DocumentFormat;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
}
export interface VersionView {
  version: number;
  locale: string;
  signed: boolean;
  templateVersions: Record<string, string>;
  createdAt: Date;
  createdBy: { id: string | null; name: string };
  files: FileView[];
}
export interface DocumentView {
  id: string;
  type: string;
  title: string;
  subject: { type: string; id: string } | null;
  latestVersion: number;
  createdAt: Date;
  versions: VersionView[];
}
export interface VerifyResult {
  valid: boolean;
  documentId: string | null;
  version: number | null;
  format: DocumentFormat | null;
  reason: string;
}

/**
 * Stored documents: render through the pipeline, store every file (object storage, hashed), record a new
 * version, audit. Runs as a job (`document.render`) or synchronously for small documents (`?wait=true`).
 */
@Injectable()
export class DocumentsService implements OnModuleInit {
  private readonly logger = new Logger('Documents');

  constructor(
    private readonly documents: DocumentsRepository,
    private readonly rendering: RenderingService,
    private readonly storage: ObjectStorage,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ request: GenerateRequest; actor: Pick<AuthUser, 'id' | 'name'> }>(
      RENDER_JOB,
      async ({ request, actor }, ctx) => {
        await ctx.progress(10);
        const doc = await this.generate(actor, request, ctx.jobId);
        return { documentId: doc.id, version: doc.latestVersion };
      },
      { kind: 'render', retryLimit: 2, retryDelaySeconds: 2 },
    );
  }

  /** Checks what can be checked before queueing (template exists, data fits it), so a job does not fail later. */
  async enqueue(actor: AuthUser, request: GenerateRequest): Promise<JobView> {
    this.rendering.html(request.template, request.data, request.locale); // template errors as 4xx now, not in the job
    return this.jobs.enqueue(RENDER_JOB, { request, actor: { id: actor.id, name: actor.name } } as Record<string, unknown>, actor);
  }

  /** `jobId`: rendering as that job, whose retries then store at most one version (see JobsService.lockEffect). */
  async generate(actor: Pick<AuthUser, 'id' | 'name'>, request: GenerateRequest, jobId?: string): Promise<DocumentView> {
    const formats = [...new Set(request.formats)];
    const rendered = await this.rendering.render({
      template: request.template,
      data: request.data,
      formats: formats.filter((f): f is 'pdf' | 'docx' => f !== 'bundle'),
      sign: request.sign,
      locale: request.locale,
    });
    return this.store(actor, {
      type: request.template,
      subject: request.subject,
      title: rendered.title,
      locale: rendered.locale,
      signed: request.sign,
      templateVersions: rendered.templateVersions,
      files: rendered.files,
      bundle: formats.includes('bundle'),
      auditDetails: { formats },
      jobId,
    });
  }

  /**
   * Stores files rendered elsewhere (a tender package assembled from many templates, a contact sheet's copies)
   * as the next version of the document of `type` about `subject`: objects written, version recorded, audited, in
   * one transaction; on failure the objects written are removed again, so nothing is half-written.
   */
  async store(actor: Pick<AuthUser, 'id' | 'name'>, input: StoreRequest): Promise<DocumentView> {
    const written: string[] = [];
    try {
      const documentId = await this.tx.run(async () => {
        const earlier = input.jobId ? await this.jobs.lockEffect(input.jobId) : null;
        if (typeof earlier?.documentId === 'string') return earlier.documentId;
        const doc = await this.documentFor(actor, input.type, input.subject, input.title, input.jobId);
        const version = doc.latestVersion + 1;
        const saved = await this.documents.createVersion({
          documentId: doc.id,
          version,
          templateVersions: input.templateVersions,
          locale: input.locale,
          signed: input.signed,
          createdBy: actor.id,
          createdByName: actor.name,
        });
        const base = `${input.fileBaseName ?? doc.type}-v${version}-${input.locale}`;
        const files = input.files.map((f) => ({ format: f.format as DocumentFormat, name: `${base}.${f.extension}`, bytes: f.bytes, contentType: f.contentType }));
        if (input.bundle) {
          const bundle = await this.rendering.bundle(files, {
            documentId: doc.id,
            type: doc.type,
            subject: { type: doc.subjectType ?? 'none', id: doc.subjectId },
            version,
            templateVersions: input.templateVersions,
            createdAt: saved.createdAt.toISOString(),
            createdBy: actor.name,
          });
          files.push({ format: 'bundle', name: `${base}.zip`, bytes: bundle, contentType: CONTENT_TYPES.bundle });
        }
        for (const f of files) {
          const key = `documents/${doc.id}/v${version}/${f.name}`;
          const stored = await this.storage.put(key, f.bytes, { contentType: f.contentType });
          written.push(key);
          await this.documents.createFile({
            versionId: saved.id,
            format: f.format,
            storageKey: key,
            sha256: stored.sha256,
            size: String(stored.size),
            contentType: f.contentType,
            fileName: f.name,
          });
        }
        await this.documents.setLatest(doc.id, version, input.title);
        await this.audit.record({
          actor,
          action: 'document.generate',
          entityType: 'document',
          entityId: doc.id,
          details: { type: doc.type, version, formats: files.map((f) => f.format), signed: input.signed, subject: input.subject ?? null, ...input.auditDetails },
        });
        if (input.jobId) await this.jobs.saveEffect(input.jobId, { documentId: doc.id, version });
        return doc.id;
      });
      return this.get(documentId);
    } catch (err) {
      // The record was rolled back: remove the objects written for it, so nothing is half-written.
      await Promise.all(written.map((k) => this.storage.delete(k).catch(() => undefined)));
      throw err;
    }
  }

  /** The document of this type about this subject, if one was generated. */
  async findFor(type: string, subject: { type: string; id: string }): Promise<DocumentView | null> {
    const doc = await this.documents.findForSubject(type, subject.type, subject.id);
    return doc ? this.get(doc.id) : null;
  }

  async get(id: string): Promise<DocumentView> {
    const doc = await this.documents.findById(id);
    if (!doc) throw AppException.notFound('DOCUMENT_NOT_FOUND', 'No such document', { id });
    const versions = await this.documents.versions(id);
    return view(doc, versions);
  }

  async file(id: string, format: DocumentFormat, version?: number): Promise<{ file: DocumentFile; bytes: Buffer }> {
    const doc = await this.documents.findById(id);
    if (!doc) throw AppException.notFound('DOCUMENT_NOT_FOUND', 'No such document', { id });
    const v = version ?? doc.latestVersion;
    const file = await this.documents.file(id, v, format);
    if (!file) {
      throw AppException.notFound('DOCUMENT_FILE_NOT_FOUND', `Version ${v} of this document has no ${format} file`, { id, version: v, format });
    }
    return { file, bytes: await this.storage.getBuffer(file.storageKey) };
  }

  /** Valid only when the bytes are exactly a file we stored and its signature (PDF) or manifest (bundle) checks out. */
  async verify(bytes: Buffer): Promise<VerifyResult> {
    const kind = bytes.subarray(0, 5).toString('latin1') === '%PDF-' ? 'pdf' : bytes.subarray(0, 2).toString('latin1') === 'PK' ? 'bundle' : null;
    if (!kind) return { valid: false, documentId: null, version: null, format: null, reason: 'not a PDF or a bundle (ZIP)' };
    const known = await this.documents.findFileBySha256(sha256Hex(bytes));
    const check = kind === 'pdf' ? await this.rendering.verifyPdf(bytes) : await this.rendering.verifyBundle(bytes);
    if (!known) {
      return {
        valid: false,
        documentId: null,
        version: null,
        format: kind,
        reason: check.valid ? 'signed by our certificate, but not a file this service stored (altered or from another installation)' : `not one of ours: ${check.reason}`,
      };
    }
    const ids = { documentId: known.version!.documentId, version: known.version!.version, format: known.format };
    if (!check.valid) return { valid: false, ...ids, reason: check.reason };
    return { valid: true, ...ids, reason: kind === 'pdf' && !known.version!.signed ? 'an unaltered copy of an unsigned document' : 'signature valid and file unaltered' };
  }

  /**
   * A new document stored by a job takes the job's id, so its object keys are the same in every attempt: an attempt
   * that failed half-way while storage was down (and so could not remove what it had written) is overwritten by
   * the retry instead of leaving stray objects.
   */
  private async documentFor(actor: Pick<AuthUser, 'id'>, type: string, subject: StoreRequest['subject'], title: string, jobId?: string): Promise<DocumentRecord> {
    if (subject) {
      const existing = await this.documents.findForSubjectLocked(type, subject.type, subject.id);
      if (existing) return existing;
    }
    const created = await this.documents.createDocument({
      ...(jobId ? { id: jobId } : {}),
      type,
      subjectType: subject?.type ?? null,
      subjectId: subject?.id ?? null,
      title,
      createdBy: actor.id,
    });
    return (await this.documents.lockById(created.id))!;
  }
}

function view(doc: DocumentRecord, versions: DocumentVersion[]): DocumentView {
  return {
    id: doc.id,
    type: doc.type,
    title: doc.title,
    subject: doc.subjectType && doc.subjectId ? { type: doc.subjectType, id: doc.subjectId } : null,
    latestVersion: doc.latestVersion,
    createdAt: doc.createdAt,
    versions: versions.map((v) => ({
      version: v.version,
      locale: v.locale,
      signed: v.signed,
      templateVersions: v.templateVersions,
      createdAt: v.createdAt,
      createdBy: { id: v.createdBy, name: v.createdByName },
      files: (v.files ?? [])
        .map((f) => ({ format: f.format, fileName: f.fileName, contentType: f.contentType, size: Number(f.size), sha256: f.sha256 }))
        .sort((a, b) => a.format.localeCompare(b.format)),
    })),
  };
}
