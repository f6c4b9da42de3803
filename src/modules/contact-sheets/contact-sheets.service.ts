import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { ContactSheetError } from './contact-sheets.errors.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import type { Locale } from '../../rendering/rendering.types.js';
import { redactAmounts } from '../../common/amount-redaction.js';
import { AuditService } from '../audit/index.js';
import { type AuthUser, canSeePrices, type Role } from '../auth/index.js';
import { CompanyService } from '../company/index.js';
import {
  ContractEvents,
  type ContractRevised,
  type ContractView,
  contractAmounts,
  ContractsService,
} from '../contracts/index.js';
import type { DocumentFormat } from '../../rendering/rendering.types.js';
import {
  DocumentsService,
  type FileView,
  DocumentIssuer,
  type IssuedVersion,
  type IssueMail,
} from '../documents/index.js';
import { JobsService, type JobView } from '../jobs/index.js';
import { type OutboxStatus, OutboxService, type OutboxMessageView } from '../outbox/index.js';
import {
  DEPARTMENTS,
  SHEET_STAGES,
  type ContactSheet,
  type ContactSheetSignoff,
  type Department,
  type SheetCopy,
  type SheetStage,
  type SheetStatus,
} from './contact-sheet.entity.js';
import { CONTACT_SHEET_MAIL, contactSheetMailData, contactSheetMailKey } from './contact-sheet.mail.js';
import { ContactSheetsRepository } from './contact-sheets.repository.js';
import { copyFor, departmentLabel, type SheetCompany, type SheetHeader } from './views/contact-sheet.view.js';

export const SHEET_JOB = 'contact-sheet.sync';
const TEMPLATE = 'contact-sheet';

type Actor = Pick<AuthUser, 'id' | 'name'>;

/** Who may read each department's copy: production's copy has no price, so every role may. */
const COPY_READERS: Record<Department, readonly Role[] | 'everyone'> = {
  finance: ['finance', 'backoffice', 'manager', 'sales'],
  engineering: ['engineering', 'backoffice', 'manager', 'sales'],
  production: 'everyone',
};

export function canReadCopy(user: Pick<AuthUser, 'roles'>, department: Department): boolean {
  const readers = COPY_READERS[department];
  return readers === 'everyone' || user.roles.includes('admin') || readers.some((r) => user.roles.includes(r));
}

/** The copy's name in its title and its attachment's file name (the template prints its own label). */
const COPY_LABEL: Record<Locale, Record<Department, string>> = {
  'zh-CN': { finance: '财务联', engineering: '技术联', production: '生产联' },
  en: { finance: 'Finance copy', engineering: 'Engineering copy', production: 'Production copy' },
  es: { finance: 'Copia de Finanzas', engineering: 'Copia de Ingeniería', production: 'Copia de Producción' },
};
/** The attachment's file name before the number (zh-CN: as it always was). */
const FILE_STEM: Record<Locale, string> = {
  'zh-CN': '合同联系单',
  en: 'Contract-contact-sheet',
  es: 'Hoja-de-coordinacion',
};
const copyTitle = (locale: Locale, rendered: string, projectNumber: string, d: Department) =>
  locale === 'zh-CN'
    ? `${rendered} ${projectNumber}（${COPY_LABEL[locale][d]}）`
    : `${rendered} ${projectNumber} (${COPY_LABEL[locale][d]})`;
const copyType = (d: Department) => `contact-sheet-${d}`;
const subjectOf = (contractId: string) => ({ type: 'contract' as const, id: contractId });
/** The outbox messages of a sheet version are about it (`GET /api/outbox?subjectType=contact-sheet&subjectId=`). */
export const MAIL_SUBJECT = 'contact-sheet';

export interface SignoffView {
  department: Department;
  signed: boolean;
  userId: string | null;
  name: string | null;
  signedAt: Date | null;
  comment: string | null;
}

/**
 * A copy mailed at one stage of a sheet version: its outbox message (one per department address, so its status is
 * the recipient's), or `no_address` when the copy was stored while its department had no address (nothing queued).
 */
export interface MailingView {
  stage: SheetStage;
  department: Department;
  status: OutboxStatus | 'no_address';
  to: string[];
  /** The outbox message (`GET /api/outbox/{id}`, the console's outbox page, where a failed one is sent again). */
  outboxMessageId: string | null;
  /** The Message-ID every attempt sends. */
  messageId: string | null;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date | null;
}

export interface CopyView {
  department: Department;
  documentId: string | null;
  /** The copy's newest document version (of any sheet version). */
  latestVersion: number | null;
  /** This sheet version's document versions: as issued, and re-rendered with the sign-offs once complete. */
  issuedVersion: number | null;
  completedVersion: number | null;
  files: (FileView & { url: string })[];
}

export interface SheetVersionView {
  version: number;
  contractRevision: number;
  projectNumber: string;
  status: SheetStatus;
  /** A newer version replaced this one (an approved contract change); it can no longer be signed. */
  superseded: boolean;
  issuedAt: Date;
  issuedBy: { id: string | null; name: string };
  completedAt: Date | null;
  signoffs: SignoffView[];
  mailings: MailingView[];
  copies: CopyView[];
  /** The last render job of this version, which also queued its mail (GET /api/jobs/{id} for its starter or a manager). */
  renderJobId: string | null;
}

export interface ContactSheetView extends SheetVersionView {
  contractId: string;
  contractNumber: string;
  customer: { id: string; name: string };
  versions: Omit<SheetVersionView, 'copies'>[];
}

export interface SignResult {
  contactSheet: ContactSheetView;
  department: Department;
  complete: boolean;
  /** The job re-rendering and mailing the completed copies (only when this sign-off completed the sheet). */
  job: Pick<JobView, 'id' | 'status'> | null;
}

/**
 * Contract contact sheets (合同联系单): issued with the project number, signed off by finance, engineering and
 * production, re-issued as a new version for every approved contract change. Copies are rendered by the
 * `contact-sheet.sync` job after the transaction that asked for them has committed, and issued through the
 * document issuer: each copy's version, the sheet's record of it and its mail (an outbox message) in one transaction.
 */
@Injectable()
export class ContactSheetsService implements OnModuleInit {
  private readonly logger = new Logger('ContactSheets');

  constructor(
    private readonly sheets: ContactSheetsRepository,
    private readonly contracts: ContractsService,
    private readonly events: ContractEvents,
    private readonly documents: DocumentsService,
    private readonly rendering: RenderingService,
    private readonly issuer: DocumentIssuer,
    private readonly outbox: OutboxService,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
    private readonly company: CompanyService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    // /api/documents serves a copy by its document id under the same rule as the copy routes below.
    for (const department of DEPARTMENTS)
      this.documents.restrictReaders(copyType(department), (u) => canReadCopy(u, department));
    this.jobs.register<{ sheetId: string; actor: Actor }>(
      SHEET_JOB,
      ({ sheetId, actor }, ctx) => this.sync(sheetId, actor, ctx.progress),
      // Queued after a commit (payment, sign-off, change): never refused, or the sheet would never be issued. Its mail
      // is the outbox's (retried there): these retries are for rendering and storing.
      { kind: 'render', bounded: false, retryLimit: 8, retryDelaySeconds: 5, retryBackoff: true },
    );
    this.events.onRevised((event) => this.reissue(event));
  }

  // ---- issue, re-issue ----

  /**
   * Version 1 of the contract's sheet, in the caller's transaction (the advance payment that gave the project
   * number). The copies are rendered by `enqueueSync` once that transaction has committed.
   */
  async open(actor: Actor, contract: ContractView): Promise<ContactSheet> {
    if (!contract.projectNumber) throw new Error(`contract ${contract.id} has no project number: no contact sheet`);
    const [latest] = await this.sheets.lockContract(contract.id);
    if (latest) return latest;
    const sheet = await this.sheets.create({
      contractId: contract.id,
      version: 1,
      contractRevision: contract.revision,
      projectNumber: contract.projectNumber,
      status: 'open',
      issuedAt: new Date(),
      issuedBy: actor.id,
      issuedByName: actor.name,
      completedAt: null,
      copies: {},
      renderJobId: null,
    });
    await this.audit.record({
      actor,
      action: 'contact-sheet.issue',
      entityType: 'contract',
      entityId: contract.id,
      details: {
        sheetId: sheet.id,
        version: 1,
        contractRevision: contract.revision,
        projectNumber: contract.projectNumber,
      },
    });
    return sheet;
  }

  /** Queues the rendering (and mail) of a sheet version's copies; call it after the sheet's transaction committed. */
  async enqueueSync(actor: Actor, sheetId: string): Promise<JobView> {
    const job = await this.jobs.enqueue(SHEET_JOB, { sheetId, actor: { id: actor.id, name: actor.name } }, actor);
    await this.sheets.update(sheetId, { renderJobId: job.id });
    return job;
  }

  /**
   * A manager approved a contract change (inside that transaction): a contract with a contact sheet gets the next
   * sheet version for the new revision, its sign-offs empty. Rendered and mailed once the change has committed.
   */
  private async reissue(event: ContractRevised): Promise<void> {
    const [latest] = await this.sheets.lockContract(event.contractId);
    if (!latest || latest.contractRevision >= event.revision) return;
    const sheet = await this.sheets.create({
      contractId: event.contractId,
      version: latest.version + 1,
      contractRevision: event.revision,
      projectNumber: latest.projectNumber,
      status: 'open',
      issuedAt: new Date(),
      issuedBy: event.actor.id,
      issuedByName: event.actor.name,
      completedAt: null,
      copies: {},
      renderJobId: null,
    });
    await this.audit.record({
      actor: event.actor,
      action: 'contact-sheet.reissue',
      entityType: 'contract',
      entityId: event.contractId,
      details: {
        sheetId: sheet.id,
        version: sheet.version,
        contractRevision: event.revision,
        previousVersion: latest.version,
      },
    });
    // Rendered once the change has committed (a rolled-back change leaves nothing to render).
    await this.tx.afterCommit(async () => {
      await this.enqueueSync(event.actor, sheet.id);
    });
  }

  /**
   * Renders (again) what is missing of the current version: for a job lost to a restart. Each stored copy's mail was
   * queued with it; a message that failed for good is sent again from the outbox (POST /api/outbox/{id}/retry).
   */
  async resync(actor: AuthUser, contractId: string): Promise<{ job: JobView }> {
    const sheet = await this.mustFindLatest(contractId);
    return { job: await this.enqueueSync(actor, sheet.id) };
  }

  // ---- sign ----

  async sign(
    user: AuthUser,
    contractId: string,
    dto: { department?: Department; comment?: string },
  ): Promise<SignResult> {
    const department = signingDepartment(user, dto.department);
    const { sheetId, complete } = await this.tx.run(async () => {
      const [sheet] = await this.sheets.lockContract(contractId);
      if (!sheet) throw notFound(contractId);
      if (sheet.status === 'complete') {
        throw AppException.conflict(
          ContactSheetError.CONTACT_SHEET_COMPLETE,
          `Version ${sheet.version} of the contact sheet is already signed off by every department`,
          {
            version: sheet.version,
            completedAt: sheet.completedAt,
          },
        );
      }
      const signed = await this.sheets.signoffs([sheet.id]);
      const mine = signed.find((s) => s.department === department);
      if (mine) {
        throw AppException.conflict(
          ContactSheetError.ALREADY_SIGNED,
          `${departmentLabel(department, 'en')} has already signed version ${sheet.version} of the contact sheet`,
          {
            department,
            version: sheet.version,
            name: mine.name,
            signedAt: mine.signedAt,
          },
        );
      }
      if (stageVersion(sheet.copies[department], 'issued') === null) {
        throw AppException.conflict(
          ContactSheetError.CONTACT_SHEET_NOT_ISSUED,
          `The ${department} copy of version ${sheet.version} has not been rendered yet: sign once it is issued`,
          {
            department,
            version: sheet.version,
            renderJobId: sheet.renderJobId,
          },
        );
      }
      const signoff = await this.sheets.createSignoff({
        sheetId: sheet.id,
        department,
        userId: user.id,
        name: user.name,
        signedAt: new Date(),
        comment: dto.comment?.trim() || null,
      });
      await this.audit.record({
        actor: user,
        action: 'contact-sheet.sign',
        entityType: 'contract',
        entityId: contractId,
        details: { sheetId: sheet.id, version: sheet.version, department, comment: signoff.comment },
      });
      const done = DEPARTMENTS.every((d) => d === department || signed.some((s) => s.department === d));
      if (done) {
        await this.sheets.update(sheet.id, { status: 'complete', completedAt: new Date() });
        await this.audit.record({
          actor: user,
          action: 'contact-sheet.complete',
          entityType: 'contract',
          entityId: contractId,
          details: { sheetId: sheet.id, version: sheet.version },
        });
      }
      return { sheetId: sheet.id, complete: done };
    });
    const job = complete ? await this.enqueueSync(user, sheetId) : null;
    return {
      contactSheet: await this.view(user, contractId),
      department,
      complete,
      job: job && { id: job.id, status: job.status },
    };
  }

  // ---- read ----

  async view(user: Pick<AuthUser, 'roles'>, contractId: string): Promise<ContactSheetView> {
    const contract = await this.contracts.get(contractId);
    const versions = await this.sheets.versions(contractId);
    if (!versions.length) throw notFound(contractId);
    const ids = versions.map((v) => v.id);
    const [signoffs, mail] = await Promise.all([this.sheets.signoffs(ids), this.outbox.forSubjects(MAIL_SUBJECT, ids)]);
    const visible = DEPARTMENTS.filter((d) => canReadCopy(user, d));
    const latest = versions[versions.length - 1];
    // Production reads the sign-off comments without the contract's amounts, as its copy prints them.
    const amounts = canSeePrices(user) ? [] : contractAmounts(contract);
    const shown = amounts.length
      ? signoffs.map((s) => ({ ...s, comment: redactAmounts(s.comment, amounts) }))
      : signoffs;
    const summaries = versions.map((v) => versionSummary(v, v !== latest, shown, mail.get(v.id) ?? [], visible));
    const copies = await Promise.all(visible.map((d) => this.copyView(contractId, d, latest.copies[d])));
    return {
      contractId,
      contractNumber: contract.number,
      customer: contract.customer,
      ...summaries[summaries.length - 1],
      copies,
      versions: summaries,
    };
  }

  async versionList(user: Pick<AuthUser, 'roles'>, contractId: string): Promise<Omit<SheetVersionView, 'copies'>[]> {
    return (await this.view(user, contractId)).versions;
  }

  /** A copy's file; `version` is the copy's document version (default: the newest). */
  async file(
    user: Pick<AuthUser, 'roles'>,
    contractId: string,
    department: Department,
    format: Exclude<DocumentFormat, 'bundle'>,
    version?: number,
  ) {
    if (!canReadCopy(user, department)) {
      throw AppException.forbidden(
        ContactSheetError.COPY_NOT_ALLOWED,
        `Your roles may not read the ${department} copy`,
        {
          department,
        },
      );
    }
    await this.mustFindLatest(contractId);
    const doc = await this.documents.findFor(copyType(department), subjectOf(contractId));
    if (!doc) {
      throw AppException.notFound(
        ContactSheetError.CONTACT_SHEET_COPY_NOT_FOUND,
        `The ${department} copy has not been rendered yet`,
        {
          contractId,
          department,
        },
      );
    }
    return this.documents.file(doc.id, format, version);
  }

  private async copyView(contractId: string, department: Department, copy: SheetCopy | undefined): Promise<CopyView> {
    const doc = await this.documents.findFor(copyType(department), subjectOf(contractId));
    const latest = doc?.versions.find((v) => v.version === doc.latestVersion);
    const base = `/api/contracts/${contractId}/contact-sheet/${department}/file`;
    return {
      department,
      documentId: doc?.id ?? null,
      latestVersion: doc?.latestVersion ?? null,
      issuedVersion: copy?.issuedVersion ?? null,
      completedVersion: copy?.completedVersion ?? null,
      files: (latest?.files ?? [])
        .filter((f) => f.format !== 'bundle')
        .map((f) => ({ ...f, url: `${base}?format=${f.format}&version=${latest!.version}` })),
    };
  }

  private async mustFindLatest(contractId: string): Promise<ContactSheet> {
    const sheet = await this.sheets.latest(contractId);
    if (!sheet) {
      await this.contracts.get(contractId); // 404 for an unknown contract rather than for its sheet
      throw notFound(contractId);
    }
    return sheet;
  }

  // ---- the job: render, then issue (store + record + mail) ----

  /**
   * Brings a sheet version's copies up to date: the issued copies, and once complete the copies with the
   * sign-offs. Each copy is rendered outside any transaction (Chromium never holds a lock), then issued through the
   * document issuer: in one transaction the next version of its document, the sheet's record of it (under the
   * contract's sheet lock, checked again there, so a retried or duplicate job stores nothing twice) and its mail to
   * the department, queued in the outbox, which sends it after the commit and retries while the server is down.
   */
  private async sync(
    sheetId: string,
    actor: Actor,
    progress: (p: number) => Promise<void>,
  ): Promise<Record<string, unknown>> {
    const sheet = await this.sheets.findById(sheetId);
    if (!sheet) throw new Error(`contact sheet ${sheetId} not found (not committed yet?)`);
    const stages: SheetStage[] = sheet.status === 'complete' ? ['issued', 'completed'] : ['issued'];
    const contract = await this.contracts.get(sheet.contractId, sheet.contractRevision);
    const company = await this.companyForSheet();
    const signoffs = await this.sheets.signoffs([sheet.id]);
    // An internal document: the company's language (company/document-locale.ts).
    const locale = await this.company.documentLocaleFor({ audience: 'internal' });
    const mail: Record<string, string> = {};
    let step = 0;
    for (const stage of stages) {
      const header: SheetHeader = {
        projectNumber: sheet.projectNumber,
        version: sheet.version,
        contractRevision: sheet.contractRevision,
        issuedAt: sheet.issuedAt.toISOString(),
        completedAt: stage === 'completed' && sheet.completedAt ? sheet.completedAt.toISOString() : null,
        signoffs:
          stage === 'completed'
            ? signoffs.map((s) => ({
                department: s.department,
                name: s.name,
                signedAt: s.signedAt.toISOString(),
                comment: s.comment,
              }))
            : [],
      };
      for (const department of DEPARTMENTS) {
        await progress((++step / (stages.length * DEPARTMENTS.length + 1)) * 90);
        const current = await this.sheets.findById(sheetId);
        if (stageVersion(current?.copies[department], stage) !== null) continue;
        const rendered = await this.rendering.render({
          template: TEMPLATE,
          data: copyFor(department, contract, header, company, locale),
          formats: ['pdf', 'docx'],
          sign: true,
          locale,
        });
        const address = this.config.departmentEmails[department] ?? null;
        let issued;
        try {
          issued = await this.issuer.issue({
            actor,
            rendered,
            document: {
              type: copyType(department),
              subject: subjectOf(sheet.contractId),
              record: { type: 'contact-sheet', number: sheet.projectNumber },
              title: (rendered) => copyTitle(locale, rendered, sheet.projectNumber, department),
              signed: true,
              bundle: false,
              fileBaseName: `contact-sheet-${sheet.projectNumber.replace(/[^A-Za-z0-9_-]/g, '-')}-${department}`,
              auditDetails: { sheetId, sheetVersion: sheet.version, stage, department },
            },
            effect: (version) => this.recordCopy(sheet, department, stage, version),
            mails: (version) =>
              address ? [this.copyMail(sheet, contract, department, stage, address, version, locale)] : [],
          });
        } catch (err) {
          // The check under the lock found the copy stored by another attempt, or a newer sheet version: the
          // issue rolled back (the objects it stored are removed again), nothing was written.
          if (!(err instanceof CopyNotRecorded)) throw err;
          if (err.reason === 'superseded') return { sheetId, version: sheet.version, superseded: true };
          continue;
        }
        Object.assign(mail, issued.mail);
        if (!address) {
          // Shown as `no_address` on the sheet (a stored copy without a message), never skipped in silence.
          this.logger.warn(
            `${department.toUpperCase()}_EMAIL is not set: the ${department} copy of contact sheet ${sheetId} is not mailed`,
          );
        }
      }
    }
    const final = await this.sheets.findById(sheetId);
    return { sheetId, version: sheet.version, status: final?.status, copies: final?.copies, mail };
  }

  /** The issue's effect: records the stored version as this sheet version's copy, or rolls the issue back. */
  private async recordCopy(
    sheet: ContactSheet,
    department: Department,
    stage: SheetStage,
    issued: IssuedVersion,
  ): Promise<{ department: Department; stage: SheetStage; documentVersion: number }> {
    const locked = await this.sheets.lockContract(sheet.contractId);
    const mine = locked.find((s) => s.id === sheet.id)!;
    if (locked[0].id !== sheet.id) throw new CopyNotRecorded('superseded');
    const copy = mine.copies[department];
    if (stageVersion(copy, stage) !== null) throw new CopyNotRecorded('done');
    const next: SheetCopy = {
      documentId: issued.documentId,
      issuedVersion: stage === 'issued' ? issued.version : (copy?.issuedVersion ?? null),
      completedVersion: stage === 'completed' ? issued.version : (copy?.completedVersion ?? null),
    };
    await this.sheets.update(sheet.id, { copies: { ...mine.copies, [department]: next } });
    return { department, stage, documentVersion: issued.version };
  }

  /** The department's mail about its copy, with the copy's PDF (the version just issued) attached. */
  private copyMail(
    sheet: ContactSheet,
    contract: ContractView,
    department: Department,
    stage: SheetStage,
    address: string,
    issued: IssuedVersion,
    locale: Locale,
  ): IssueMail {
    return {
      key: contactSheetMailKey(sheet.id, stage, department),
      about: { type: MAIL_SUBJECT, id: sheet.id },
      audience: department,
      to: [address],
      template: CONTACT_SHEET_MAIL,
      locale,
      data: contactSheetMailData(sheet, contract, department, stage),
      attach: [
        {
          format: 'pdf',
          fileName: `${FILE_STEM[locale]}-${sheet.projectNumber}-${COPY_LABEL[locale][department]}-v${issued.version}.pdf`,
        },
      ],
    };
  }

  /**
   * The template data of a contract's contact sheet, the finance copy (the whole sheet, prices included), as the job
   * renders it (copyFor), for a template preview (templates module, TemplatePreviewRecords): the contract at the
   * revision of its latest sheet with that sheet's header and sign-offs, or, before it has a sheet, the contract as it
   * is now under a header that says so (its number for the project number, version 0). Nothing rendered or stored.
   */
  async previewData(contractId: string, locale: Locale): Promise<unknown> {
    const sheet = await this.sheets.latest(contractId);
    const contract = await this.contracts.get(contractId, sheet?.contractRevision);
    const company = await this.companyForSheet();
    const signoffs = sheet ? await this.sheets.signoffs([sheet.id]) : [];
    const header: SheetHeader = sheet
      ? {
          projectNumber: sheet.projectNumber,
          version: sheet.version,
          contractRevision: sheet.contractRevision,
          issuedAt: sheet.issuedAt.toISOString(),
          completedAt: sheet.status === 'complete' && sheet.completedAt ? sheet.completedAt.toISOString() : null,
          signoffs:
            sheet.status === 'complete'
              ? signoffs.map((s) => ({
                  department: s.department,
                  name: s.name,
                  signedAt: s.signedAt.toISOString(),
                  comment: s.comment,
                }))
              : [],
        }
      : {
          projectNumber: contract.number,
          version: 0,
          contractRevision: contract.revision,
          issuedAt: new Date().toISOString(),
          completedAt: null,
          signoffs: [],
        };
    return copyFor('finance', contract, header, company, locale);
  }

  private async companyForSheet(): Promise<SheetCompany | null> {
    const p = await this.company.findProfile();
    if (!p) return null; // an internal sheet prints without a letterhead
    return { name: p.legalNameZh, nameEn: p.legalNameEn, address: p.addressZh, phone: p.phone, taxId: p.creditCode };
  }
}

/** Thrown by an issue's effect to roll it back: the copy is not this attempt's to record. */
class CopyNotRecorded extends Error {
  constructor(readonly reason: 'superseded' | 'done') {
    super(`contact sheet copy not recorded: ${reason}`);
  }
}

function stageVersion(copy: SheetCopy | undefined, stage: SheetStage): number | null {
  if (!copy) return null;
  return stage === 'issued' ? copy.issuedVersion : copy.completedVersion;
}

function notFound(contractId: string): AppException {
  return AppException.notFound(
    ContactSheetError.CONTACT_SHEET_NOT_FOUND,
    'The contract has no contact sheet (it is issued with the advance payment)',
    { contractId },
  );
}

/**
 * The department a user signs for: one of their own department roles (finance, engineering, production). A user
 * with several must name it. `admin` is no department: an administrator signs only with a department role too.
 */
export function signingDepartment(user: Pick<AuthUser, 'roles'>, asked: Department | undefined): Department {
  const mine = DEPARTMENTS.filter((d) => user.roles.includes(d));
  if (asked) {
    if (!mine.includes(asked)) {
      throw AppException.forbidden(
        ContactSheetError.NOT_IN_DEPARTMENT,
        `Only a user with the ${asked} role signs for ${asked}`,
        {
          department: asked,
          roles: user.roles,
        },
      );
    }
    return asked;
  }
  if (mine.length === 1) return mine[0];
  if (mine.length === 0) {
    throw AppException.forbidden(
      ContactSheetError.NOT_IN_DEPARTMENT,
      'Only finance, engineering or production users sign a contact sheet',
      { roles: user.roles },
    );
  }
  throw AppException.unprocessable(
    ContactSheetError.DEPARTMENT_REQUIRED,
    `You belong to ${mine.join(', ')}: say which department you sign for`,
    { departments: mine },
  );
}

function versionSummary(
  v: ContactSheet,
  superseded: boolean,
  signoffs: ContactSheetSignoff[],
  mail: OutboxMessageView[],
  visible: Department[],
): Omit<SheetVersionView, 'copies'> {
  const mine = signoffs.filter((s) => s.sheetId === v.id);
  return {
    version: v.version,
    contractRevision: v.contractRevision,
    projectNumber: v.projectNumber,
    status: v.status,
    superseded,
    issuedAt: v.issuedAt,
    issuedBy: { id: v.issuedBy, name: v.issuedByName },
    completedAt: v.completedAt,
    signoffs: DEPARTMENTS.map((d) => {
      const s = mine.find((x) => x.department === d);
      return {
        department: d,
        signed: !!s,
        userId: s?.userId ?? null,
        name: s?.name ?? null,
        signedAt: s?.signedAt ?? null,
        comment: s?.comment ?? null,
      };
    }),
    mailings: mailingsOf(v, mail, visible),
    renderJobId: v.renderJobId,
  };
}

/**
 * A sheet version's mail as its outbox messages, by stage and department (those the user may read). A copy stored
 * without a message is one whose department had no address: a copy and its mail are written in one transaction.
 */
function mailingsOf(v: ContactSheet, mail: OutboxMessageView[], visible: Department[]): MailingView[] {
  const out: MailingView[] = [];
  for (const stage of SHEET_STAGES) {
    for (const department of DEPARTMENTS) {
      if (!visible.includes(department)) continue;
      const m = mail.find((x) => x.key === contactSheetMailKey(v.id, stage, department));
      if (m) {
        out.push({
          stage,
          department,
          status: m.status,
          to: m.to,
          outboxMessageId: m.id,
          messageId: m.messageId,
          attempts: m.attempts,
          lastError: m.lastError,
          sentAt: m.sentAt,
          createdAt: m.createdAt,
        });
      } else if (stageVersion(v.copies[department], stage) !== null) {
        out.push({
          stage,
          department,
          status: 'no_address',
          to: [],
          outboxMessageId: null,
          messageId: null,
          attempts: 0,
          lastError: null,
          sentAt: null,
          createdAt: null,
        });
      }
    }
  }
  return out;
}
