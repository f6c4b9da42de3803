import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { DocumentError } from './documents.errors.js';
import { sha256Hex } from '../../infrastructure/storage/object-storage.js';
import { ObjectStorage } from '../../infrastructure/storage/object-storage.js';
import { TransactionRunner } from '../../database/transaction.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import { CONTENT_TYPES, type Locale, type RenderedFile } from '../../rendering/rendering.types.js';
import { AuditService } from '../audit/index.js';
import { type AuthUser, type Role, OwnershipService } from '../auth/index.js';
import { JobsService, type JobView } from '../jobs/index.js';
import type { DocumentFile, DocumentFormat } from './document-file.entity.js';
import {
  AD_HOC_NOTICE,
  isWorkflowSubject,
  WORKFLOW_SUBJECTS,
  type DocumentOrigin,
  type DocumentRecordRef,
  type WorkflowSubject,
} from './document-origin.js';
import type { DocumentVersion } from './document-version.entity.js';
import type { DocumentRecord } from './document.entity.js';
import { DocumentsRepository } from './documents.repository.js';

export const RENDER_JOB = 'document.render';

/** An ad-hoc document (POST /api/documents): any template, the caller's data; never about a workflow's record. */
export interface GenerateRequest {
  template: string;
  data: unknown;
  formats: DocumentFormat[];
  sign: boolean;
  locale?: Locale;
  subject?: { type: string; id: string };
}

/** Who may read a type of workflow document through /api/documents (its workflow's own rule). */
export type ReaderRule = (user: Pick<AuthUser, 'roles'>) => boolean;

/** A rule: any of these roles (admin always passes). */
export const anyOf =
  (roles: readonly Role[]): ReaderRule =>
  (user) =>
    roles.some((r) => user.roles.includes(r));

/** Ad-hoc documents, and workflow documents whose workflow declared no rule of its own. */
export const DOCUMENT_READERS: readonly Role[] = ['backoffice', 'sales', 'finance', 'engineering', 'manager'];

export interface StoreRequest {
  /** The document type: a template name, or a composite such as `tender-package` or `contact-sheet-finance`. */
  type: string;
  /** The workflow's record: only a workflow stores through here, and only it adds versions to this document. */
  subject: { type: WorkflowSubject; id: string };
  /** The record as /verify names it. */
  record: DocumentRecordRef;
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
/** A stored file's bytes with what a download needs to say about them (another module's view, not the row). */
export interface FileBytes {
  file: FileView;
  bytes: Buffer;
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
  origin: DocumentOrigin;
  record: DocumentRecordRef | null;
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
  /** Of a file we stored: issued by a workflow (its record named) or rendered ad hoc; null for a file we did not store. */
  origin: DocumentOrigin | null;
  record: DocumentRecordRef | null;
}

type StoreInput = Omit<StoreRequest, 'subject' | 'record'> & {
  origin: DocumentOrigin;
  subject?: { type: string; id: string };
  record: DocumentRecordRef | null;
};

/**
 * Stored documents: render through the pipeline, store every file (object storage, hashed), record a new
 * version, audit. Runs as a job (`document.render`) or synchronously for small documents (`?wait=true`).
 */
@Injectable()
export class DocumentsService implements OnModuleInit {
  private readonly logger = new Logger('Documents');
  private readonly readers = new Map<string, ReaderRule>();

  constructor(
    private readonly documents: DocumentsRepository,
    private readonly rendering: RenderingService,
    private readonly storage: ObjectStorage,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly ownership: OwnershipService,
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

  /**
   * A workflow says who may read its documents of `type` through /api/documents (the same rule as its own file
   * routes, e.g. a contact sheet's finance copy); without one, DOCUMENT_READERS.
   */
  restrictReaders(type: string, rule: ReaderRule): void {
    this.readers.set(type, rule);
  }

  /**
   * An ad-hoc request's subject, checked before anything renders or queues: never a workflow's record (422
   * SUBJECT_RESERVED), and for a sales user bound to their own records, one they reach (403 NOT_YOUR_RECORD).
   */
  async checkAdHocSubject(user: AuthUser, subject: GenerateRequest['subject']): Promise<void> {
    refuseReservedSubject(subject);
    if (subject && this.ownership.registered(subject.type))
      await this.ownership.checkReference(user, subject.type, subject.id, 'subject.id');
  }

  /** Checks what can be checked before queueing (template exists, data fits it, subject free), so a job does not fail later. */
  async enqueue(actor: AuthUser, request: GenerateRequest): Promise<JobView> {
    refuseReservedSubject(request.subject);
    await this.rendering.html(request.template, request.data, request.locale); // template errors as 4xx now, not in the job
    return this.jobs.enqueue(
      RENDER_JOB,
      { request, actor: { id: actor.id, name: actor.name } } as Record<string, unknown>,
      actor,
    );
  }

  /**
   * An ad-hoc document: rendered with the ad-hoc notice in its footer and stored as `ad-hoc`; a workflow's subject
   * type is refused (422 SUBJECT_RESERVED) before anything is rendered or written.
   * `jobId`: rendering as that job, whose retries then store at most one version (see JobsService.lockEffect).
   */
  async generate(
    actor: Pick<AuthUser, 'id' | 'name'>,
    request: GenerateRequest,
    jobId?: string,
  ): Promise<DocumentView> {
    refuseReservedSubject(request.subject);
    const { formats, rendered } = await this.renderOne(request, AD_HOC_NOTICE);
    return this.save(actor, {
      origin: 'ad-hoc',
      type: request.template,
      subject: request.subject,
      record: null,
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

  /** One template rendered into the PDF and DOCX asked for (a bundle is made when storing). */
  private async renderOne(request: Omit<GenerateRequest, 'subject'>, footerNote?: string) {
    const formats = [...new Set(request.formats)];
    const rendered = await this.rendering.render({
      template: request.template,
      data: request.data,
      formats: formats.filter((f): f is 'pdf' | 'docx' => f !== 'bundle'),
      sign: request.sign,
      locale: request.locale,
      footerNote,
    });
    return { formats, rendered };
  }

  /**
   * A workflow stores files rendered elsewhere (a tender package assembled from many templates, a contact sheet's
   * copies) as the next version of its record's document of `type`: objects written, version recorded, audited, in
   * one transaction; on failure the objects written are removed again, so nothing is half-written.
   */
  async store(actor: Pick<AuthUser, 'id' | 'name'>, input: StoreRequest): Promise<DocumentView> {
    return this.get((await this.storeRecord(actor, input)).id);
  }

  /** `store` without reading the document back (two queries): the id and the version just stored. */
  async storeRecord(
    actor: Pick<AuthUser, 'id' | 'name'> | { id: null; name: string },
    input: StoreRequest,
  ): Promise<{ id: string; latestVersion: number }> {
    if (!isWorkflowSubject(input.subject.type)) throw new Error(`not a workflow subject type: ${input.subject.type}`);
    return this.saveRecord(actor, { ...input, origin: 'workflow' });
  }

  private async save(actor: Pick<AuthUser, 'id' | 'name'>, input: StoreInput): Promise<DocumentView> {
    return this.get((await this.saveRecord(actor, input)).id);
  }

  private async saveRecord(
    actor: Pick<AuthUser, 'id' | 'name'> | { id: null; name: string },
    input: StoreInput,
  ): Promise<{ id: string; latestVersion: number }> {
    const written: string[] = [];
    try {
      return await this.tx.run(async () => {
        const earlier = input.jobId ? await this.jobs.lockEffect(input.jobId) : null;
        if (typeof earlier?.documentId === 'string') {
          const latest = typeof earlier.version === 'number' ? earlier.version : null;
          return {
            id: earlier.documentId,
            latestVersion: latest ?? (await this.get(earlier.documentId)).latestVersion,
          };
        }
        const doc = await this.documentFor(actor, input);
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
        const files = input.files.map((f) => ({
          format: f.format as DocumentFormat,
          name: `${base}.${f.extension}`,
          bytes: f.bytes,
          contentType: f.contentType,
        }));
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
        const rows = [];
        for (const f of files) {
          const key = `documents/${doc.id}/v${version}/${f.name}`;
          const stored = await this.storage.put(key, f.bytes, { contentType: f.contentType });
          written.push(key);
          // Stored inside a caller's transaction (the document issuer): its rollback removes the object too.
          this.tx.onRollback(() => this.storage.delete(key).catch(() => undefined));
          rows.push({
            versionId: saved.id,
            format: f.format,
            storageKey: key,
            sha256: stored.sha256,
            size: String(stored.size),
            contentType: f.contentType,
            fileName: f.name,
          });
        }
        await this.documents.createFiles(rows);
        await this.documents.setLatest(doc.id, version, input.title, input.record?.number ?? null);
        await this.audit.record({
          actor,
          action: 'document.generate',
          entityType: 'document',
          entityId: doc.id,
          details: {
            type: doc.type,
            version,
            formats: files.map((f) => f.format),
            signed: input.signed,
            subject: input.subject ?? null,
            origin: input.origin,
            record: input.record,
            ...input.auditDetails,
          },
        });
        if (input.jobId) await this.jobs.saveEffect(input.jobId, { documentId: doc.id, version });
        return { id: doc.id, latestVersion: version };
      });
    } catch (err) {
      // The record was rolled back: remove the objects written for it, so nothing is half-written.
      await Promise.all(written.map((k) => this.storage.delete(k).catch(() => undefined)));
      throw err;
    }
  }

  /** The workflow document of this type about this record, if one was issued. */
  async findFor(type: string, subject: { type: WorkflowSubject; id: string }): Promise<DocumentView | null> {
    const doc = await this.documents.findForSubject('workflow', type, subject.type, subject.id);
    return doc ? this.get(doc.id) : null;
  }

  /** GET /api/documents/{id} for this user: 403 DOCUMENT_NOT_ALLOWED when the document's workflow keeps it from them. */
  async getFor(user: Pick<AuthUser, 'roles'>, id: string): Promise<DocumentView> {
    await this.mayRead(user, id);
    return this.get(id);
  }

  /** GET /api/documents/{id}/file for this user, under the same rule as getFor. */
  async fileFor(
    user: Pick<AuthUser, 'roles'>,
    id: string,
    format: DocumentFormat,
    version?: number,
  ): Promise<FileBytes> {
    await this.mayRead(user, id);
    return this.file(id, format, version);
  }

  async get(id: string): Promise<DocumentView> {
    const doc = await this.documents.findById(id);
    if (!doc) throw AppException.notFound(DocumentError.DOCUMENT_NOT_FOUND, 'No such document', { id });
    const versions = await this.documents.versions(id);
    return view(doc, versions);
  }

  async file(id: string, format: DocumentFormat, version?: number): Promise<FileBytes> {
    // A version named (an outbox attachment's): one query finds the file; the document is read only to say what is missing.
    const named = version === undefined ? null : await this.documents.file(id, version, format);
    if (named) return { file: fileView(named), bytes: await this.storage.getBuffer(named.storageKey) };
    const doc = await this.documents.findById(id);
    if (!doc) throw AppException.notFound(DocumentError.DOCUMENT_NOT_FOUND, 'No such document', { id });
    const v = version ?? doc.latestVersion;
    const file = await this.documents.file(id, v, format);
    if (!file) {
      throw AppException.notFound(
        DocumentError.DOCUMENT_FILE_NOT_FOUND,
        `Version ${v} of this document has no ${format} file`,
        {
          id,
          version: v,
          format,
        },
      );
    }
    return { file: fileView(file), bytes: await this.storage.getBuffer(file.storageKey) };
  }

  /** Valid only when the bytes are exactly a file we stored and its signature (PDF) or manifest (bundle) checks out. */
  async verify(bytes: Buffer): Promise<VerifyResult> {
    const kind =
      bytes.subarray(0, 5).toString('latin1') === '%PDF-'
        ? 'pdf'
        : bytes.subarray(0, 2).toString('latin1') === 'PK'
          ? 'bundle'
          : null;
    const none = { origin: null, record: null };
    if (!kind)
      return {
        valid: false,
        documentId: null,
        version: null,
        format: null,
        reason: 'not a PDF or a bundle (ZIP)',
        ...none,
      };
    const known = await this.documents.findFileBySha256(sha256Hex(bytes));
    const check = kind === 'pdf' ? await this.rendering.verifyPdf(bytes) : await this.rendering.verifyBundle(bytes);
    if (!known) {
      return {
        valid: false,
        documentId: null,
        version: null,
        format: kind,
        reason: check.valid
          ? 'signed by our certificate, but not a file this service stored (altered or from another installation)'
          : `not one of ours: ${check.reason}`,
        ...none,
      };
    }
    const doc = known.version!.document!;
    const ids = {
      documentId: known.version!.documentId,
      version: known.version!.version,
      format: known.format,
      origin: doc.origin,
      record: recordOf(doc),
    };
    if (!check.valid) return { valid: false, ...ids, reason: check.reason };
    const intact =
      kind === 'pdf' && !known.version!.signed
        ? 'an unaltered copy of an unsigned document'
        : 'signature valid and file unaltered';
    const what =
      doc.origin === 'workflow'
        ? `issued by the ${doc.recordType} workflow (${doc.recordNumber})`
        : 'an ad-hoc document, not issued by a workflow';
    return { valid: true, ...ids, reason: `${intact}; ${what}` };
  }

  private async mayRead(user: Pick<AuthUser, 'roles'>, id: string): Promise<void> {
    const doc = await this.documents.findById(id);
    if (!doc) throw AppException.notFound(DocumentError.DOCUMENT_NOT_FOUND, 'No such document', { id });
    const rule = doc.origin === 'workflow' ? this.readers.get(doc.type) : undefined;
    const allowed =
      user.roles.includes('admin') || (rule ? rule(user) : DOCUMENT_READERS.some((r) => user.roles.includes(r)));
    if (!allowed) {
      throw AppException.forbidden(
        DocumentError.DOCUMENT_NOT_ALLOWED,
        `Your roles may not read this ${doc.type} document`,
        {
          id,
          type: doc.type,
        },
      );
    }
  }

  /**
   * A new document stored by a job takes the job's id, so its object keys are the same in every attempt: an attempt
   * that failed half-way while storage was down (and so could not remove what it had written) is overwritten by
   * the retry instead of leaving stray objects.
   */
  private async documentFor(actor: { id: string | null }, input: StoreInput): Promise<DocumentRecord> {
    const { type, subject, origin } = input;
    if (subject) {
      const existing = await this.documents.findForSubjectLocked(origin, type, subject.type, subject.id);
      if (existing) return existing;
    }
    const created = await this.documents.createDocument({
      ...(input.jobId ? { id: input.jobId } : {}),
      type,
      subjectType: subject?.type ?? null,
      subjectId: subject?.id ?? null,
      title: input.title,
      createdBy: actor.id,
      origin,
      recordType: input.record?.type ?? null,
      recordNumber: input.record?.number ?? null,
    });
    // Inserted by this transaction: no other one can see it, let alone lock it, before the commit.
    return created;
  }
}

function refuseReservedSubject(subject: GenerateRequest['subject']): void {
  if (subject && isWorkflowSubject(subject.type)) {
    throw AppException.unprocessable(
      DocumentError.SUBJECT_RESERVED,
      `Documents about a ${subject.type} are issued by its workflow only; POST /api/documents makes ad-hoc documents (leave out subject or use another type)`,
      { subjectType: subject.type, reserved: WORKFLOW_SUBJECTS },
    );
  }
}

function recordOf(doc: DocumentRecord): DocumentRecordRef | null {
  return doc.origin === 'workflow' && doc.recordType ? { type: doc.recordType, number: doc.recordNumber ?? '' } : null;
}

function view(doc: DocumentRecord, versions: DocumentVersion[]): DocumentView {
  return {
    id: doc.id,
    type: doc.type,
    title: doc.title,
    origin: doc.origin,
    record: recordOf(doc),
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
      files: (v.files ?? []).map(fileView).sort((a, b) => a.format.localeCompare(b.format)),
    })),
  };
}

function fileView(f: DocumentFile): FileView {
  return { format: f.format, fileName: f.fileName, contentType: f.contentType, size: Number(f.size), sha256: f.sha256 };
}
