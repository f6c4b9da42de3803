import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { OutboxError } from './outbox.errors.js';
import type { Page } from '../../common/pagination.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { MailDeliveryError, Mailer } from '../../infrastructure/mail/mailer.js';
import { toSendMailOptions } from '../../infrastructure/mail/mail-options.js';
import { Metrics } from '../../observability/metrics.js';
import { AuditService } from '../audit/index.js';
import { type AuthUser, OwnershipService, notYourRecord } from '../auth/index.js';
import { AttachmentSource } from './attachment-source.js';
import { JobsService } from '../jobs/index.js';
import type { OutboxAttachment, OutboxMessage, OutboxStatus } from './outbox-message.entity.js';
import { OutboxRepository } from './outbox.repository.js';
import { extractPdfPages } from './pdf-extract.js';

export const OUTBOX_JOB = 'outbox.send';

type Actor = Pick<AuthUser, 'id'> | null;

export interface OutboxRequest {
  /** One message per key, however often this is called: e.g. `statement:<id>:<address>`. */
  key: string;
  /** What it is about, for the status lists: e.g. { type: 'statement', id }. */
  about: { type: string; id: string };
  /** Who it is for, in a word: 'customer', 'production', 'billing', 'sales-owner'... */
  audience: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: OutboxAttachment[];
}

export interface OutboxMessageView {
  id: string;
  key: string;
  about: { type: string; id: string };
  audience: string;
  to: string[];
  cc: string[];
  subject: string;
  attachments: string[];
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  messageId: string;
  sentAt: Date | null;
  jobId: string | null;
  createdAt: Date;
}

/** How long an attempt holds a message before another may take it (its process died mid-send). */
const CLAIM_SECONDS = 120;

/**
 * The mail outbox: `queue` writes a message in the caller's transaction; after the commit an `outbox.send` job
 * sends it. While the SMTP server is down the job retries with exponential backoff (MAIL_RETRY_LIMIT,
 * MAIL_RETRY_DELAY_SECONDS); a message the server refuses for good (5xx) or that runs out of attempts is `failed`
 * and can be retried by hand. Sent once per key: the claim (queued -> sending) lets one attempt at a time send it,
 * and a sent message is never sent again. The one gap: a server that takes a message but whose 250 reply is lost
 * gets it again on the retry, with the same Message-ID (mail clients show it once).
 */
@Injectable()
export class OutboxService implements OnModuleInit {
  private readonly logger = new Logger('Outbox');

  constructor(
    private readonly messages: OutboxRepository,
    private readonly jobs: JobsService,
    private readonly documents: AttachmentSource,
    private readonly mailer: Mailer,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly ownership: OwnershipService,
    metrics: Metrics,
  ) {
    // Backlog (queued, sending) and failures (failed: refused for good or out of attempts) across all processes.
    metrics.gauge(
      'tenderdesk_outbox_messages',
      'Outbox messages by status (queued, sending, sent, failed)',
      ['status'],
      async () => (await this.messages.countByStatus()).map((r) => ({ labels: { status: r.status }, value: r.count })),
    );
  }

  onModuleInit(): void {
    this.jobs.register<{ messageId: string }>(OUTBOX_JOB, ({ messageId }, ctx) => this.send(messageId, ctx.attempt), {
      kind: 'mail',
      // Owed once the message's transaction committed: never refused for a full queue.
      bounded: false,
      retryLimit: this.config.outbox.retryLimit,
      retryDelaySeconds: this.config.outbox.retryDelaySeconds,
      retryBackoff: true,
    });
  }

  /**
   * Writes the message (in the caller's transaction, if any) and queues its sending for after the commit. A key
   * already written returns that message unchanged and queues nothing. 400 INVALID_EMAIL for a bad address.
   */
  async queue(actor: Actor, request: OutboxRequest): Promise<OutboxMessageView> {
    // A message that can never be sent is refused before anything is written.
    this.checkRecipients(request.to, request.cc);
    const { message, created } = await this.messages.insertOnce({
      key: request.key,
      subjectType: request.about.type,
      subjectId: request.about.id,
      audience: request.audience,
      to: request.to,
      cc: request.cc ?? [],
      subject: request.subject,
      text: request.text,
      html: request.html ?? null,
      attachments: request.attachments ?? [],
      messageId: `<${randomUUID()}@tenderdesk>`,
      status: 'queued',
      attempts: 0,
      lastError: null,
      claimedUntil: null,
      sentAt: null,
      jobId: null,
      createdBy: actor?.id ?? null,
    });
    if (created) await this.tx.afterCommit(() => this.enqueue(actor, message.id));
    return view(message);
  }

  /**
   * 400 INVALID_EMAIL unless every address would pass the mail drivers' own checks: for a workflow that refuses a bad
   * address before it renders or numbers anything (the workflows reach mail only through the outbox).
   */
  checkRecipients(to: string[], cc: string[] = []): void {
    toSendMailOptions({ to, cc, subject: '', text: '' }, this.config.mail.from);
  }

  async forSubject(type: string, id: string): Promise<OutboxMessageView[]> {
    return (await this.messages.forSubjects(type, [id])).map(view);
  }

  /** Messages about several subjects of one type, by subject id. */
  async forSubjects(type: string, ids: string[]): Promise<Map<string, OutboxMessageView[]>> {
    const bySubject = new Map<string, OutboxMessageView[]>(ids.map((id) => [id, []]));
    for (const m of await this.messages.forSubjects(type, ids)) bySubject.get(m.subjectId)?.push(view(m));
    return bySubject;
  }

  /**
   * A sales user (bound to their own records, auth/ownership.ts) lists the mail of one record of theirs at a time
   * (subjectType + subjectId): messages carry no owner of their own.
   */
  async listFor(
    user: Pick<AuthUser, 'id' | 'roles'>,
    filter: { subjectType?: string; subjectId?: string; status?: OutboxStatus },
    page: number,
    pageSize: number,
  ): Promise<Page<OutboxMessageView>> {
    if (this.ownership.bound(user)) {
      const { subjectType, subjectId } = filter;
      if (!subjectType || !subjectId || !this.ownership.registered(subjectType)) {
        throw notYourRecord('A sales user lists the mail of one of their own records: give subjectType and subjectId', {
          subjectType: subjectType ?? null,
        });
      }
      await this.ownership.check(user, subjectType, subjectId);
    }
    return this.list(filter, page, pageSize);
  }

  async list(
    filter: { subjectType?: string; subjectId?: string; status?: OutboxStatus },
    page: number,
    pageSize: number,
  ): Promise<Page<OutboxMessageView>> {
    const [items, total] = await this.messages.list(filter, pageSize, (page - 1) * pageSize);
    return { items: items.map(view), total, page, pageSize };
  }

  async get(id: string): Promise<OutboxMessageView> {
    const message = await this.messages.findById(id);
    if (!message) throw AppException.notFound(OutboxError.OUTBOX_MESSAGE_NOT_FOUND, `No outbox message ${id}`, { id });
    return view(message);
  }

  /** A failed message tried again (attempts start over). 409 OUTBOX_NOT_FAILED for any other status. */
  async retry(actor: Pick<AuthUser, 'id' | 'name'>, id: string): Promise<OutboxMessageView> {
    await this.get(id);
    if (!(await this.messages.requeue(id))) {
      throw AppException.conflict(
        OutboxError.OUTBOX_NOT_FAILED,
        'Only a failed message can be retried; this one is queued, being sent or sent',
        { id },
      );
    }
    await this.audit.record({ actor, action: 'outbox.retry', entityType: 'outbox_message', entityId: id, details: {} });
    await this.enqueue(actor, id);
    return this.get(id);
  }

  private async enqueue(actor: Actor, id: string): Promise<void> {
    const job = await this.jobs.enqueue(OUTBOX_JOB, { messageId: id }, actor);
    await this.messages.setJob(id, job.id);
  }

  /** One attempt (the job's handler). Throws to have the job retried. */
  private async send(id: string, attempt: number): Promise<Record<string, unknown>> {
    const message = await this.messages.claim(id, CLAIM_SECONDS);
    if (!message) {
      const current = await this.messages.findById(id);
      if (!current || current.status === 'sent' || current.status === 'failed')
        return { status: current?.status ?? 'missing' };
      // Another attempt holds it (a duplicate job, or one whose process may have died): look again later.
      throw new Error(`outbox message ${id} is being sent by another attempt`);
    }
    const lastAttempt = attempt >= this.config.outbox.retryLimit + 1;
    try {
      const attachments = await Promise.all(
        message.attachments.map(async (a) => {
          const { file, bytes } = await this.documents.file(a.documentId, a.format, a.version);
          if (!a.extract) return { filename: a.fileName, content: bytes, contentType: file.contentType };
          if (a.format !== 'pdf') throw new Error(`attachment ${a.fileName}: only a PDF's pages can be extracted`);
          return {
            filename: a.fileName,
            content: await extractPdfPages(bytes, a.extract),
            contentType: file.contentType,
          };
        }),
      );
      const sent = await this.mailer.send({
        to: message.to,
        cc: message.cc,
        subject: message.subject,
        text: message.text,
        html: message.html ?? undefined,
        attachments,
        messageId: message.messageId,
      });
      await this.messages.finish(id, { status: 'sent', sentAt: new Date(), lastError: null });
      return { status: 'sent', messageId: sent.messageId, accepted: sent.accepted, rejected: sent.rejected };
    } catch (err) {
      const permanent = (err instanceof MailDeliveryError && err.permanent) || err instanceof AppException;
      const error = err instanceof Error ? err.message : String(err);
      if (permanent || lastAttempt) {
        await this.messages.finish(id, {
          status: 'failed',
          lastError: permanent ? `permanent: ${error}` : `out of attempts: ${error}`,
        });
        this.logger.warn(`outbox message ${id} to ${message.to.join(', ')} failed for good: ${error}`);
        return { status: 'failed', error };
      }
      await this.messages.finish(id, { status: 'queued', lastError: error });
      throw err;
    }
  }
}

function view(m: OutboxMessage): OutboxMessageView {
  return {
    id: m.id,
    key: m.key,
    about: { type: m.subjectType, id: m.subjectId },
    audience: m.audience,
    to: m.to,
    cc: m.cc,
    subject: m.subject,
    attachments: m.attachments.map((a) => a.fileName),
    status: m.status,
    attempts: m.attempts,
    lastError: m.lastError,
    messageId: m.messageId,
    sentAt: m.sentAt,
    jobId: m.jobId,
    createdAt: m.createdAt,
  };
}
