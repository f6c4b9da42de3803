import { HttpStatus, Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../../common/errors/app-exception.js';
import { todayIso } from '../../../common/tabular/date-only.js';
import { TransactionRunner } from '../../../database/transaction.js';
import { MailDeliveryError, Mailer, type MailAttachment } from '../../../infrastructure/mail/mailer.js';
import { ObjectStorage } from '../../../infrastructure/storage/object-storage.js';
import { CONTENT_TYPES } from '../../../rendering/rendering.types.js';
import { AuditService } from '../../audit/audit.service.js';
import { hasRole, type AuthUser } from '../../auth/auth-user.js';
import { CompanyService } from '../../company/company.service.js';
import type { DocumentFormat } from '../../documents/document-file.entity.js';
import { DocumentsService, type DocumentView, type VersionView } from '../../documents/documents.service.js';
import { FilesService } from '../../files/files.service.js';
import { JobsService, type JobProgress, type JobView } from '../../jobs/jobs.service.js';
import { QuotationsService } from '../../quotations/quotations.service.js';
import type { TenderSection } from '../tender.entity.js';
import type { TenderPackageInput } from '../tender.view.js';
import { TendersService } from '../tenders.service.js';
import type { SendPart } from './dto/send-package.dto.js';
import {
  buildPackageModel,
  isClear,
  packageFileBase,
  packageLayout,
  packageTitle,
  pagesOf,
  scanFileIds,
  SCAN_SECTIONS,
  type BlockingCheck,
} from './tender-package.builder.js';
import { extractPages, TenderPackageComposer, type Attachment } from './tender-package.composer.js';
import type { PackageSectionRange, PackageWarning, TenderPackageVersion } from './tender-package-version.entity.js';
import { TenderPackageRepository } from './tender-package.repository.js';

export const PACKAGE_JOB = 'tender.package';
export const PACKAGE_TYPE = 'tender-package';

/** Who generates: kept in the job's payload (roles too: the override is a manager's and is checked again in the job). */
type Actor = Pick<AuthUser, 'id' | 'name' | 'roles'>;

export interface PackageOverride {
  reason: string;
}

interface PackageJobPayload extends Record<string, unknown> {
  tenderId: string;
  actor: Actor;
  override: PackageOverride | null;
}

export interface PackageVersionView extends VersionView {
  pages: number | null;
  sections: PackageSectionRange[];
  /** Set when a manager let the package out although a qualification was expired or missing (the reason is in the audit log). */
  override: { by: { id: string | null; name: string }; at: Date } | null;
  warnings: PackageWarning[];
}

export interface TenderPackageView extends Omit<DocumentView, 'versions'> {
  tenderId: string;
  versions: PackageVersionView[];
}

export interface SendResult {
  version: number;
  to: string;
  messageId: string;
  attachments: { fileName: string; size: number; part: SendPart | DocumentFormat; pages: string | null }[];
}

/**
 * The tender package (投标文件): checks the qualifications against the deadline, renders and assembles the
 * package through TenderPackageComposer, stores PDF + DOCX + signed bundle as the next version of the
 * tender's `tender-package` document with each section's page range, and mails it (or parts) to the
 * tender's sales owner.
 */
@Injectable()
export class TenderPackageService implements OnModuleInit {
  constructor(
    private readonly tenders: TendersService,
    private readonly quotations: QuotationsService,
    private readonly company: CompanyService,
    private readonly files: FilesService,
    private readonly documents: DocumentsService,
    private readonly composer: TenderPackageComposer,
    private readonly versions: TenderPackageRepository,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionRunner,
    private readonly storage: ObjectStorage,
    private readonly mailer: Mailer,
  ) {}

  onModuleInit(): void {
    this.jobs.register<PackageJobPayload>(
      PACKAGE_JOB,
      async ({ tenderId, actor, override }, ctx) => {
        const { view, warnings } = await this.generate(actor, tenderId, override, ctx);
        const made = view.versions.find((v) => v.version === view.latestVersion);
        return { documentId: view.id, version: view.latestVersion, pages: made?.pages ?? null, warnings };
      },
      // A refusal (expired since the request) fails the same way on every attempt: one retry is for Chromium.
      { kind: 'render', retryLimit: 1, retryDelaySeconds: 2, expireInSeconds: 30 * 60 },
    );
  }

  /** POST /package: every check now (422/403 before anything is queued), then the job. */
  async enqueue(actor: AuthUser, tenderId: string, override?: PackageOverride): Promise<JobView> {
    await this.prepare(actor, tenderId, override ?? null);
    const payload: PackageJobPayload = {
      tenderId,
      actor: actorOf(actor),
      override: override ? { reason: override.reason.trim() } : null,
    };
    return this.jobs.enqueue(PACKAGE_JOB, payload, actor);
  }

  /** POST /package?wait=true: generates now (small packages, tests). */
  async generateNow(actor: AuthUser, tenderId: string, override?: PackageOverride): Promise<TenderPackageView> {
    return (await this.generate(actorOf(actor), tenderId, override ? { reason: override.reason.trim() } : null)).view;
  }

  async get(tenderId: string): Promise<TenderPackageView> {
    await this.tenders.get(tenderId); // 404 for an unknown tender, before "no package"
    const doc = await this.documents.findFor(PACKAGE_TYPE, { type: 'tender', id: tenderId });
    if (!doc) throw notGenerated(tenderId);
    return this.view(tenderId, doc);
  }

  async file(tenderId: string, format: DocumentFormat, version?: number) {
    const doc = await this.get(tenderId);
    return this.documents.file(doc.id, format, version);
  }

  /**
   * Mails the package or parts of it to the tender's sales owner: 'all' = the signed PDF; a section = its pages
   * (appended scans included) extracted into a PDF of its own, an unsigned copy (the mail says so); docx and
   * bundle are the whole package's.
   */
  async send(
    actor: AuthUser,
    tenderId: string,
    req: { parts?: SendPart[]; formats?: DocumentFormat[]; version?: number },
  ): Promise<SendResult> {
    const tender = await this.tenders.get(tenderId);
    const to = tender.salesOwner?.email;
    if (!to) {
      throw AppException.unprocessable(
        'SALES_OWNER_EMAIL_MISSING',
        'The tender has no sales owner with an e-mail address to send the package to',
        {
          tenderId,
          salesOwner: tender.salesOwner ? { id: tender.salesOwner.id, name: tender.salesOwner.name } : null,
        },
      );
    }
    const doc = await this.documents.findFor(PACKAGE_TYPE, { type: 'tender', id: tenderId });
    if (!doc) throw notGenerated(tenderId);
    const version = req.version ?? doc.latestVersion;
    const record = await this.versions.find(tenderId, version);
    if (!record) {
      throw AppException.notFound('DOCUMENT_FILE_NOT_FOUND', `The tender package has no version ${version}`, {
        tenderId,
        version,
      });
    }
    const parts = [...new Set(req.parts ?? ['all'])];
    const formats = [...new Set(req.formats ?? ['pdf'])];
    const sectionParts = parts.filter((p): p is TenderSection => p !== 'all');
    const unknown = sectionParts.filter((p) => !record.sections.some((s) => s.key === p));
    if (unknown.length) {
      throw AppException.unprocessable(
        'TENDER_PACKAGE_PART_UNKNOWN',
        `Version ${version} of the package has no section ${unknown.join(', ')}`,
        {
          unknown,
          sections: record.sections.map((s) => s.key),
        },
      );
    }

    const en = tender.language === 'en';
    const attachments: (MailAttachment & { part: SendResult['attachments'][number]['part']; pages: string | null })[] =
      [];
    const whole = async (format: DocumentFormat) => {
      const { file, bytes } = await this.documents.file(doc.id, format, version);
      attachments.push({
        filename: file.fileName,
        content: bytes,
        contentType: file.contentType,
        part: format,
        pages: null,
      });
      return bytes;
    };
    let signedPdf: Buffer | undefined;
    if (parts.includes('all') && formats.includes('pdf')) signedPdf = await whole('pdf');
    if (formats.includes('docx')) await whole('docx');
    if (formats.includes('bundle')) await whole('bundle');
    if (sectionParts.length) {
      signedPdf ??= (await this.documents.file(doc.id, 'pdf', version)).bytes;
      const base = packageFileBase(tender.tenderNo);
      for (const key of sectionParts) {
        const range = record.sections.find((s) => s.key === key)!;
        const extract = await extractPages(
          signedPdf,
          pagesOf(record.sections, [key]),
          `${range.title} (${tender.tenderNo} v${version})`,
        );
        attachments.push({
          filename: `${base}-v${version}-${key}.pdf`,
          content: extract,
          contentType: CONTENT_TYPES.pdf,
          part: key,
          pages: `${range.firstPage}-${range.lastPage}`,
        });
      }
    }
    if (!attachments.length) {
      throw AppException.unprocessable(
        'TENDER_PACKAGE_NOTHING_TO_SEND',
        "Nothing to send: ask for parts, or for 'all' with a format",
        { parts, formats },
      );
    }

    const lines = attachments.map((a) => {
      if (a.part === 'pdf')
        return en
          ? `- ${a.filename}: the signed package (${record.pages} pages)`
          : `- ${a.filename}：签章版投标文件全文（共 ${record.pages} 页）`;
      if (a.part === 'docx')
        return en ? `- ${a.filename}: the editable sections (DOCX)` : `- ${a.filename}：可编辑部分（DOCX）`;
      if (a.part === 'bundle')
        return en
          ? `- ${a.filename}: the signed bundle (files, manifest, signature)`
          : `- ${a.filename}：签名文件包（文件、清单及签名）`;
      const title = record.sections.find((s) => s.key === a.part)!.title;
      return en ? `- ${a.filename}: ${title}, pages ${a.pages}` : `- ${a.filename}：${title}，第 ${a.pages} 页`;
    });
    const extracts = sectionParts.length
      ? en
        ? `\nThe section files are unsigned copies of pages of the signed package, version ${version}; only the signed package is the original.\n`
        : `\n各章节文件为签章版投标文件第 ${version} 版相应页的摘录，未经签章，仅供参阅；以签章版全文为准。\n`
      : '';
    const text = en
      ? `Hello ${tender.salesOwner!.name},\n\nattached is the tender package for ${tender.tenderNo} ${tender.projectName}${tender.lot ? ` (${tender.lot})` : ''}, version ${version}:\n${lines.join('\n')}\n${extracts}\nSent by ${actor.name} through Tenderdesk.\n`
      : `${tender.salesOwner!.name}，您好：\n\n附件为 ${tender.tenderNo} ${tender.projectName}${tender.lot ? `（${tender.lot}）` : ''} 的投标文件（第 ${version} 版）：\n${lines.join('\n')}\n${extracts}\n由 ${actor.name} 通过 Tenderdesk 发送。\n`;
    const subject = en
      ? `Tender package ${tender.tenderNo} ${tender.projectName} (v${version})`
      : `投标文件 ${tender.tenderNo} ${tender.projectName}（第 ${version} 版）`;

    let sent;
    try {
      sent = await this.mailer.send({
        to: [to],
        subject,
        text,
        attachments: attachments.map(({ filename, content, contentType }) => ({ filename, content, contentType })),
      });
    } catch (err) {
      if (!(err instanceof MailDeliveryError)) throw err;
      throw new AppException(
        HttpStatus.BAD_GATEWAY,
        'MAIL_DELIVERY_FAILED',
        `The mail server did not take the message: ${err.message}`,
        {
          permanent: err.permanent,
        },
      );
    }
    const result: SendResult = {
      version,
      to,
      messageId: sent.messageId,
      attachments: attachments.map((a) => ({
        fileName: a.filename,
        size: a.content.length,
        part: a.part,
        pages: a.pages,
      })),
    };
    await this.audit.record({
      actor,
      action: 'tender.package.send',
      entityType: 'tender',
      entityId: tenderId,
      details: {
        documentId: doc.id,
        version,
        parts,
        formats,
        to,
        messageId: sent.messageId,
        attachments: result.attachments.map((a) => a.fileName),
      },
    });
    return result;
  }

  // ---- generation ----

  /**
   * The checks both the request and the job make: the tender exists and has a quotation, the override is a
   * manager's with a reason, and nothing blocks unless overridden. Returns what generation needs.
   */
  private async prepare(actor: Actor, tenderId: string, override: PackageOverride | null) {
    if (override && !hasRole(actor, 'manager')) {
      throw AppException.forbidden(
        'OVERRIDE_REQUIRES_MANAGER',
        'Only a manager may generate a package over an expired or missing qualification',
        {
          tenderId,
        },
      );
    }
    if (override && !override.reason.trim()) {
      throw AppException.badRequest('OVERRIDE_REASON_REQUIRED', 'An override needs a reason', {
        field: 'override.reason',
      });
    }
    const input = await this.tenders.packageInput(tenderId);
    const tender = input.tender;
    if (!tender.quotation) {
      throw AppException.unprocessable(
        'TENDER_QUOTATION_REQUIRED',
        'The tender has no quotation: its prices make the bid letter and the price schedules',
        {
          tenderId,
        },
      );
    }
    const check: BlockingCheck = { blocking: input.blocking, missingTypes: input.missingTypes };
    if (!isClear(check) && !override) throw blocked(tenderId, check);
    const [quotation, company] = await Promise.all([
      this.quotations.get(tender.quotation.id),
      this.company.getProfileWithSeals(),
    ]);
    const model = buildPackageModel({ input, quotation, company, date: todayIso() });
    this.composer.check(model, tender.language); // a template error is a 4xx now, not a failed job
    return { input, company, model, check, overridden: !isClear(check) };
  }

  private async generate(
    actor: Actor,
    tenderId: string,
    override: PackageOverride | null,
    ctx?: JobProgress,
  ): Promise<{ view: TenderPackageView; warnings: PackageWarning[] }> {
    const { input, company, model, check, overridden } = await this.prepare(actor, tenderId, override);
    const tender = input.tender;
    await ctx?.progress(10);
    const layout = packageLayout(tender.requirements.sections);
    const warnings: PackageWarning[] = [];
    const seal = company.seals.company?.bytes ?? null;
    if (!seal && layout.rendered.includes('bid_letter')) {
      warnings.push({
        code: 'NO_COMPANY_SEAL',
        message: 'No company seal image is on file (PUT /api/company/seals/company): the bid letter is not stamped',
      });
    }
    const attachments = await this.attachments(input, layout.rendered);
    const title = packageTitle(tender);
    const composed = await this.composer.compose({
      model,
      layout,
      locale: tender.language,
      title,
      attachments,
      seal,
      progress: ctx ? (p) => ctx.progress(p) : undefined,
    });

    const overrideAt = overridden ? new Date() : null;
    let stored: DocumentView | undefined;
    try {
      const view = await this.tx.run(async () => {
        stored = await this.documents.store(actor, {
          type: PACKAGE_TYPE,
          subject: { type: 'tender', id: tenderId },
          record: { type: 'tender-package', number: tender.tenderNo },
          title,
          locale: tender.language,
          signed: true,
          templateVersions: composed.templateVersions,
          files: [
            { format: 'pdf', bytes: composed.pdf, contentType: CONTENT_TYPES.pdf, extension: 'pdf' },
            { format: 'docx', bytes: composed.docx, contentType: CONTENT_TYPES.docx, extension: 'docx' },
          ],
          bundle: true,
          fileBaseName: packageFileBase(tender.tenderNo),
          auditDetails: { tenderId, pages: composed.pages, overridden, warnings: warnings.map((w) => w.code) },
          // A retried job whose earlier attempt committed gets that attempt's document back, not a second version.
          jobId: ctx?.jobId,
        });
        if (ctx && (await this.versions.find(tenderId, stored.latestVersion))) return this.view(tenderId, stored);
        await this.versions.create({
          tenderId,
          documentId: stored.id,
          version: stored.latestVersion,
          pages: composed.pages,
          sections: composed.sections,
          overrideBy: overridden ? actor.id : null,
          overrideByName: overridden ? actor.name : null,
          overrideAt,
          warnings,
        });
        if (overridden) {
          // The reason is kept here and only here: not in the package, its record, or the job's result.
          await this.audit.record({
            actor,
            action: 'tender.package.override',
            entityType: 'tender',
            entityId: tenderId,
            details: {
              reason: override!.reason,
              blocking: check.blocking,
              missingTypes: check.missingTypes,
              documentId: stored.id,
              version: stored.latestVersion,
            },
          });
        }
        if (tender.status === 'preparing') await this.tenders.setStatus(actor, tenderId, 'generated');
        return this.view(tenderId, stored);
      });
      await ctx?.progress(100);
      return { view, warnings };
    } catch (err) {
      // DocumentsService.store removes its objects when it fails itself; when a later step fails, the
      // transaction rolled its version back, so its objects go too.
      if (stored) await this.removeObjects(stored.id, stored.latestVersion);
      throw err;
    }
  }

  /** The scans in package order, read from storage: after `qualifications`, `performance` and `credit`. */
  private async attachments(
    input: TenderPackageInput,
    rendered: readonly TenderSection[],
  ): Promise<Partial<Record<TenderSection, Attachment[]>>> {
    const out: Partial<Record<TenderSection, Attachment[]>> = {};
    for (const section of SCAN_SECTIONS) {
      if (!rendered.includes(section)) continue;
      const list: Attachment[] = [];
      for (const { id, name } of scanFileIds(input, section))
        list.push({ name, bytes: (await this.files.read(id)).bytes });
      out[section] = list;
    }
    return out;
  }

  private async removeObjects(documentId: string, version: number): Promise<void> {
    const objects = await this.storage.list(`documents/${documentId}/v${version}/`).catch(() => []);
    await Promise.all(objects.map((o) => this.storage.delete(o.key).catch(() => undefined)));
  }

  private async view(tenderId: string, doc: DocumentView): Promise<TenderPackageView> {
    const records = new Map((await this.versions.versions(tenderId)).map((v) => [v.version, v]));
    return {
      ...doc,
      tenderId,
      versions: doc.versions.map((v) => versionView(v, records.get(v.version))),
    };
  }
}

function versionView(v: VersionView, record: TenderPackageVersion | undefined): PackageVersionView {
  return {
    ...v,
    pages: record?.pages ?? null,
    sections: record?.sections ?? [],
    override: record?.overrideAt
      ? { by: { id: record.overrideBy, name: record.overrideByName ?? '' }, at: record.overrideAt }
      : null,
    warnings: record?.warnings ?? [],
  };
}

const actorOf = (user: AuthUser): Actor => ({ id: user.id, name: user.name, roles: [...user.roles] });

const notGenerated = (tenderId: string) =>
  AppException.notFound(
    'TENDER_PACKAGE_NOT_FOUND',
    'No package has been generated for this tender yet (POST /api/tenders/{id}/package)',
    { tenderId },
  );

/** 422: expired qualifications first (QUALIFICATION_EXPIRED), else the missing types (QUALIFICATION_MISSING). */
function blocked(tenderId: string, check: BlockingCheck): AppException {
  const details = {
    tenderId,
    blocking: check.blocking,
    missingTypes: check.missingTypes,
    override: 'a manager may generate anyway with override.reason',
  };
  if (check.blocking.length) {
    const names = check.blocking.map((q) => `${q.name} (${q.validTo ?? '—'})`).join(', ');
    return AppException.unprocessable('QUALIFICATION_EXPIRED', `Expired on the deadline: ${names}`, details);
  }
  return AppException.unprocessable(
    'QUALIFICATION_MISSING',
    `No qualification in force on the deadline for: ${check.missingTypes.join(', ')}`,
    details,
  );
}
