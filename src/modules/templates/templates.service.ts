import { Injectable } from '@nestjs/common';
import { createTwoFilesPatch } from 'diff';
import { AppException } from '../../common/errors/app-exception.js';
import { checkVersion, type ExpectedVersion } from '../../common/versioning/record-version.js';
import { TransactionRunner } from '../../database/transaction.js';
import { RenderingService } from '../../rendering/rendering.service.js';
import type { Locale } from '../../rendering/rendering.types.js';
import { TemplateEngine, type RenderedHtml } from '../../rendering/templates/template-engine.js';
import { checkDraft, type TemplateProblem } from '../../rendering/templates/template-guardrails.js';
import { ClerkSettingCode } from '../../rendering/templates/clerk-settings.js';
import {
  TEMPLATE_FILE_NAMES,
  templateFilesHash,
  type TemplateFiles,
} from '../../rendering/templates/template-source.js';
import { AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/index.js';
import { OwnershipService } from '../auth/index.js';
import { LABELS } from '../../rendering/templates/labels.js';
import { readMetaShape } from '../../rendering/templates/template-engine.js';
import { HELPER_DOCS, type HelperDoc } from '../../rendering/templates/helpers.js';
import { isPriceField } from '../../common/amount-redaction.js';
import {
  builtInDataContract,
  builtInFieldDescriptions,
  type FieldDescription,
  type ProductionAudience,
} from '../../rendering/templates/data-contract.js';
import { PREVIEW_RECORDS, TemplatePreviewRecords, type PreviewRecord } from './preview-records.js';
import { FileError, type Upload } from '../files/index.js';
import { importWordTemplate, wordImportLimits } from './word-import/word-import.js';
import type { AuthUser } from '../auth/index.js';
import type { CreateDraftDto, UpdateDraftDto } from './dto/template-version.dto.js';
import { BUILT_IN, type TemplateVersion, type TemplateVersionStatus } from './template-version.entity.js';
import { TemplateStoreError } from './templates.errors.js';
import { TemplatesRepository } from './templates.repository.js';

export const TEMPLATE_VERSION_OWNER = 'template_version';

export interface ActorRef {
  id: string | null;
  name: string;
}

export interface TemplateVersionView {
  id: string;
  type: string;
  locale: Locale;
  number: number;
  status: TemplateVersionStatus;
  /** SHA-256 of the files (the version's identity). */
  hash: string;
  /** What a document rendered from this version records in templateVersions (files + partials + labels + helpers). */
  renderVersion: string;
  basedOn: string;
  note: string | null;
  createdBy: ActorRef;
  createdAt: Date;
  publishedBy: ActorRef | null;
  publishedAt: Date | null;
  restoredFrom: string | null;
  /** Goes up with every saved change of a draft; GET gives it as the ETag, edits take it as If-Match. */
  version: number;
  /** In the answers about one version, not in lists. */
  files?: TemplateFiles;
  /**
   * In the answers to a draft's creation or save: what the guardrails found. A save is refused on an error (422
   * TEMPLATE_REFUSED), so a saved draft lists warnings only (an unknown field...); a new draft copies its source as it
   * is and lists everything, errors included, to fix before it can be saved or published.
   */
  problems?: TemplateProblem[];
}

export interface TemplateVersionsView {
  type: string;
  locale: Locale;
  builtIn: { version: string; files: TemplateFiles };
  /** The version documents of this type and locale render with now: a stored one, or the built-in. */
  active: { id: string | null; renderVersion: string };
  versions: TemplateVersionView[];
}

/** GET /api/templates/:type/contract: what the template editor completes and checks against. */
export interface TemplateContractView {
  type: string;
  locale: Locale;
  /** The fields of the type's data (from its samples), with their kind and an example. */
  fields: FieldDescription[];
  helpers: HelperDoc[];
  /** What `{{> name}}` may name. */
  partials: string[];
  /** The labels `{{t "key"}}` finds in the locale: the shared ones and the built-in type's own, the type's last. */
  labels: { key: string; text: string }[];
  /** The copy production staff receive, when the type has one: its fields hold none of `priceFields`. */
  production: { audience: ProductionAudience; priceFields: string[] } | null;
  /** The record a preview can use (`?recordId=`), null: the samples only. */
  previewRecord: PreviewRecord | null;
}

export interface TemplateFileDiff {
  file: string;
  changed: boolean;
  /** A unified diff (empty when unchanged). */
  patch: string;
}

export interface TemplateDiffView {
  type: string;
  from: string;
  to: string;
  files: TemplateFileDiff[];
}

/**
 * The template store: a company's versions of the document templates (issue #19). Drafts are copied from the
 * built-in folder or a stored version, edited (each save compiled with the engine's checks) and previewed; publishing
 * one makes every document of its type and locale render with it (ActiveTemplates), the previous one superseded;
 * older versions are restored by publishing a copy; a reset goes back to the built-in. Publishing, restoring and
 * resetting are audited. A published version never changes.
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly repo: TemplatesRepository,
    private readonly rendering: RenderingService,
    private readonly engine: TemplateEngine,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly ownership: OwnershipService,
    private readonly previews: TemplatePreviewRecords,
  ) {}

  /** The document types, their built-in version and the record each can be previewed on. */
  types(): { type: string; version: string; previewRecord: PreviewRecord | null }[] {
    return this.rendering.templateTypes().map((t) => ({ ...t, previewRecord: this.previews.recordOf(t.type) }));
  }

  /** The type's data contract for the editor's completion (built-in samples, partials, helpers, labels). */
  contract(type: string, locale: Locale): TemplateContractView {
    const files = this.engine.builtInFiles(type); // 404 TEMPLATE_NOT_FOUND for a type that is not a template
    const meta = readMetaShape(files['meta.json'] ?? '{}');
    const own = 'meta' in meta ? (meta.meta.labels?.[locale] ?? {}) : {};
    const labels = { ...LABELS[locale], ...own };
    const contract = builtInDataContract(this.engine.root, type);
    const fields = builtInFieldDescriptions(this.engine.root, type);
    return {
      type,
      locale,
      fields,
      helpers: [...HELPER_DOCS],
      partials: this.engine.partialNames(),
      labels: Object.keys(labels)
        .sort()
        .map((key) => ({ key, text: labels[key] })),
      production: contract.production
        ? {
            audience: contract.production.audience,
            priceFields: fields.map((f) => f.path).filter((p) => isPriceField(p)),
          }
        : null,
      previewRecord: this.previews.recordOf(type),
    };
  }

  /**
   * The data a type's document would be rendered from for a real record (`recordId`), built by the workflow module
   * that issues it (TemplatePreviewRecords) in `locale`, once the record is found to be of the type's kind and the
   * caller may read it: 404 with the owning module's code, 403 NOT_YOUR_RECORD, 422 TEMPLATE_PREVIEW_WRONG_RECORD
   * (a record of another kind), 422 TEMPLATE_PREVIEW_NO_RECORD (a type previewed on samples only).
   */
  async recordData(actor: AuthUser, type: string, recordId: string, locale: Locale): Promise<unknown> {
    this.engine.version(type); // 404 TEMPLATE_NOT_FOUND first
    const provider = this.previews.provider(type);
    if (!provider) {
      throw AppException.unprocessable(
        TemplateStoreError.TEMPLATE_PREVIEW_NO_RECORD,
        `Template ${type} previews on its sample data only, not on a record`,
        { type, recordId },
      );
    }
    try {
      await this.ownership.check(actor, provider.record, recordId, 'recordId');
    } catch (e) {
      if (!(e instanceof AppException) || e.status !== 404) throw e;
      for (const kind of PREVIEW_RECORDS) {
        if (kind === provider.record || !this.ownership.registered(kind)) continue;
        if (await this.ownership.ownerOf(kind, recordId)) {
          throw AppException.unprocessable(
            TemplateStoreError.TEMPLATE_PREVIEW_WRONG_RECORD,
            `Template ${type} is made from a ${provider.record}: ${recordId} is a ${kind}`,
            { type, recordId, expected: provider.record, found: kind },
          );
        }
      }
      throw e;
    }
    return provider.data(recordId, locale);
  }

  async versions(type: string, locale: Locale): Promise<TemplateVersionsView> {
    const builtIn = { version: this.engine.version(type), files: this.engine.builtInFiles(type) };
    const rows = await this.repo.list(type, locale);
    const published = rows.find((v) => v.status === 'published');
    return {
      type,
      locale,
      builtIn,
      active: published
        ? { id: published.id, renderVersion: this.engine.overrideVersion(published.files) }
        : { id: null, renderVersion: builtIn.version },
      versions: rows.map((v) => this.view(v, false)),
    };
  }

  async get(type: string, id: string): Promise<TemplateVersionView> {
    return this.view(await this.mustFind(type, id), true);
  }

  /**
   * The stored versions a document's recorded template version names: `hash` is either a version's content hash or
   * the version documents record (renderVersion, computed with this build's partials, labels and helpers).
   */
  async byHash(hash: string): Promise<TemplateVersionView[]> {
    const direct = await this.repo.findByHash(hash);
    const found = direct.length
      ? direct
      : (await this.repo.issuable()).filter((v) => this.engine.overrideVersion(v.files) === hash);
    if (!found.length) {
      throw AppException.notFound(
        TemplateStoreError.TEMPLATE_VERSION_NOT_FOUND,
        'No stored template version has this hash (a built-in template, or one rendered by an older build)',
        { hash },
      );
    }
    return found.map((v) => this.view(v, true));
  }

  async createDraft(actor: AuthUser, type: string, dto: CreateDraftDto): Promise<TemplateVersionView> {
    this.engine.version(type); // 404 TEMPLATE_NOT_FOUND for a type that is not a template
    const saved = await this.tx.run(async () => {
      await this.repo.lockTemplate(type, dto.locale);
      const from = await this.startingPoint(type, dto.locale, dto.from ?? 'active');
      return this.insertDraft(actor, type, dto.locale, from.files, from.basedOn, dto.note ?? null);
    });
    return { ...this.view(saved, true), problems: checkDraft(this.engine, type, saved.files) };
  }

  /**
   * A Word document in the company's own format becomes a new draft (word-import/): its body as template.hbs and
   * styles.css, the rest (labels, title, header, footer) from the built-in. Refused like a save when the result
   * breaks a guardrail (nothing stored); what the import dropped comes back in `importWarnings`, in `locale`.
   */
  async importDocx(
    actor: AuthUser,
    type: string,
    locale: Locale,
    upload: Upload | undefined,
  ): Promise<TemplateVersionView & { importWarnings: string[] }> {
    const builtIn = this.engine.builtInFiles(type); // 404 TEMPLATE_NOT_FOUND for a type that is not a template
    if (!upload || upload.bytes.length === 0) {
      throw AppException.badRequest(FileError.FILE_MISSING, 'Send the .docx as the multipart field "file"');
    }
    const imported = await importWordTemplate(upload.bytes, { type, locale, limits: wordImportLimits(this.config) });
    const files: TemplateFiles = { ...builtIn, ...imported.files };
    const problems = this.guard(type, files);
    const saved = await this.tx.run(async () => {
      await this.repo.lockTemplate(type, locale);
      const note = `Word: ${upload.originalName}`.slice(0, 200);
      return this.insertDraft(actor, type, locale, files, this.engine.version(type), note);
    });
    return { ...this.view(saved, true), problems, importWarnings: imported.warnings };
  }

  /** Saves a draft's files after compiling them (422 TEMPLATE_ERROR with file, line and column; nothing saved). */
  async updateDraft(
    type: string,
    id: string,
    dto: UpdateDraftDto,
    ifMatch?: ExpectedVersion,
  ): Promise<TemplateVersionView> {
    const files = checkFiles(dto.files);
    const saved = await this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.repo.lockVersion(id), { type: 'template version', id });
      const draft = mustBeDraft(await this.mustFind(type, id));
      const warnings = this.guard(type, files);
      draft.files = files;
      draft.hash = templateFilesHash(files);
      if (dto.note !== undefined) draft.note = dto.note;
      return { draft: await this.repo.save(draft), warnings };
    });
    return { ...this.view(saved.draft, true), problems: saved.warnings };
  }

  async deleteDraft(type: string, id: string, ifMatch?: ExpectedVersion): Promise<{ id: string; deleted: true }> {
    await this.tx.run(async () => {
      await checkVersion(ifMatch, () => this.repo.lockVersion(id), { type: 'template version', id });
      mustBeDraft(await this.mustFind(type, id));
      await this.repo.delete(id);
    });
    return { id, deleted: true };
  }

  /**
   * A draft rendered on the type's sample, the given data or a real record (`recordId`: recordData) in the draft's
   * locale; nothing is stored. A draft that breaks a guardrail (a new draft copies its source as it is, and the
   * partials may have changed since a save) is refused as a save is: 422 TEMPLATE_REFUSED with details.problems,
   * each with its file, line and column; nothing is rendered.
   */
  async previewDraft(
    actor: AuthUser,
    type: string,
    id: string,
    source: { data?: object; sample?: string; recordId?: string },
  ): Promise<RenderedHtml> {
    const draft = mustBeDraft(await this.mustFind(type, id));
    const errors = checkDraft(this.engine, type, draft.files).filter((p) => p.severity === 'error');
    if (errors.length > 0) refuse(type, errors);
    const locale = draft.locale as Locale;
    const input = source.recordId
      ? await this.recordData(actor, type, source.recordId, locale)
      : (source.data ?? this.rendering.sample(type, source.sample));
    return this.rendering.htmlFrom({ files: draft.files }, type, input, locale);
  }

  /** The draft becomes the version its type and locale render with; the one published before is superseded. */
  async publish(actor: AuthUser, type: string, id: string, ifMatch?: ExpectedVersion): Promise<TemplateVersionView> {
    const saved = await this.tx.run(async () => {
      const found = await this.mustFind(type, id);
      await this.repo.lockTemplate(type, found.locale);
      await checkVersion(ifMatch, () => this.repo.lockVersion(id), { type: 'template version', id });
      const draft = mustBeDraft(await this.mustFind(type, id));
      this.guard(type, draft.files); // the partials and the samples may have changed since it was saved
      const superseded = await this.repo.supersede(type, draft.locale);
      Object.assign(draft, {
        status: 'published',
        publishedBy: actor.id,
        publishedByName: actor.name,
        publishedAt: new Date(),
      } satisfies Partial<TemplateVersion>);
      const published = await this.repo.save(draft);
      await this.audit.record({
        actor,
        action: 'template.publish',
        entityType: TEMPLATE_VERSION_OWNER,
        entityId: id,
        details: { ...this.auditDetails(published), superseded },
      });
      return published;
    });
    return this.view(saved, true);
  }

  /**
   * Publishes a copy of an older version (a new number, `restoredFrom` naming it). Restoring the version already
   * published changes nothing.
   */
  async restore(actor: AuthUser, type: string, id: string, note?: string): Promise<TemplateVersionView> {
    const saved = await this.tx.run(async () => {
      const old = await this.mustFind(type, id);
      await this.repo.lockTemplate(type, old.locale);
      const current = await this.mustFind(type, id);
      if (current.status === 'published') return current;
      if (current.status === 'draft') {
        throw AppException.conflict(
          TemplateStoreError.TEMPLATE_VERSION_NOT_PUBLISHED_YET,
          `Template version #${current.number} is a draft: publish it instead of restoring it`,
          { id, status: current.status },
        );
      }
      this.guard(type, current.files);
      const superseded = await this.repo.supersede(type, current.locale);
      const restored = await this.repo.create({
        type,
        locale: current.locale,
        number: await this.repo.nextNumber(type, current.locale),
        files: current.files,
        hash: current.hash,
        status: 'published',
        basedOn: current.id,
        note: note ?? null,
        createdBy: actor.id,
        createdByName: actor.name,
        publishedBy: actor.id,
        publishedByName: actor.name,
        publishedAt: new Date(),
        restoredFrom: current.id,
      });
      await this.audit.record({
        actor,
        action: 'template.restore',
        entityType: TEMPLATE_VERSION_OWNER,
        entityId: restored.id,
        details: { ...this.auditDetails(restored), restoredFrom: current.id, superseded },
      });
      return restored;
    });
    return this.view(saved, true);
  }

  /** Back to the built-in template: the published version is superseded. Nothing published: nothing changes. */
  async reset(actor: AuthUser, type: string, locale: Locale): Promise<TemplateVersionsView> {
    this.engine.version(type);
    await this.tx.run(async () => {
      await this.repo.lockTemplate(type, locale);
      const superseded = await this.repo.supersede(type, locale);
      if (!superseded.length) return;
      await this.audit.record({
        actor,
        action: 'template.reset',
        entityType: TEMPLATE_VERSION_OWNER,
        entityId: superseded[0],
        details: { type, locale, superseded, builtInVersion: this.engine.version(type) },
      });
    });
    return this.versions(type, locale);
  }

  /** A unified diff per file between two versions of a type (`built-in` for the folder's). */
  async diff(type: string, from: string, to: string): Promise<TemplateDiffView> {
    const [a, b] = await Promise.all([this.filesOf(type, from), this.filesOf(type, to)]);
    const files = TEMPLATE_FILE_NAMES.filter((f) => a[f] !== undefined || b[f] !== undefined).map((file) => {
      const before = a[file] ?? '';
      const after = b[file] ?? '';
      const changed = a[file] !== b[file];
      return {
        file,
        changed,
        patch: changed ? createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, from, to) : '',
      };
    });
    return { type, from, to, files };
  }

  // ---- helpers ----

  private async filesOf(type: string, ref: string): Promise<TemplateFiles> {
    return ref === BUILT_IN ? this.engine.builtInFiles(type) : (await this.mustFind(type, ref)).files;
  }

  /** A new draft's files and what it is based on: the built-in, the published version (`active`) or a stored one. */
  private async startingPoint(
    type: string,
    locale: string,
    from: string,
  ): Promise<{ files: TemplateFiles; basedOn: string }> {
    const stored =
      from === BUILT_IN
        ? null
        : from === 'active'
          ? await this.repo.published(type, locale)
          : await this.mustFind(type, from);
    return stored
      ? { files: stored.files, basedOn: stored.id }
      : { files: this.engine.builtInFiles(type), basedOn: this.engine.version(type) };
  }

  private async mustFind(type: string, id: string): Promise<TemplateVersion> {
    const v = await this.repo.findById(id);
    if (!v || v.type !== type) {
      throw AppException.notFound(
        TemplateStoreError.TEMPLATE_VERSION_NOT_FOUND,
        `No stored version ${id} of template ${type}`,
        { type, id },
      );
    }
    return v;
  }

  /** A new draft, numbered next for its type and locale (call it with the template locked: lockTemplate). */
  private async insertDraft(
    actor: AuthUser,
    type: string,
    locale: string,
    files: TemplateFiles,
    basedOn: string,
    note: string | null,
  ): Promise<TemplateVersion> {
    return this.repo.create({
      type,
      locale,
      number: await this.repo.nextNumber(type, locale),
      files,
      hash: templateFilesHash(files),
      status: 'draft',
      basedOn,
      note,
      createdBy: actor.id,
      createdByName: actor.name,
      publishedBy: null,
      publishedByName: null,
      publishedAt: null,
      restoredFrom: null,
    });
  }

  /**
   * The engine's own checks (422 TEMPLATE_ERROR: syntax, {{{ }}}, unknown helpers and partials), then the guardrails:
   * any error refuses the files (422 TEMPLATE_REFUSED, every problem listed); the warnings are returned.
   */
  private guard(type: string, files: TemplateFiles): TemplateProblem[] {
    const problems = checkDraft(this.engine, type, files);
    // The clerks' fields of meta.json first: the engine refuses them too, but with one reason and no code of its own.
    const settings = problems.filter((p) => p.severity === 'error' && CLERK_CODES.has(p.code));
    if (settings.length > 0) refuse(type, settings);
    this.engine.check(type, files);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) refuse(type, errors);
    return problems.filter((p) => p.severity === 'warning');
  }

  private auditDetails(v: TemplateVersion): Record<string, unknown> {
    return {
      type: v.type,
      locale: v.locale,
      number: v.number,
      hash: v.hash,
      renderVersion: this.engine.overrideVersion(v.files),
      basedOn: v.basedOn,
      note: v.note,
    };
  }

  private view(v: TemplateVersion, withFiles: boolean): TemplateVersionView {
    return {
      id: v.id,
      type: v.type,
      locale: v.locale as Locale,
      number: v.number,
      status: v.status,
      hash: v.hash,
      renderVersion: this.engine.overrideVersion(v.files),
      basedOn: v.basedOn,
      note: v.note,
      createdBy: { id: v.createdBy, name: v.createdByName },
      createdAt: v.createdAt,
      publishedBy: v.publishedByName === null ? null : { id: v.publishedBy, name: v.publishedByName },
      publishedAt: v.publishedAt,
      restoredFrom: v.restoredFrom,
      version: v.version,
      ...(withFiles ? { files: v.files } : {}),
    };
  }
}

/** The guardrail codes of the clerks' fields (clerk-settings.ts). */
const CLERK_CODES: ReadonlySet<string> = new Set(Object.values(ClerkSettingCode));

/** 422 TEMPLATE_REFUSED listing every error; the message names the first. */
function refuse(type: string, errors: TemplateProblem[]): never {
  const first = errors[0];
  const at = first.line ? ` line ${first.line}${first.column ? `, column ${first.column}` : ''}` : '';
  throw AppException.unprocessable(
    TemplateStoreError.TEMPLATE_REFUSED,
    `Template ${type} (${first.file}${at}): ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    { template: type, problems: errors },
  );
}

function mustBeDraft(v: TemplateVersion): TemplateVersion {
  if (v.status !== 'draft') {
    throw AppException.conflict(
      TemplateStoreError.TEMPLATE_VERSION_NOT_DRAFT,
      `Template version #${v.number} is ${v.status}: only a draft changes (start a new draft from it)`,
      { id: v.id, status: v.status },
    );
  }
  return v;
}

/** The files as a template folder has them: known names only (the DTO), and a template.hbs. */
function checkFiles(given: object): TemplateFiles {
  const files = given as Partial<Record<string, unknown>>;
  if (typeof files['template.hbs'] !== 'string' || files['template.hbs'].trim() === '') {
    throw AppException.unprocessable(TemplateStoreError.TEMPLATE_FILES_INVALID, 'A template needs a template.hbs', {
      files: Object.keys(files),
      allowed: TEMPLATE_FILE_NAMES,
    });
  }
  return Object.fromEntries(
    TEMPLATE_FILE_NAMES.filter((f) => typeof files[f] === 'string').map((f) => [f, files[f]]),
  ) as TemplateFiles;
}
