import { Injectable } from '@nestjs/common';
import { AppException } from '../../../common/errors/app-exception.js';
import { ErrorCode } from '../../../common/errors/error-codes.js';
import { checkVersion, type ExpectedVersion } from '../../../common/versioning/record-version.js';
import { TransactionRunner } from '../../../database/transaction.js';
import { RenderingService } from '../../../rendering/rendering.service.js';
import type { Locale } from '../../../rendering/rendering.types.js';
import { builtInDataContract } from '../../../rendering/templates/data-contract.js';
import { TemplateEngine } from '../../../rendering/templates/template-engine.js';
import { checkTemplate, type TemplateProblem } from '../../../rendering/templates/template-guardrails.js';
import type { TemplateFiles } from '../../../rendering/templates/template-source.js';
import { AuditService } from '../../audit/index.js';
import type { AuthUser } from '../../auth/index.js';
import { TemplateStoreError } from '../../templates/index.js';
import { isLocked } from '../tender-matching.js';
import { TENDER_SECTION_TITLES } from '../tender-package.model.js';
import { TenderError } from '../tenders.errors.js';
import { TendersService } from '../tenders.service.js';
import { packageLayout } from '../package/tender-package.builder.js';
import type { PutSectionFormatDto } from './dto/section-format.dto.js';
import type { TenderSectionFormat } from './section-format.entity.js';
import {
  composeTemplate,
  formatHash,
  FORMAT_SECTIONS,
  FREE_SECTION_START,
  isCustomKey,
  isFormatKey,
  sectionMarkup,
  withFreeSections,
  type SectionFormatBody,
  type SectionFormatKey,
  type UsedFormat,
} from './section-formats.js';
import { SectionFormatsRepository } from './section-formats.repository.js';

export const PACKAGE_TEMPLATE = 'tender-package';
const PACKAGE_TYPE = PACKAGE_TEMPLATE;

export interface SectionFormatMeta {
  version: number;
  hash: string;
  basedOn: string;
  updatedBy: { id: string | null; name: string };
  updatedAt: Date;
}

export interface SectionFormatListItem {
  key: SectionFormatKey;
  title: string;
  custom: boolean;
  /** In the tender's package (a section it lists, or a free section). */
  inPackage: boolean;
  position: number | null;
  /** null: the company's format. */
  format: SectionFormatMeta | null;
}

export interface SectionFormatsView {
  tenderId: string;
  locale: Locale;
  /** The version of the company's `tender-package` template a format would start from now. */
  companyVersion: string;
  sections: SectionFormatListItem[];
}

export interface SectionFormatView {
  tenderId: string;
  key: SectionFormatKey;
  title: string;
  custom: boolean;
  position: number | null;
  /** The tender's body when it has one, else the company's markup (the starting point). */
  body: string;
  /** The company's current markup of the section (empty for a free section). */
  companyBody: string;
  companyVersion: string;
  overridden: boolean;
  /** The format's version (the ETag), null while the section is the company's. */
  version: number | null;
  format: SectionFormatMeta | null;
  /** On a save: what the guardrails warned of (an unknown field...). */
  problems?: TemplateProblem[];
}

/**
 * A tender's own formats (投标文件格式): per-tender wording or layout of a package section, or a free section,
 * starting from the company's version of the `tender-package` template (published, or built-in). Each body passes
 * the template store's guardrails (422 TEMPLATE_REFUSED with line and column; nothing stored) and the engine's
 * compile check on the composed template. The package service asks forPackage() for the formats it renders with.
 */
@Injectable()
export class SectionFormatsService {
  constructor(
    private readonly repo: SectionFormatsRepository,
    private readonly tenders: TendersService,
    private readonly rendering: RenderingService,
    private readonly engine: TemplateEngine,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async list(tenderId: string): Promise<SectionFormatsView> {
    const tender = await this.tenders.get(tenderId);
    const company = await this.companyTemplate(tender.language);
    const rows = await this.repo.list(tenderId);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const titles = TENDER_SECTION_TITLES[tender.language];
    const layout = packageLayout(tender.requirements.sections);
    const free = rows.filter((r) => isCustomKey(r.key));
    const order = withFreeSections(layout.order, free.map(asBody)).filter((k): k is SectionFormatKey => k !== 'toc');
    const others = FORMAT_SECTIONS.filter((k) => !order.includes(k));
    const item = (key: SectionFormatKey, inPackage: boolean): SectionFormatListItem => {
      const row = byKey.get(key);
      return {
        key,
        title: isCustomKey(key) ? (row?.title ?? key) : titles[key],
        custom: isCustomKey(key),
        inPackage,
        position: row?.position ?? null,
        format: row ? meta(row) : null,
      };
    };
    return {
      tenderId,
      locale: tender.language,
      companyVersion: company.version,
      sections: [...order.map((k) => item(k, true)), ...others.map((k) => item(k, false))],
    };
  }

  async get(tenderId: string, key: string): Promise<SectionFormatView> {
    const k = mustBeKey(key);
    const tender = await this.tenders.get(tenderId);
    const row = await this.repo.find(tenderId, k);
    if (!row && isCustomKey(k)) throw notFound(tenderId, k);
    return this.view(tenderId, tender.language, k, row);
  }

  /** Creates or replaces the tender's format of a section; If-Match: the version read (`*` or none to create). */
  async put(
    actor: AuthUser,
    tenderId: string,
    key: string,
    dto: PutSectionFormatDto,
    ifMatch?: ExpectedVersion,
  ): Promise<SectionFormatView> {
    const k = mustBeKey(key);
    const custom = isCustomKey(k);
    if (custom && (!dto.title?.trim() || dto.position === undefined || dto.position === null)) {
      throw AppException.badRequest(
        TenderError.TENDER_FORMAT_INVALID,
        'A free section needs a title and a position among the sections',
        {
          key: k,
          fields: [
            ...(dto.title?.trim() ? [] : ['title']),
            ...(dto.position === undefined || dto.position === null ? ['position'] : []),
          ],
        },
      );
    }
    const title = custom ? dto.title!.trim() : null;
    const position = custom ? dto.position! : null;
    const tender = await this.tenders.get(tenderId);
    const company = await this.companyTemplate(tender.language);
    const warnings = this.guard(company.files, { key: k, body: dto.body, title, position });
    const saved = await this.tx.run(async () => {
      await this.repo.lockTender(tenderId);
      const t = await this.tenders.get(tenderId);
      if (isLocked(t.status)) throw locked(t);
      const row = await this.repo.find(tenderId, k);
      if (row) await checkVersion(ifMatch, () => this.repo.lockVersion(row.id), { type: 'tender format', id: k });
      else if (ifMatch !== undefined) throw stale(k, ifMatch);
      const hash = formatHash({ key: k, title, body: dto.body });
      const written = row
        ? await this.repo.save(
            Object.assign(row, {
              body: dto.body,
              title,
              position,
              hash,
              updatedBy: actor.id,
              updatedByName: actor.name,
            } satisfies Partial<TenderSectionFormat>),
          )
        : await this.repo.create({
            tenderId,
            key: k,
            title,
            position,
            body: dto.body,
            hash,
            basedOn: company.version,
            updatedBy: actor.id,
            updatedByName: actor.name,
          });
      await this.audit.record({
        actor,
        action: 'tender.format.save',
        entityType: 'tender',
        entityId: tenderId,
        details: { key: k, version: written.version, hash, basedOn: written.basedOn, title },
      });
      return written;
    });
    return { ...(await this.view(tenderId, tender.language, k, saved)), problems: warnings };
  }

  /** Back to the company's format: the tender's is removed (packages already issued keep theirs). */
  async remove(
    actor: AuthUser,
    tenderId: string,
    key: string,
    ifMatch?: ExpectedVersion,
  ): Promise<{ key: SectionFormatKey; deleted: boolean }> {
    const k = mustBeKey(key);
    await this.tenders.get(tenderId);
    return this.tx.run(async () => {
      await this.repo.lockTender(tenderId);
      const t = await this.tenders.get(tenderId);
      if (isLocked(t.status)) throw locked(t);
      const row = await this.repo.find(tenderId, k);
      if (!row) throw notFound(tenderId, k);
      await checkVersion(ifMatch, () => this.repo.lockVersion(row.id), { type: 'tender format', id: k });
      await this.repo.delete(row.id);
      await this.audit.record({
        actor,
        action: 'tender.format.reset',
        entityType: 'tender',
        entityId: tenderId,
        details: { key: k, version: row.version, hash: row.hash },
      });
      return { key: k, deleted: true };
    });
  }

  /** The formats a package of the tender renders with, and what its version records of each. */
  async forPackage(tenderId: string): Promise<{ formats: SectionFormatBody[]; used: UsedFormat[] }> {
    const rows = await this.repo.list(tenderId);
    return {
      formats: rows.map(asBody),
      used: rows.map((r) => ({
        key: r.key as SectionFormatKey,
        title: r.title,
        version: r.version,
        hash: r.hash,
        body: r.body,
      })),
    };
  }

  // ---- helpers ----

  /** The company's `tender-package` files in a locale (its published version, or the built-in) and their version. */
  private async companyTemplate(locale: Locale): Promise<{ files: TemplateFiles; version: string }> {
    const source = await this.rendering.source(PACKAGE_TEMPLATE, locale);
    return source
      ? { files: source.files, version: this.engine.overrideVersion(source.files) }
      : { files: this.engine.builtInFiles(PACKAGE_TEMPLATE), version: this.engine.version(PACKAGE_TEMPLATE) };
  }

  private async view(
    tenderId: string,
    locale: Locale,
    key: SectionFormatKey,
    row: TenderSectionFormat | null,
  ): Promise<SectionFormatView> {
    const company = await this.companyTemplate(locale);
    const custom = isCustomKey(key);
    const companyBody = custom ? '' : (sectionMarkup(company.files['template.hbs'], key) ?? '');
    return {
      tenderId,
      key,
      title: custom ? (row?.title ?? key) : TENDER_SECTION_TITLES[locale][key],
      custom,
      position: row?.position ?? null,
      body: row?.body ?? (custom ? FREE_SECTION_START : companyBody),
      companyBody,
      companyVersion: company.version,
      overridden: row !== null,
      version: row?.version ?? null,
      format: row ? meta(row) : null,
    };
  }

  /**
   * The template store's guardrails on the body, as the package template's section sees it (inside the
   * `{{#each sections as |section|}}{{#with @root}}` of template.hbs, written on the body's first line so that lines
   * are the body's), then the engine's compile check of the composed template. Errors refuse it (422
   * TEMPLATE_REFUSED, every problem with line and column); the warnings are returned.
   */
  private guard(companyFiles: TemplateFiles, format: SectionFormatBody): TemplateProblem[] {
    const open = '{{#each sections as |section|}}{{#with @root}}';
    const problems = checkTemplate({
      type: PACKAGE_TYPE,
      files: { 'template.hbs': `${open}${format.body}\n{{/with}}{{/each}}` },
      partials: this.engine.partialNames(),
      contract: builtInDataContract(this.engine.root, PACKAGE_TYPE),
    }).map((p) => (p.line === 1 && p.column !== undefined ? { ...p, column: Math.max(1, p.column - open.length) } : p));
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length) {
      const first = errors[0]!;
      const at = first.line ? ` line ${first.line}${first.column ? `, column ${first.column}` : ''}` : '';
      throw AppException.unprocessable(
        TemplateStoreError.TEMPLATE_REFUSED,
        `The format of ${format.key} (${at.trim() || 'body'}): ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
        { template: PACKAGE_TYPE, key: format.key, problems: errors },
      );
    }
    const composed = composeTemplate(companyFiles['template.hbs'], [format]);
    if (composed.missing.length) {
      throw AppException.unprocessable(
        TenderError.TENDER_FORMAT_INVALID,
        `The company's tender-package template has no section block for ${composed.missing.join(', ')}`,
        { key: format.key },
      );
    }
    this.engine.check(PACKAGE_TYPE, { ...companyFiles, 'template.hbs': composed.template });
    // `section` and the package's own `part` are the template's, not fields the contract lists.
    return problems.filter((p) => p.severity === 'warning' && p.field !== 'section' && !p.field?.startsWith('part'));
  }
}

function asBody(r: TenderSectionFormat): SectionFormatBody {
  return { key: r.key as SectionFormatKey, body: r.body, title: r.title, position: r.position };
}

function meta(r: TenderSectionFormat): SectionFormatMeta {
  return {
    version: r.version,
    hash: r.hash,
    basedOn: r.basedOn,
    updatedBy: { id: r.updatedBy, name: r.updatedByName },
    updatedAt: r.updatedAt,
  };
}

function mustBeKey(key: string): SectionFormatKey {
  if (!isFormatKey(key)) {
    throw AppException.badRequest(
      TenderError.TENDER_FORMAT_INVALID,
      'A format key is a package section (bid_letter, authorisation…; not toc) or custom:<slug> (a-z, 0-9, -)',
      { key: key.slice(0, 60) },
    );
  }
  return key;
}

const notFound = (tenderId: string, key: string) =>
  AppException.notFound(TenderError.TENDER_FORMAT_NOT_FOUND, `The tender has no format of its own for ${key}`, {
    tenderId,
    key,
  });

const locked = (t: { id: string; tenderNo: string; status: string }) =>
  AppException.conflict(TenderError.TENDER_LOCKED, `Tender ${t.tenderNo} is ${t.status}: its formats cannot change`, {
    id: t.id,
    status: t.status,
  });

/** If-Match names a version of a format that does not exist (deleted meanwhile): 412 as for any stale record. */
function stale(key: string, ifMatch: readonly number[]): AppException {
  return AppException.preconditionFailed(
    ErrorCode.STALE_RECORD,
    `The tender's format of ${key} was removed by someone else; reload it and make the change again`,
    { type: 'tender format', id: key, currentVersion: null, ifMatch },
  );
}
