import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../../common/errors/app-exception.js';
import { TenderError } from '../tenders.errors.js';
import {
  DocumentError,
  DocumentsService,
  type DocumentView,
  type VersionView,
  DocumentIssuer,
} from '../../documents/index.js';
import { todayIso } from '../../../common/tabular/date-only.js';
import { TransactionRunner } from '../../../database/transaction.js';
import { CONTENT_TYPES } from '../../../rendering/rendering.types.js';
import { AuditService } from '../../audit/index.js';
import { hasRole, type AuthUser } from '../../auth/index.js';
import { CompanyService } from '../../company/index.js';
import type { DocumentFormat } from '../../../rendering/rendering.types.js';
import { FilesService } from '../../files/index.js';
import { JobsService, type JobProgress, type JobView } from '../../jobs/index.js';
import { type OutboxAttachment, OutboxService, type OutboxMessageView } from '../../outbox/index.js';
import { QuotationsService } from '../../quotations/index.js';
import type { TenderSection } from '../tender.entity.js';
import type { TenderPackageInput } from '../tender.view.js';
import { TendersService } from '../tenders.service.js';
import type { UsedFormat } from '../formats/section-formats.js';
import { SectionFormatsService } from '../formats/section-formats.service.js';
import type { SendPart } from './dto/send-package.dto.js';
import {
  buildPackageModel,
  isClear,
  packageFileBase,
  packageLayout,
  packageTitle,
  scanFileIds,
  SCAN_SECTIONS,
  type BlockingCheck,
  type PackageSection,
} from './tender-package.builder.js';
import { TenderPackageComposer, type Attachment } from './tender-package.composer.js';
import { PACKAGE_MAIL, packageMailData, packageMailFiles } from './tender-package.mail.js';
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
  /** The tender's own section formats this version was made with (key, version, hash, body); empty: the company's. */
  formats: UsedFormat[];
}

export interface TenderPackageView extends Omit<DocumentView, 'versions'> {
  tenderId: string;
  versions: PackageVersionView[];
}

/**
 * POST /package/send answers with the outbox message (its id and status: GET /api/outbox/{id}), the version it is
 * about and what each attachment is.
 */
export interface SendResult extends OutboxMessageView {
  version: number;
  files: { fileName: string; part: SendPart | DocumentFormat; pages: string | null }[];
}

/** What the issue's effect keeps with the job (JSON): a retried job returns it as it was. */
interface PackageEffect {
  pages: number;
  warnings: PackageWarning[];
}

/**
 * The tender package (投标文件): checks the qualifications against the deadline, renders and assembles the
 * package through TenderPackageComposer, stores PDF + DOCX + signed bundle as the next version of the
 * tender's `tender-package` document with each section's page range (through the DocumentIssuer), and mails it
 * (or parts) to the tender's sales owner through the outbox.
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
    private readonly issuer: DocumentIssuer,
    private readonly outbox: OutboxService,
    private readonly formats: SectionFormatsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<PackageJobPayload>(
      PACKAGE_JOB,
      async ({ tenderId, actor, override }, ctx) => {
        const { issued } = await this.generate(actor, tenderId, override, ctx);
        return {
          documentId: issued.documentId,
          version: issued.version,
          pages: issued.pages,
          warnings: issued.warnings,
        };
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
   * Mails the package or parts of it to the tender's sales owner through the outbox (queued now, sent by the
   * `outbox.send` job, retried while the mail server is down): 'all' = the signed PDF; a section = its pages
   * (appended scans included) as a PDF of its own, an unsigned copy (the mail says so); docx and bundle are the whole
   * package's. A section's extract is not stored: the message names the signed PDF's pages and the outbox cuts them
   * when it sends (OutboxAttachment.extract) — the stored PDF never changes, so every attempt cuts the same pages and
   * a message that is never sent leaves no file behind. Each request is a message of its own (sending twice is
   * asked for twice), written with its audit entry in one transaction.
   */
  async send(
    actor: AuthUser,
    tenderId: string,
    req: { parts?: SendPart[]; formats?: DocumentFormat[]; version?: number },
  ): Promise<SendResult> {
    const tender = await this.tenders.get(tenderId);
    const owner = tender.salesOwner;
    if (!owner?.email) {
      throw AppException.unprocessable(
        TenderError.SALES_OWNER_EMAIL_MISSING,
        'The tender has no sales owner with an e-mail address to send the package to',
        {
          tenderId,
          salesOwner: owner ? { id: owner.id, name: owner.name } : null,
        },
      );
    }
    const to = owner.email;
    const doc = await this.documents.findFor(PACKAGE_TYPE, { type: 'tender', id: tenderId });
    if (!doc) throw notGenerated(tenderId);
    const version = req.version ?? doc.latestVersion;
    const record = await this.versions.find(tenderId, version);
    const stored = doc.versions.find((v) => v.version === version);
    if (!record || !stored) {
      throw AppException.notFound(
        DocumentError.DOCUMENT_FILE_NOT_FOUND,
        `The tender package has no version ${version}`,
        {
          tenderId,
          version,
        },
      );
    }
    const parts = [...new Set(req.parts ?? ['all'])];
    const formats = [...new Set(req.formats ?? ['pdf'])];
    const sectionParts = parts.filter((p): p is TenderSection => p !== 'all');
    const unknown = sectionParts.filter((p) => !record.sections.some((s) => s.key === p));
    if (unknown.length) {
      throw AppException.unprocessable(
        TenderError.TENDER_PACKAGE_PART_UNKNOWN,
        `Version ${version} of the package has no section ${unknown.join(', ')}`,
        {
          unknown,
          sections: record.sections.map((s) => s.key),
        },
      );
    }

    // The whole files asked for, in the order pdf, docx, bundle, then the sections' extracts in the order asked.
    const wholeFormats = (['pdf', 'docx', 'bundle'] as const).filter(
      (f) => formats.includes(f) && (f !== 'pdf' || parts.includes('all')),
    );
    const whole = wholeFormats.map((format) => {
      const file = stored.files.find((f) => f.format === format);
      if (!file) {
        throw AppException.notFound(
          DocumentError.DOCUMENT_FILE_NOT_FOUND,
          `Version ${version} of the package has no ${format} file`,
          { tenderId, version, format },
        );
      }
      return { format, fileName: file.fileName };
    });
    const base = packageFileBase(tender.tenderNo);
    const sections = sectionParts.map((key) => ({ key, fileName: `${base}-v${version}-${key}.pdf` }));
    if (!whole.length && !sections.length) {
      throw AppException.unprocessable(
        TenderError.TENDER_PACKAGE_NOTHING_TO_SEND,
        "Nothing to send: ask for parts, or for 'all' with a format",
        { parts, formats },
      );
    }
    const extracts: OutboxAttachment[] = sections.map(({ key, fileName }) => {
      const ranges = record.sections.filter((s) => s.key === key);
      return {
        documentId: doc.id,
        version,
        format: 'pdf',
        fileName,
        extract: {
          ranges: ranges.map((r) => ({ first: r.firstPage, last: r.lastPage })),
          title: `${ranges[0]!.title} (${tender.tenderNo} v${version})`,
        },
      };
    });
    const mailFiles = packageMailFiles({ whole, sections, ranges: record.sections });
    const files: SendResult['files'] = mailFiles.map((f, i) => ({
      fileName: f.fileName,
      part: f.kind === 'section' ? sections[i - whole.length]!.key : f.kind,
      pages: f.pages,
    }));
    const issued = { documentId: doc.id, version };
    const key = `tender-package:${tenderId}:v${version}:${randomUUID()}`;

    const message = await this.tx.run(async () => {
      const ids = await this.issuer.mail(actor, issued, [
        {
          key,
          about: { type: 'tender', id: tenderId },
          audience: 'sales-owner',
          to: [to],
          template: PACKAGE_MAIL,
          locale: tender.language,
          data: packageMailData({
            recipient: owner.name,
            tender,
            version,
            pages: record.pages,
            files: mailFiles,
            sender: actor.name,
          }),
          attach: whole,
          attachments: extracts,
        },
      ]);
      const queued = await this.outbox.get(ids[key]!);
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
          outboxMessageId: queued.id,
          messageId: queued.messageId,
          attachments: queued.attachments,
        },
      });
      return queued;
    });
    return { ...message, version, files };
  }

  // ---- generation ----

  /**
   * The checks both the request and the job make: the tender exists and has a quotation, the override is a
   * manager's with a reason, and nothing blocks unless overridden. Returns what generation needs.
   */
  private async prepare(actor: Actor, tenderId: string, override: PackageOverride | null) {
    if (override && !hasRole(actor, 'manager')) {
      throw AppException.forbidden(
        TenderError.OVERRIDE_REQUIRES_MANAGER,
        'Only a manager may generate a package over an expired or missing qualification',
        {
          tenderId,
        },
      );
    }
    if (override && !override.reason.trim()) {
      throw AppException.badRequest(TenderError.OVERRIDE_REASON_REQUIRED, 'An override needs a reason', {
        field: 'override.reason',
      });
    }
    const input = await this.tenders.packageInput(tenderId);
    const tender = input.tender;
    if (!tender.quotation) {
      throw AppException.unprocessable(
        TenderError.TENDER_QUOTATION_REQUIRED,
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
    // The tender's own formats as they are now: a later edit does not change this package (its version records them).
    const formats = await this.formats.forPackage(tenderId);
    const model = buildPackageModel({ input, quotation, company, date: todayIso(), formats: formats.formats });
    // A template error is a 4xx now, not a failed job.
    await this.composer.check(model, tender.language, formats.formats);
    return { input, company, model, check, overridden: !isClear(check), formats };
  }

  /**
   * The template data of a tender's package as one render of all its rendered sections (what the package's DOCX is
   * made from: buildPackageModel, packageLayout), for a template preview (templates module, TemplatePreviewRecords):
   * no scans, no table of contents, no blocking check, nothing rendered or stored. 422 TENDER_QUOTATION_REQUIRED
   * without a quotation, as generation.
   */
  async previewData(tenderId: string): Promise<unknown> {
    const input = await this.tenders.packageInput(tenderId);
    const tender = input.tender;
    if (!tender.quotation) {
      throw AppException.unprocessable(
        TenderError.TENDER_QUOTATION_REQUIRED,
        'The tender has no quotation: its prices make the bid letter and the price schedules',
        { tenderId },
      );
    }
    const [quotation, company] = await Promise.all([
      this.quotations.get(tender.quotation.id),
      this.company.getProfileWithSeals(),
    ]);
    const model = buildPackageModel({ input, quotation, company, date: todayIso() });
    return { ...model, sections: packageLayout(tender.requirements.sections).rendered };
  }

  private async generate(
    actor: Actor,
    tenderId: string,
    override: PackageOverride | null,
    ctx?: JobProgress,
  ): Promise<{ view: TenderPackageView; issued: { documentId: string; version: number } & PackageEffect }> {
    const { input, company, model, check, overridden, formats } = await this.prepare(actor, tenderId, override);
    const tender = input.tender;
    await ctx?.progress(10);
    const layout = packageLayout(tender.requirements.sections, formats.formats);
    // What this version records: the formats of the sections it has (one of a section the tender leaves out is kept
    // for later, not used here).
    const used = formats.used.filter((f) => (layout.rendered as string[]).includes(f.key));
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
      formats: formats.formats,
    });

    const overrideAt = overridden ? new Date() : null;
    // Assembled from many templates by the composer (outside any transaction), then issued as one version: the
    // files, the package's own rows and audit (the effect) in one transaction, whose rollback removes the objects.
    // As a job: a retry whose earlier attempt committed gets that attempt's version back, not a second one.
    const issued = await this.issuer.issue<PackageEffect>({
      actor,
      rendered: {
        title,
        locale: tender.language,
        templateVersions: composed.templateVersions,
        files: [
          { format: 'pdf', bytes: composed.pdf, contentType: CONTENT_TYPES.pdf, extension: 'pdf' },
          { format: 'docx', bytes: composed.docx, contentType: CONTENT_TYPES.docx, extension: 'docx' },
        ],
      },
      document: {
        type: PACKAGE_TYPE,
        subject: { type: 'tender', id: tenderId },
        record: { type: 'tender-package', number: tender.tenderNo },
        title,
        signed: true,
        bundle: true,
        fileBaseName: packageFileBase(tender.tenderNo),
        auditDetails: { tenderId, pages: composed.pages, overridden, warnings: warnings.map((w) => w.code) },
      },
      jobId: ctx?.jobId,
      effect: async ({ documentId, version }) => {
        await this.versions.create({
          tenderId,
          documentId,
          version,
          pages: composed.pages,
          sections: composed.sections,
          overrideBy: overridden ? actor.id : null,
          overrideByName: overridden ? actor.name : null,
          overrideAt,
          warnings,
          formats: used,
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
              documentId,
              version,
            },
          });
        }
        if (tender.status === 'preparing') await this.tenders.setStatus(actor, tenderId, 'generated');
        return { pages: composed.pages, warnings };
      },
    });
    const view = await this.view(tenderId, await this.documents.get(issued.documentId));
    await ctx?.progress(100);
    return {
      view,
      issued: {
        documentId: issued.documentId,
        version: issued.version,
        pages: issued.pages,
        warnings: issued.warnings,
      },
    };
  }

  /** The scans in package order, read from storage: after `qualifications`, `performance` and `credit`. */
  private async attachments(
    input: TenderPackageInput,
    rendered: readonly PackageSection[],
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
    formats: record?.formats ?? [],
  };
}

const actorOf = (user: AuthUser): Actor => ({ id: user.id, name: user.name, roles: [...user.roles] });

const notGenerated = (tenderId: string) =>
  AppException.notFound(
    TenderError.TENDER_PACKAGE_NOT_FOUND,
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
    return AppException.unprocessable(TenderError.QUALIFICATION_EXPIRED, `Expired on the deadline: ${names}`, details);
  }
  return AppException.unprocessable(
    TenderError.QUALIFICATION_MISSING,
    `No qualification in force on the deadline for: ${check.missingTypes.join(', ')}`,
    details,
  );
}
