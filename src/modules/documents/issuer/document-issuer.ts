import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../../../database/transaction.js';
import { RenderingService } from '../../../rendering/rendering.service.js';
import { TemplateEngine } from '../../../rendering/templates/template-engine.js';
import type { Locale, RenderRequest, RenderResult } from '../../../rendering/rendering.types.js';
import type { AuthUser } from '../../auth/index.js';
import { JobsService } from '../../jobs/index.js';
import { type OutboxAttachment, OutboxService } from '../../outbox/index.js';
import type { DocumentFormat } from '../document-file.entity.js';
import type { DocumentRecordRef, WorkflowSubject } from '../document-origin.js';
import { DocumentsService } from '../documents.service.js';

/** A user, or someone without an account (a customer accepting a quotation through its link): id null. */
export type IssuingActor = Pick<AuthUser, 'id' | 'name'> | { id: null; name: string };
type Actor = IssuingActor;

/** The version the issuer just stored (or, for a job's retry, the one an earlier attempt stored). */
export interface IssuedVersion {
  documentId: string;
  version: number;
}

/** A mail about the issued version, rendered from `templates/mail/<template>/<locale>/` and queued in the outbox. */
export interface IssueMail {
  /** One message per key, however often the issue runs: e.g. `delivery:<id>:production:v2`. */
  key: string;
  about: { type: string; id: string };
  /** Who it is for, in a word: 'customer', 'production', 'billing', 'sales-owner'... */
  audience: string;
  to: string[];
  cc?: string[];
  template: string;
  locale: Locale;
  data: object;
  /** Files of the issued version to attach, by format, under these names. */
  attach?: { format: DocumentFormat; fileName: string }[];
  /** Other stored files to attach (a contact sheet's finance copy is another document). */
  attachments?: OutboxAttachment[];
}

/**
 * What a workflow asks the issuer for. The document is rendered from one template (`render`) or handed over already
 * rendered (`files`: a tender package assembled from many); both happen before the transaction opens.
 */
export interface IssueRequest<T extends object> {
  actor: Actor;
  /** Render this template (outside the transaction), or... */
  render?: RenderRequest;
  /** ...use what the caller rendered (outside the transaction too). */
  rendered?: RenderResult;
  document: {
    /** The document type: a template name or a composite (`tender-package`, `contact-sheet-finance`). */
    type: string;
    subject: { type: WorkflowSubject; id: string };
    record: DocumentRecordRef;
    /** The document's title; a function gets the rendered title (its locale's). */
    title: string | ((renderedTitle: string) => string);
    fileBaseName?: string;
    /** Whether the files are signed; defaults to `render.sign` (true for `rendered`). */
    signed?: boolean;
    /** Add the signed bundle (ZIP + manifest + .p7s). */
    bundle: boolean;
    auditDetails?: Record<string, unknown>;
  };
  /** Issuing as this job: a retry returns what the first attempt committed and does nothing again. */
  jobId?: string;
  /** Once rendered, before the transaction opens (a job reports its progress). */
  afterRender?: () => Promise<void>;
  /**
   * The workflow's locks and checks, first in the issue's transaction (before the version is stored): its record is
   * locked before the audit chain is, as in the workflow's other writes, so the two cannot deadlock. Throwing rolls
   * the issue back.
   */
  before?: () => Promise<void>;
  /**
   * The workflow's own writes (its record's row, its audit entry), in the issue's transaction after the version is
   * stored; what it returns is kept with the job's effect and returned (it must be JSON).
   */
  effect?: (issued: IssuedVersion) => Promise<T>;
  /** The mails to queue in the same transaction, once the effect ran. */
  mails?: (issued: IssuedVersion, result: T) => IssueMail[] | Promise<IssueMail[]>;
}

export type IssueOutcome<T extends object> = IssuedVersion &
  T & {
    /** Outbox message id by mail key. */
    mail: Record<string, string>;
    /** True when a job's earlier attempt had already issued it: nothing was rendered, stored or queued now. */
    replayed: boolean;
  };

/**
 * The one way a workflow issues a document (docs/architecture.md, "The document path"): render outside any
 * transaction (Chromium holds no lock), then in one transaction store the version (objects, rows, audit), run the
 * workflow's own writes and queue its mails in the outbox; a rollback removes the stored objects again. Idempotent
 * per job: a retry of a job whose effect committed returns that effect and does nothing.
 */
@Injectable()
export class DocumentIssuer {
  constructor(
    private readonly documents: DocumentsService,
    private readonly rendering: RenderingService,
    private readonly templates: TemplateEngine,
    private readonly outbox: OutboxService,
    private readonly jobs: JobsService,
    private readonly tx: TransactionRunner,
  ) {}

  async issue<T extends object = Record<string, never>>(request: IssueRequest<T>): Promise<IssueOutcome<T>> {
    if (!request.render === !request.rendered) throw new Error('issue: give either render or rendered');
    if (request.jobId) {
      // Cheap check before rendering: a retry after the effect committed renders nothing.
      const earlier = await this.jobs.effectOf(request.jobId);
      if (earlier) return { ...(earlier as IssueOutcome<T>), replayed: true };
    }
    const rendered = request.rendered ?? (await this.rendering.render(request.render!));
    await request.afterRender?.();
    const { document: d } = request;
    return this.tx.run(async () => {
      if (request.jobId) {
        const earlier = await this.jobs.lockEffect(request.jobId);
        if (earlier) return { ...(earlier as IssueOutcome<T>), replayed: true };
      }
      await request.before?.();
      const stored = await this.documents.storeRecord(request.actor, {
        type: d.type,
        subject: d.subject,
        record: d.record,
        title: typeof d.title === 'function' ? d.title(rendered.title) : d.title,
        locale: rendered.locale,
        signed: d.signed ?? request.render?.sign ?? true,
        templateVersions: rendered.templateVersions,
        files: rendered.files,
        bundle: d.bundle,
        fileBaseName: d.fileBaseName,
        auditDetails: d.auditDetails,
      });
      const issued: IssuedVersion = { documentId: stored.id, version: stored.latestVersion };
      const result = request.effect ? await request.effect(issued) : ({} as T);
      const mail = request.mails ? await this.mail(request.actor, issued, await request.mails(issued, result)) : {};
      const outcome = { ...result, ...issued, mail };
      if (request.jobId) await this.jobs.saveEffect(request.jobId, outcome);
      return { ...outcome, replayed: false };
    });
  }

  /**
   * Mails about a version already issued (a notice re-sent to a corrected address), through the same templates and
   * outbox, in the caller's transaction if any.
   */
  async mail(actor: Actor, issued: IssuedVersion, mails: IssueMail[]): Promise<Record<string, string>> {
    return this.tx.run(async () => {
      const out: Record<string, string> = {};
      for (const m of mails) {
        const rendered = this.templates.renderMail(m.template, m.data, m.locale);
        const message = await this.outbox.queue(actor.id === null ? null : actor, {
          key: m.key,
          about: m.about,
          audience: m.audience,
          to: m.to,
          cc: m.cc,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          attachments: [
            ...(m.attach ?? []).map((a) => ({ ...issued, format: a.format, fileName: a.fileName })),
            ...(m.attachments ?? []),
          ],
        });
        out[m.key] = message.id;
      }
      return out;
    });
  }
}
