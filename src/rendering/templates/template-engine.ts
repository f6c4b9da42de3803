import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Optional } from '@nestjs/common';
import Handlebars from 'handlebars';
import { AppException } from '../../common/errors/app-exception.js';
import { RenderingError } from '../rendering.errors.js';
import { HELPER_NAMES, HELPERS_VERSION, registerHelpers, TemplateHelperError, type RenderData } from './helpers.js';
import { DEFAULT_LOCALE, isLocale, LABELS, LOCALES, type LabelSet, type Locale } from './labels.js';
import { visibleText } from '../docx/visible-text.js';
import { FONT_FAMILY, SERIF_FAMILY } from '../pdf/fonts.js';
import { TEMPLATE_FILE_NAMES, templateFilesHash, type TemplateFiles, type TemplateSource } from './template-source.js';
import {
  checkClerkSettings,
  clerkCss,
  letterheadData,
  type LetterheadSettings,
  type ThemeSettings,
} from './clerk-settings.js';

/**
 * Document templates on disk -> HTML. A document type is a folder `templates/<type>/` with `template.hbs`,
 * `styles.css`, `sample.json`, optional `header.hbs`/`footer.hbs` (Chromium's page header/footer templates;
 * defaults in `templates/_partials/`) and optional `meta.json`:
 *   { "title": {"zh-CN": "对账单", "en": "Statement"}, "required": ["customer.name", "lines"],
 *     "orientation": "portrait", "font": "serif", "labels": {"zh-CN": {...}, "en": {...}} }
 * `font` is the document's default face: "sans" ('Tenderdesk Sans', Noto Sans SC, 黑体; the default) or "serif"
 * (the text in 'Tenderdesk Serif', Noto Serif SC, 宋体, and the headings h1-h4 in the sans face, as Chinese formal
 * documents set them). The type's styles.css comes after and may name either face for any element.
 * Shared partials are `templates/_partials/*.hbs` (`{{> letterhead}}`), with `templates/_partials/base.css`.
 *
 * A type is compiled once, on first use, and kept; its version (a SHA-256 of its folder, the partials, the
 * labels and the helpers' version) is computed then. A type can also be rendered from given files (a company's
 * stored version, `source`): compiled once per content hash with the same checks, partials, labels and helpers, its
 * version a SHA-256 of the files' content hash, the partials, the labels and the helpers' version. Template mistakes
 * are refused with 422 TEMPLATE_ERROR and the file and line: syntax errors, unknown helpers and partials at compile
 * time (knownHelpersOnly), a missing required field before rendering, a helper refusing its argument at render time.
 */

export const TEMPLATES_ROOT = 'TEMPLATES_ROOT';

export interface RenderOptions {
  locale?: Locale;
  /** Render these files instead of the type's folder (a stored version of the type). */
  source?: TemplateSource;
}

export interface RenderedHtml {
  type: string;
  /** SHA-256 (hex) of everything the output depends on besides the data. */
  version: string;
  /** A complete `<!doctype html>` document, CSS inlined. */
  html: string;
  /** Chromium headerTemplate/footerTemplate: inline styles only, `Tenderdesk Sans`, pageNumber/totalPages spans. */
  headerHtml: string;
  footerHtml: string;
  /** The header's text on one line, for the DOCX page header. */
  headerText: string;
  title: string;
  locale: Locale;
}

/** A mail rendered from `templates/mail/<name>/<locale>/`: subject (one line), text part, HTML part. */
export interface RenderedMail {
  name: string;
  /** SHA-256 (hex) of the mail's folder and the helpers' version. */
  version: string;
  locale: Locale;
  subject: string;
  text: string;
  html: string;
}

/**
 * A page served to a browser (not printed): `templates/<name>/<view>.hbs` (a folder without template.hbs, so not a
 * document type), with `_partials/page.css`, the folder's optional `styles.css` and its `meta.json` labels. See
 * TemplateEngine.renderPage.
 */
export interface RenderedPage {
  name: string;
  view: string;
  /** SHA-256 (hex) of the page's folder, the shared labels and the helpers' version. */
  version: string;
  locale: Locale;
  /** The text of the view's first `<h1>` (the page's `<title>`). */
  title: string;
  /** A complete `<!doctype html>` document, CSS inlined, no script. */
  html: string;
}

interface LoadedPage {
  version: string;
  meta: TemplateMeta;
  css: string;
  view: Compiled;
}

interface LoadedMail {
  version: string;
  subject: Compiled;
  text: Compiled;
  html: Compiled;
}

export interface TemplateMeta {
  title?: Partial<Record<Locale, string>>;
  required?: string[];
  orientation?: 'portrait' | 'landscape';
  /**
   * Who numbers the pages: the footer (page X of Y, the default) or the caller that assembles this template's
   * renders into a larger PDF and stamps continuous numbers (the tender package's sections).
   */
  pageNumbers?: 'footer' | 'assembly';
  /** The document's default face (see the top of this file). */
  font?: 'sans' | 'serif';
  labels?: Partial<Record<Locale, Record<string, string>>>;
  /** The clerks' letterhead fields (clerk-settings.ts): `@letterhead` in `_partials/letterhead.hbs`. */
  letterhead?: LetterheadSettings;
  /** The clerks' colours (clerk-settings.ts): CSS custom properties after base.css. */
  theme?: ThemeSettings;
}

type Compiled = (context: unknown, options: Handlebars.RuntimeOptions) => string;

interface LoadedTemplate {
  type: string;
  version: string;
  meta: TemplateMeta;
  css: string;
  body: Compiled;
  header: Compiled;
  footer: Compiled;
  /** Where header and footer came from: the type's own file or the default in _partials/. */
  headerFile: string;
  footerFile: string;
  templateSource: string;
  metaSource: string;
}

interface Partials {
  names: Set<string>;
  baseCss: string;
}

const COMPILE_OPTIONS: CompileOptions = {
  knownHelpers: Object.fromEntries(HELPER_NAMES.map((n) => [n, true])) as CompileOptions['knownHelpers'],
  knownHelpersOnly: true, // an unknown helper is a compile error with a line, not a blank at render time
  preventIndent: true,
};

const TYPE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const MAIL_DIR = 'mail';
const MAIL_PARTS = ['subject', 'text', 'html'] as const;
/** Subject and text are plain text: nothing to escape for HTML (the checker still refuses {{{ }}} in them). */
const PLAIN_OPTIONS: CompileOptions = { ...COMPILE_OPTIONS, noEscape: true };
const SAMPLE_NAME = /^sample[a-z0-9-]*$/;
const PARTIALS_DIR = '_partials';
/** The look every page for a browser shares (the confirmation and acceptance pages), before its folder's styles.css. */
const PAGE_CSS = 'page.css';
/** `"font": "serif"`: 宋体 text, 黑体 headings; after base.css, before the type's styles.css (which may override it). */
const SERIF_DEFAULT_CSS = `body { font-family: '${SERIF_FAMILY}'; }\nh1, h2, h3, h4 { font-family: '${FONT_FAMILY}'; }\n`;
/**
 * Compiled overrides kept, by content hash: the published ones are few, but every saved draft is one more; beyond
 * this the oldest compiled is dropped (and compiled again if rendered again).
 */
const SOURCE_CACHE = 64;

/** `<repo>/templates`, found from this file whether it runs from src/ (tests) or dist/. */
export function defaultTemplatesRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir)
      throw new Error('templates root not found: no package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return join(dir, 'templates');
}

@Injectable()
export class TemplateEngine {
  private readonly env = Handlebars.create();
  private partials?: Partials;
  private readonly loaded = new Map<string, LoadedTemplate>();
  /** Overrides by type and content hash, oldest first (see SOURCE_CACHE). */
  private readonly sources = new Map<string, LoadedTemplate>();
  /** The part of an override's version that is not its files: partials, labels, helpers. */
  private sharedVersion?: string;
  private readonly mails = new Map<string, LoadedMail>();
  private readonly pages = new Map<string, LoadedPage>();
  readonly root: string;

  constructor(@Optional() @Inject(TEMPLATES_ROOT) root?: string) {
    this.root = root ?? defaultTemplatesRoot();
    registerHelpers(this.env);
  }

  /** The shared partials' names (`templates/_partials/*.hbs`): what `{{> name}}` may name. */
  partialNames(): string[] {
    return [...this.loadPartials(PARTIALS_DIR).names].sort();
  }

  /** The document types on disk (folders with a template.hbs), sorted. */
  types(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && TYPE_NAME.test(d.name) && existsSync(join(this.root, d.name, 'template.hbs')))
      .map((d) => d.name)
      .sort();
  }

  /** A type's sample data: `sample.json`, or another `sample*.json` beside it (e.g. "sample-10-pages"). */
  sample(type: string, name = 'sample'): unknown {
    const dir = this.typeDir(type);
    const file = join(dir, `${name}.json`);
    if (!SAMPLE_NAME.test(name) || !existsSync(file)) {
      throw AppException.notFound(RenderingError.TEMPLATE_NOT_FOUND, `Template ${type} has no ${name}.json`, {
        template: type,
        sample: name,
      });
    }
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  }

  /** What a document made by this template records as its version (content hash; see RenderedHtml.version). */
  version(type: string, source?: TemplateSource): string {
    return (source ? this.loadSource(type, source) : this.load(type)).version;
  }

  /**
   * The version a document rendered from these files records, without compiling them: a SHA-256 of their content
   * hash and of what every type shares (partials, labels, helpers), so it differs from the built-in's and changes
   * with any of them.
   */
  overrideVersion(files: TemplateFiles): string {
    this.sharedVersion ??= this.computeVersion();
    return createHash('sha256')
      .update(`override\0${this.sharedVersion}\0${templateFilesHash(files)}`)
      .digest('hex');
  }

  /** The files of the type's folder that a stored version overrides (TEMPLATE_FILE_NAMES), as they are on disk. */
  builtInFiles(type: string): TemplateFiles {
    const dir = this.typeDir(type);
    const files: Partial<Record<string, string>> = {};
    for (const name of TEMPLATE_FILE_NAMES) {
      if (existsSync(join(dir, name))) files[name] = readFileSync(join(dir, name), 'utf8');
    }
    return files as TemplateFiles;
  }

  /**
   * Compiles the files as the type's template, with every check a render makes before it has data (syntax with line
   * and column, `{{{ }}}`, unknown helpers and partials, `<script>`, meta.json): 422 TEMPLATE_ERROR naming the file.
   * Returns the version a document rendered from them records.
   */
  check(type: string, files: TemplateFiles): string {
    return this.loadSource(type, { files }).version;
  }

  /** `footer`: every page says page X of Y; `assembly`: the pages are numbered where they are assembled. */
  pageNumbering(type: string): 'footer' | 'assembly' {
    return this.load(type).meta.pageNumbers ?? 'footer';
  }

  render(type: string, data: unknown, opts: RenderOptions = {}): RenderedHtml {
    const locale = opts.locale ?? DEFAULT_LOCALE;
    if (!isLocale(locale)) {
      throw AppException.unprocessable(
        RenderingError.UNSUPPORTED_LOCALE,
        `Locale must be one of ${LOCALES.join(', ')}`,
        { locale },
      );
    }
    const t = opts.source ? this.loadSource(type, opts.source) : this.load(type);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw templateError(type, { reason: 'the data must be a JSON object' });
    }
    this.checkRequired(t, data);

    const labels: LabelSet = { ...LABELS[locale], ...t.meta.labels?.[locale] };
    const title = t.meta.title?.[locale] ?? t.meta.title?.[DEFAULT_LOCALE] ?? type;
    const letterhead = letterheadData(t.meta.letterhead, locale);
    const runtime: Handlebars.RuntimeOptions = {
      data: { locale, labels, title, type, ...(letterhead ? { letterhead } : {}) } satisfies RenderData,
    };

    const body = run(type, 'template.hbs', () => t.body(data, runtime));
    const headerHtml = run(type, t.headerFile, () => t.header(data, runtime)).trim();
    const footerHtml = run(type, t.footerFile, () => t.footer(data, runtime)).trim();

    // Belt and braces: the sources are checked at load, but markup can be assembled across a mustache.
    for (const [file, out] of [
      ['template.hbs', body],
      [t.headerFile, headerHtml],
      [t.footerFile, footerHtml],
    ]) {
      if (/<\s*script\b/i.test(out))
        throw templateError(type, { file, reason: 'the template emitted a <script> element' });
    }
    if (body.replace(/<[^>]*>/g, '').trim() === '') {
      throw templateError(type, {
        file: 'template.hbs',
        reason: 'the template produced no text: refusing a blank document',
      });
    }

    const orientation = t.meta.orientation === 'landscape' ? '@page { size: A4 landscape; }\n' : '';
    const font = t.meta.font === 'serif' ? SERIF_DEFAULT_CSS : '';
    const clerks = clerkCss(t.meta.letterhead, t.meta.theme);
    const html =
      `<!doctype html>\n<html lang="${locale}">\n<head>\n<meta charset="utf-8">\n` +
      `<title>${Handlebars.escapeExpression(title)}</title>\n` +
      `<style>\n${this.loadPartials(type).baseCss}\n${orientation}${font}${clerks}${t.css}\n</style>\n</head>\n` +
      `<body class="doc-${type}">\n${body.trim()}\n</body>\n</html>\n`;

    return {
      type,
      version: t.version,
      html,
      headerHtml,
      footerHtml,
      headerText: visibleText(headerHtml).replace(/\n/g, ' '),
      title,
      locale,
    };
  }

  /** The mails on disk: folders under `templates/mail/` with a folder per locale, sorted. */
  mailNames(): string[] {
    const dir = join(this.root, MAIL_DIR);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && TYPE_NAME.test(d.name))
      .map((d) => d.name)
      .sort();
  }

  /**
   * A mail from `templates/mail/<name>/<locale>/{subject,text,html}.hbs` with the same helpers as the documents
   * (money, dates, 大写). Subject and text are plain text (not HTML-escaped); the HTML part is escaped as a
   * document's body is, and wrapped in a minimal HTML document here. Template mistakes are 422 TEMPLATE_ERROR with
   * the file and line, as for documents; a mail or locale that does not exist is a programming error (thrown).
   */
  renderMail(name: string, data: object, locale: Locale = DEFAULT_LOCALE): RenderedMail {
    const m = this.loadMail(name, locale);
    const type = `${MAIL_DIR}/${name}`;
    const runtime: Handlebars.RuntimeOptions = { data: { locale, labels: LABELS[locale], title: name, type } };
    const subject = run(type, `${locale}/subject.hbs`, () => m.subject(data, runtime))
      .replace(/\s+/g, ' ')
      .trim();
    const text = `${run(type, `${locale}/text.hbs`, () => m.text(data, runtime)).trim()}\n`;
    const body = run(type, `${locale}/html.hbs`, () => m.html(data, runtime)).trim();
    if (!subject || !text.trim() || !body) throw templateError(type, { reason: 'the mail rendered an empty part' });
    const html =
      `<!doctype html>\n<html lang="${locale}">\n<head><meta charset="utf-8">` +
      `<title>${Handlebars.escapeExpression(subject)}</title></head>\n<body>\n${body}\n</body>\n</html>\n`;
    return { name, version: m.version, locale, subject, text, html };
  }

  /**
   * A page for a browser rather than a printer (the statement confirmation site): `templates/<name>/<view>.hbs`
   * rendered with the documents' helpers, labels (`t`, from LABELS and the folder's meta.json) and escaping, and
   * wrapped in a minimal page: `_partials/page.css` and the folder's own styles.css (optional) inline, not indexed by search engines (such pages are reached
   * by links that carry a secret), no document chrome (letterhead, page header/footer). Its `<title>` is the text
   * of the view's first `<h1>`. `{{{ }}}`, `<script>` and unknown helpers are refused as in documents (422
   * TEMPLATE_ERROR); a page or view that does not exist is a programming error (thrown).
   */
  renderPage(name: string, view: string, data: object, locale: Locale = DEFAULT_LOCALE): RenderedPage {
    const p = this.loadPage(name, view);
    const labels: LabelSet = { ...LABELS[locale], ...p.meta.labels?.[locale] };
    const runtime: Handlebars.RuntimeOptions = { data: { locale, labels, title: name, type: name } };
    const body = run(name, `${view}.hbs`, () => p.view(data, runtime)).trim();
    if (/<\s*script\b/i.test(body))
      throw templateError(name, { file: `${view}.hbs`, reason: 'the page emitted a <script> element' });
    const h1 = /<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(body)?.[1];
    // Already escaped by the template: only tags and line breaks to drop.
    const title = (h1 ?? Handlebars.escapeExpression(p.meta.title?.[locale] ?? name))
      .replace(/<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    const html =
      `<!doctype html>\n<html lang="${locale}">\n<head>\n<meta charset="utf-8">\n` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<meta name="robots" content="noindex, nofollow">\n<title>${title}</title>\n` +
      `<style>\n${p.css}\n</style>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
    return { name, view, version: p.version, locale, title, html };
  }

  private loadPage(name: string, view: string): LoadedPage {
    const key = `${name}/${view}`;
    const cached = this.pages.get(key);
    if (cached) return cached;
    const dir = join(this.root, name);
    const file = join(dir, `${view}.hbs`);
    if (!TYPE_NAME.test(name) || !TYPE_NAME.test(view) || !existsSync(file) || existsSync(join(dir, 'template.hbs'))) {
      throw new Error(`no page template ${name}/${view}.hbs`);
    }
    this.loadPartials(name);
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
    const shared = join(this.root, PARTIALS_DIR, PAGE_CSS);
    const sharedCss = existsSync(shared) ? readFileSync(shared, 'utf8') : '';
    const hash = createHash('sha256');
    hash.update(`${HELPERS_VERSION}\0${JSON.stringify(LABELS)}\0${PAGE_CSS}\0${sharedCss}\0`);
    for (const f of listFiles(dir)) {
      hash.update(`${relative(this.root, f)}\0`);
      hash.update(readFileSync(f));
      hash.update('\0');
    }
    const loaded: LoadedPage = {
      version: hash.digest('hex'),
      meta: parseMeta(name, read('meta.json') ?? '{}'),
      // The pages' common look first, then the folder's own rules (optional).
      css: [sharedCss, read('styles.css') ?? ''].filter(Boolean).join('\n'),
      view: this.compile(name, `${view}.hbs`, readFileSync(file, 'utf8')),
    };
    this.pages.set(key, loaded);
    return loaded;
  }

  private loadMail(name: string, locale: Locale): LoadedMail {
    const key = `${name}/${locale}`;
    const cached = this.mails.get(key);
    if (cached) return cached;
    const dir = join(this.root, MAIL_DIR, name, locale);
    if (!TYPE_NAME.test(name) || !isLocale(locale) || !existsSync(dir)) {
      throw new Error(`no mail template ${MAIL_DIR}/${name}/${locale} (mails: ${this.mailNames().join(', ')})`);
    }
    this.loadPartials(`${MAIL_DIR}/${name}`);
    const type = `${MAIL_DIR}/${name}`;
    const compiled = Object.fromEntries(
      MAIL_PARTS.map((part) => {
        const file = join(dir, `${part}.hbs`);
        if (!existsSync(file)) throw new Error(`mail template ${type}/${locale} has no ${part}.hbs`);
        const source = readFileSync(file, 'utf8');
        return [
          part,
          this.compile(type, `${locale}/${part}.hbs`, source, part === 'html' ? COMPILE_OPTIONS : PLAIN_OPTIONS),
        ];
      }),
    ) as Record<(typeof MAIL_PARTS)[number], Compiled>;
    const hash = createHash('sha256');
    hash.update(`${HELPERS_VERSION}\0`);
    for (const file of listFiles(join(this.root, MAIL_DIR, name))) {
      hash.update(`${relative(this.root, file)}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
    const loaded: LoadedMail = { version: hash.digest('hex'), ...compiled };
    this.mails.set(key, loaded);
    return loaded;
  }

  // ---- loading ----

  private typeDir(type: string): string {
    const dir = join(this.root, type);
    if (typeof type !== 'string' || !TYPE_NAME.test(type) || !existsSync(join(dir, 'template.hbs'))) {
      throw AppException.notFound(RenderingError.TEMPLATE_NOT_FOUND, `No template "${String(type)}"`, {
        template: type,
        available: this.types(),
      });
    }
    return dir;
  }

  private load(type: string): LoadedTemplate {
    const cached = this.loaded.get(type);
    if (cached) return cached;
    const dir = this.typeDir(type);
    this.loadPartials(type);
    const loaded = this.build(type, this.computeVersion(dir), this.builtInFiles(type));
    this.loaded.set(type, loaded);
    return loaded;
  }

  /** A type from given files: compiled once per content hash (the type must exist: its sample and name are kept). */
  private loadSource(type: string, source: TemplateSource): LoadedTemplate {
    this.typeDir(type);
    const contentHash = templateFilesHash(source.files);
    const key = `${type}\0${contentHash}`;
    const cached = this.sources.get(key);
    if (cached) {
      this.sources.delete(key); // most recently used last
      this.sources.set(key, cached);
      return cached;
    }
    this.loadPartials(type);
    const loaded = this.build(type, this.overrideVersion(source.files), source.files);
    this.sources.set(key, loaded);
    if (this.sources.size > SOURCE_CACHE) this.sources.delete(this.sources.keys().next().value!);
    return loaded;
  }

  /** Compiles a type's files; header and footer fall back to the defaults in _partials/. */
  private build(type: string, version: string, files: TemplateFiles): LoadedTemplate {
    const partialSource = (name: 'header.hbs' | 'footer.hbs'): [string, string] => {
      const own = files[name];
      return own !== undefined
        ? [name, own]
        : [`${PARTIALS_DIR}/${name}`, readFileSync(join(this.root, PARTIALS_DIR, name), 'utf8')];
    };
    const metaSource = files['meta.json'] ?? '{}';
    const meta = parseMeta(type, metaSource);
    const templateSource = files['template.hbs'];
    const [headerFile, headerSource] = partialSource('header.hbs');
    const [footerFile, footerSource] = partialSource('footer.hbs');
    return {
      type,
      version,
      meta,
      css: files['styles.css'] ?? '',
      body: this.compile(type, 'template.hbs', templateSource),
      header: this.compile(type, headerFile, headerSource),
      footer: this.compile(type, footerFile, footerSource),
      headerFile,
      footerFile,
      templateSource,
      metaSource,
    };
  }

  /** Compiles `_partials/*.hbs` into the environment once; errors name the partial's file. */
  private loadPartials(type: string): Partials {
    if (this.partials) return this.partials;
    const dir = join(this.root, PARTIALS_DIR);
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.hbs'))
          .sort()
      : [];
    const names = new Set(files.map((f) => f.slice(0, -'.hbs'.length)));
    // Names first, so partials may use one another whatever their order.
    const pending: Partials = {
      names,
      baseCss: existsSync(join(dir, 'base.css')) ? readFileSync(join(dir, 'base.css'), 'utf8') : '',
    };
    this.partials = pending;
    try {
      for (const f of files) {
        const file = `${PARTIALS_DIR}/${f}`;
        const compiled = this.compile(type, file, readFileSync(join(dir, f), 'utf8'));
        this.env.registerPartial(f.slice(0, -'.hbs'.length), ((context: unknown, options: Handlebars.RuntimeOptions) =>
          locate(file, () => compiled(context, options))) as Handlebars.TemplateDelegate);
      }
    } catch (e) {
      this.partials = undefined; // a broken partial fails every render until fixed, not just the first
      throw e;
    }
    return pending;
  }

  private compile(type: string, file: string, source: string, options: CompileOptions = COMPILE_OPTIONS): Compiled {
    const { problem } = checkTemplateSource(source, this.partials?.names ?? new Set(), options);
    if (problem) throw templateError(type, { file, ...problem });
    return this.env.compile(source, options) as Compiled;
  }

  /** The type folder's version; without one, the version of what every type shares (partials, labels, helpers). */
  private computeVersion(dir?: string): string {
    const hash = createHash('sha256');
    hash.update(`${HELPERS_VERSION}\0${JSON.stringify(LABELS)}\0`);
    for (const base of [...(dir ? [dir] : []), join(this.root, PARTIALS_DIR)]) {
      for (const file of listFiles(base)) {
        hash.update(`${relative(this.root, file)}\0`);
        hash.update(readFileSync(file));
        hash.update('\0');
      }
    }
    return hash.digest('hex');
  }

  private checkRequired(t: LoadedTemplate, data: object): void {
    for (const path of t.meta.required ?? []) {
      if (isPresent(data, path)) continue;
      // Point at the first use in the template; failing that, at the declaration in meta.json.
      const use = findLine(t.templateSource, path);
      const where = use
        ? { file: 'template.hbs', ...use }
        : { file: 'meta.json', ...findLine(t.metaSource, `"${path}"`) };
      throw templateError(t.type, { ...where, field: path, reason: `required field "${path}" is missing` });
    }
  }
}

/** What is wrong with a template file, where (line and column 1-based). */
export interface SourceProblem {
  line?: number;
  column?: number;
  reason: string;
}

/**
 * The engine's check of one template file, also for code that vets a source before it is stored (the template
 * guardrails): Handlebars syntax, then SourceChecker (raw output, unknown or dynamic partials, `<script>`), then
 * compilation with the engine's options (unknown helpers). `ast` is there when the source parsed; `problem` is the
 * first mistake, none when the engine would compile the file.
 */
export function checkTemplateSource(
  source: string,
  partials: ReadonlySet<string>,
  options: CompileOptions = COMPILE_OPTIONS,
): { ast?: hbs.AST.Program; problem?: SourceProblem } {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (e) {
    return { problem: withParseColumn(handlebarsWhere(e)) };
  }
  const problem = new SourceChecker(partials).check(ast);
  if (problem) return { ast, problem };
  try {
    Handlebars.precompile(source, options); // compile() is lazy: this surfaces compile errors now
  } catch (e) {
    return { ast, problem: handlebarsWhere(e) };
  }
  return { ast };
}

// ---- errors ----

interface ErrorWhere {
  file?: string;
  line?: number;
  column?: number;
  reason: string;
  field?: string;
}

function templateError(type: string, where: ErrorWhere): AppException {
  const at = where.file ? ` (${where.file}${where.line ? ` line ${where.line}` : ''})` : '';
  return AppException.unprocessable(RenderingError.TEMPLATE_ERROR, `Template ${type}${at}: ${where.reason}`, {
    template: type,
    ...where,
  });
}

/** Handlebars errors carry lineNumber/column (0-based) except parse errors, which say "on line N" in the message. */
function handlebarsWhere(e: unknown): SourceProblem {
  const err = e as { message?: string; lineNumber?: number; column?: number };
  const message = String(err.message ?? e);
  const line = err.lineNumber ?? Number(/on line (\d+)/.exec(message)?.[1] ?? NaN);
  return {
    line: Number.isFinite(line) ? line : undefined,
    column: typeof err.column === 'number' ? err.column + 1 : undefined,
    reason: message.replace(/ - \d+:\d+$/, '').replace(/\s*\n\s*/g, ' '),
  };
}

/**
 * The parser's syntax errors name the line only ("Parse error on line 3"); its lexer, read right after the failed
 * parse (synchronous, so nothing else has used it since), holds where the token it stopped at starts.
 */
function withParseColumn(where: SourceProblem): SourceProblem {
  if (where.column !== undefined || where.line === undefined) return where;
  const parser = (Handlebars as unknown as { Parser: unknown }).Parser as {
    lexer?: { yylloc?: { first_line: number; first_column: number } };
  };
  const at = parser.lexer?.yylloc;
  return at && at.first_line === where.line ? { ...where, column: at.first_column + 1 } : where;
}

/** A failure while rendering, attributed to the innermost template file (partials wrap themselves). */
class TemplateFault extends Error {
  constructor(readonly where: ErrorWhere) {
    super(where.reason);
  }
}

function locate(file: string, fn: () => string): string {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TemplateFault) throw e;
    if (e instanceof TemplateHelperError)
      throw new TemplateFault({ file, line: e.line, column: e.column, reason: e.message });
    throw new TemplateFault({ file, ...handlebarsWhere(e) });
  }
}

/** Renders one of a type's templates; any failure inside becomes a 422 naming the type, file and line. */
function run(type: string, file: string, fn: () => string): string {
  try {
    return locate(file, fn);
  } catch (e) {
    throw templateError(type, (e as TemplateFault).where);
  }
}

/** Refuses what a template must never do: raw output of data, unknown partials, <script>. */
class SourceChecker extends Handlebars.Visitor {
  private problem?: Omit<ErrorWhere, 'file'>;

  constructor(private readonly partials: ReadonlySet<string>) {
    super();
  }

  check(ast: hbs.AST.Program): Omit<ErrorWhere, 'file'> | undefined {
    this.accept(ast);
    return this.problem;
  }

  private report(loc: hbs.AST.SourceLocation, reason: string, lineOffset = 0): void {
    this.problem ??= {
      line: loc.start.line + lineOffset,
      column: lineOffset ? undefined : loc.start.column + 1,
      reason,
    };
  }

  override MustacheStatement(m: hbs.AST.MustacheStatement): void {
    if (!m.escaped) this.report(m.loc, 'unescaped output ({{{ }}} or {{& }}) is not allowed: data is always escaped');
    super.MustacheStatement(m);
  }

  override PartialStatement(p: hbs.AST.PartialStatement): void {
    this.checkPartial(p.name, p.loc);
    super.PartialStatement(p);
  }

  override PartialBlockStatement(p: hbs.AST.PartialBlockStatement): void {
    this.checkPartial(p.name, p.loc);
    super.PartialBlockStatement(p);
  }

  override ContentStatement(c: hbs.AST.ContentStatement): void {
    const at = /<\s*script\b/i.exec(c.value);
    if (at)
      this.report(c.loc, '<script> is not allowed in a template', c.value.slice(0, at.index).split('\n').length - 1);
  }

  private checkPartial(name: hbs.AST.PathExpression | hbs.AST.SubExpression, loc: hbs.AST.SourceLocation): void {
    if (name.type !== 'PathExpression') {
      this.report(loc, 'dynamic partial names are not allowed');
    } else if (!this.partials.has(name.original)) {
      this.report(loc, `unknown partial "${name.original}" (partials: ${[...this.partials].join(', ') || 'none'})`);
    }
  }
}

// ---- small helpers ----

type CompileOptions = Parameters<typeof Handlebars.compile>[1] & object;

function parseMeta(type: string, source: string): TemplateMeta {
  const read = readMeta(source);
  if ('reason' in read) throw templateError(type, { file: 'meta.json', reason: read.reason });
  return read.meta;
}

/**
 * A meta.json read and checked, or what is wrong with it: its shape (readMetaShape), then the clerks' settings
 * (clerk-settings.ts; a key it does not know is the guardrails' to report, not a reason to refuse a render).
 */
export function readMeta(source: string): { meta: TemplateMeta } | { reason: string } {
  const read = readMetaShape(source);
  if ('reason' in read) return read;
  const problem = checkClerkSettings(read.meta as Record<string, unknown>).find((p) => p.code !== 'META_UNKNOWN_KEY');
  return problem ? { reason: `${problem.path}: ${problem.message}` } : read;
}

/** A meta.json parsed and checked for the engine's own keys (title, required, orientation, font…). */
export function readMetaShape(source: string): { meta: TemplateMeta } | { reason: string } {
  let meta: unknown;
  try {
    meta = JSON.parse(source);
  } catch (e) {
    return { reason: `invalid JSON: ${(e as Error).message}` };
  }
  const m = meta as TemplateMeta;
  const bad =
    typeof meta !== 'object' || meta === null || Array.isArray(meta)
      ? 'must be an object'
      : m.required !== undefined &&
          !(Array.isArray(m.required) && m.required.every((r) => typeof r === 'string' && r !== ''))
        ? '"required" must be a list of dotted field paths'
        : m.orientation !== undefined && m.orientation !== 'portrait' && m.orientation !== 'landscape'
          ? '"orientation" must be "portrait" or "landscape"'
          : m.font !== undefined && m.font !== 'sans' && m.font !== 'serif'
            ? '"font" must be "sans" or "serif"'
            : undefined;
  return bad ? { reason: bad } : { meta: m };
}

/** A required field is there when it is neither undefined, null nor an empty string (an empty list is a list). */
function isPresent(data: object, path: string): boolean {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, key)) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return value !== undefined && value !== null && value !== '';
}

function findLine(source: string, needle: string): { line: number; column: number } | undefined {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(?<![\\w.])${escaped}(?![\\w])`).exec(source);
  if (!m) return undefined;
  const before = source.slice(0, m.index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)]))
    .sort();
}
