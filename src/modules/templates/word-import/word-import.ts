import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import mammoth from 'mammoth';
import { AppException } from '../../../common/errors/app-exception.js';
import { ErrorCode } from '../../../common/errors/error-codes.js';
import type { AppConfig } from '../../../config/app-config.js';
import { isLocale, LOCALES, type Locale } from '../../../rendering/templates/labels.js';
import { defaultTemplatesRoot } from '../../../rendering/templates/template-engine.js';
import { checkImageDimensions } from '../../files/index.js';
import { boundedDocx, unreadable } from './docx-package.js';
import { htmlToTemplate } from './html-to-template.js';
import { ImportWarnings } from './import-warnings.js';
import { borderlessTables } from './table-borders.js';
import { WordImportError } from './word-import.errors.js';

type ImageLimits = Parameters<typeof checkImageDimensions>[1];

export interface WordImportLimits {
  /** The .docx file (UPLOAD_LIMIT). */
  maxBytes: number;
  /** Its parts once inflated (IMPORT_MAX_UNCOMPRESSED). */
  maxUncompressedBytes: number;
  /** Pixels of an image (IMAGE_MAX_SIDE, IMAGE_MAX_MEGAPIXELS). */
  images: ImageLimits;
  /** Bytes of one image; all of them together may take four times that (they live in the template as data: URIs). */
  maxImageBytes: number;
}

const MAX_IMAGE_BYTES = 1024 * 1024;

/** The configuration's defaults, for callers without one; the route passes wordImportLimits(config). */
export const DEFAULT_WORD_IMPORT_LIMITS: WordImportLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxUncompressedBytes: 64 * 1024 * 1024,
  images: { maxSide: 10_000, maxPixels: 40_000_000 },
  maxImageBytes: MAX_IMAGE_BYTES,
};

/** The limits the configuration sets for every upload: UPLOAD_LIMIT, IMPORT_MAX_UNCOMPRESSED, IMAGE_MAX_*. */
export function wordImportLimits(config: AppConfig): WordImportLimits {
  return {
    maxBytes: config.uploadLimitBytes,
    maxUncompressedBytes: config.imports.maxUncompressedBytes,
    images: config.images,
    maxImageBytes: MAX_IMAGE_BYTES,
  };
}

export interface WordImportOptions {
  /** The document type the draft is for (its folder name: `bid-letter`); the CSS is scoped to it. */
  type: string;
  /** The language of the warnings. */
  locale: Locale;
  limits?: Partial<WordImportLimits>;
  /** The partials `{{> name}}` may name; by default those of templates/_partials. */
  partials?: readonly string[];
}

export interface WordImportResult {
  files: { 'template.hbs': string; 'styles.css': string };
  /** What was dropped or changed, for the person who uploaded the file; empty when nothing was. */
  warnings: string[];
}

const TYPE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * A Word document (.docx) in a company's own format -> the files of a template draft, with mammoth. The file is
 * untrusted: bounded before mammoth sees it (docx-package.ts); images only PNG or JPEG within the limits. What the
 * draft holds is the HTML subset the DOCX mapping and the template engine accept (html-to-template.ts); what the
 * import dropped is listed in `warnings`. `{{field}}` placeholders typed in Word are kept. The letterhead partial is
 * not added: the draft is the document as it was typed.
 *
 * Refusals: 400 VALIDATION_FAILED for a type or locale that is none; 413 FILE_TOO_LARGE over maxBytes; 422
 * WORD_IMPORT_TOO_LARGE (inflates past maxUncompressedBytes, XML past MAX_XML_BYTES, or too many parts),
 * WORD_IMPORT_UNREADABLE (not a .docx), WORD_IMPORT_EMPTY (no text at all).
 */
export async function importWordTemplate(docx: Buffer, opts: WordImportOptions): Promise<WordImportResult> {
  if (!TYPE_NAME.test(opts.type)) {
    throw AppException.badRequest(ErrorCode.VALIDATION_FAILED, 'A template type is lower-case letters, digits and -', {
      type: opts.type,
    });
  }
  if (!isLocale(opts.locale)) {
    throw AppException.badRequest(ErrorCode.VALIDATION_FAILED, `Locale must be one of ${LOCALES.join(', ')}`, {
      locale: opts.locale,
    });
  }
  const limits = { ...DEFAULT_WORD_IMPORT_LIMITS, ...opts.limits };
  const pkg = await boundedDocx(docx, limits);
  const warnings = new ImportWarnings(opts.locale);
  const images = new ImageBudget(limits, warnings);

  let converted: Awaited<ReturnType<typeof mammoth.convertToHtml>>;
  try {
    converted = await mammoth.convertToHtml(
      { buffer: pkg.zip },
      {
        styleMap: STYLE_MAP,
        externalFileAccess: false, // a linked image names a file or URL: never read it
        transformDocument: (document: MammothElement) =>
          new DocumentStyles(warnings, plainTables(document, pkg.parts)).transform(document),
        convertImage: mammoth.images.imgElement(async (image) => ({ src: await images.dataUri(image) })),
      },
    );
  } catch (err) {
    throw unreadable((err as Error).message);
  }
  for (const m of converted.messages) warnings.add('mammoth', m.message);
  if (
    [...pkg.parts].some(
      ([name, xml]) => PAGE_MARGINS.test(name) && /<w:t(?:\s[^>]*)?>\s*[^<\s]/.test(xml.toString('utf8')),
    )
  ) {
    warnings.add('pageMargins');
  }

  const body = htmlToTemplate(converted.value, opts.partials ?? builtInPartials(), warnings);
  if (body.replace(/<[^>]*>/g, '').trim() === '') {
    throw AppException.unprocessable(
      WordImportError.WORD_IMPORT_EMPTY,
      'The Word document has no text to make a template of',
    );
  }
  return {
    files: {
      'template.hbs': `${HEADER}\n${body}\n`,
      'styles.css': stylesCss(opts.type, pkg.parts.get('word/styles.xml')),
    },
    warnings: warnings.list(),
  };
}

/** Word's page headers and footers, which mammoth does not read: often where a company typed its letterhead. */
const PAGE_MARGINS = /^word\/(?:header|footer)\d*\.xml$/;

const HEADER =
  '{{!-- Imported from a Word document. The letterhead is not added: put {{> letterhead}} on the first line to ' +
  'print it. --}}';

// ---- paragraph styles, alignment, borderless tables ----

/**
 * mammoth maps paragraphs by style name only and drops their alignment; the DOCX mapping and base.css align with the
 * classes text-center/text-right. So a centred or right-aligned paragraph is renamed here to a style of ours
 * (`td-center-h1`, `td-right-p`) that the style map turns into the element with its class. Word writes the built-in
 * names in English whatever its language (`heading 1`); WPS may write them in Chinese (`标题 1`). Likewise a table
 * Word draws without borders is renamed `td-plain`, which becomes `<table class="plain">`.
 */
const HEADING_LEVELS = [1, 2, 3, 4, 5, 6] as const;
const ALIGNED = ['center', 'right'] as const;
const STYLE_MAP = [
  'u => u',
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='标题'] => h1:fresh",
  "p[style-name='Subtitle'] => h2:fresh",
  "p[style-name='副标题'] => h2:fresh",
  ...HEADING_LEVELS.map((n) => `p[style-name='标题 ${n}'] => h${n}:fresh`),
  "table[style-name='td-plain'] => table.plain:fresh",
  ...ALIGNED.flatMap((a) => [
    `p[style-name='td-${a}-p'] => p.text-${a}:fresh`,
    ...HEADING_LEVELS.map((n) => `p[style-name='td-${a}-h${n}'] => h${n}.text-${a}:fresh`),
  ]),
];

/** The part of mammoth's document model read here (lib/documents.js; the package ships no types for it). */
interface MammothElement {
  type: string;
  children?: MammothElement[];
  styleId?: string | null;
  styleName?: string | null;
  numbering?: unknown;
  alignment?: string;
}

/** The body text's style, which LibreOffice names on every paragraph (Word leaves it out): nothing lost there. */
const BODY_STYLES = /^(?:normal|正文|default paragraph style|text body|body text)$/i;

function headingLevel(styleName: string | null | undefined): number | undefined {
  const name = (styleName ?? '').trim();
  const numbered = /^(?:heading|标题)\s*([1-6])$/i.exec(name);
  if (numbered) return Number(numbered[1]);
  if (/^(?:title|标题)$/i.test(name)) return 1;
  if (/^(?:subtitle|副标题)$/i.test(name)) return 2;
  return undefined;
}

/**
 * Which of mammoth's tables are borderless: read from the XML (table-borders.ts), used only when the XML has as many
 * tables as mammoth found (a text box Word writes twice, once for old readers, would shift them): else none is.
 */
function plainTables(document: MammothElement, parts: Map<string, Buffer>): boolean[] {
  const flags = borderlessTables(
    parts.get('word/document.xml')?.toString('utf8') ?? '',
    parts.get('word/styles.xml')?.toString('utf8'),
  );
  const count = (e: MammothElement): number =>
    (e.type === 'table' ? 1 : 0) + (e.children ?? []).reduce((n, c) => n + count(c), 0);
  return count(document) === flags.length ? flags : [];
}

class DocumentStyles {
  private table = 0;

  constructor(
    private readonly warnings: ImportWarnings,
    private readonly plain: boolean[],
  ) {}

  /** The document with its aligned paragraphs and borderless tables renamed, in document order. */
  transform(element: MammothElement): MammothElement {
    let renamed = element;
    if (element.type === 'table' && this.plain[this.table++]) renamed = { ...element, styleName: 'td-plain' };
    // List items keep their style: mammoth finds lists by their numbering, and a renamed style would win over it.
    if (element.type === 'paragraph' && !element.numbering) {
      const align =
        element.alignment === 'center'
          ? 'center'
          : ['right', 'end'].includes(element.alignment ?? '')
            ? 'right'
            : undefined;
      if (align) {
        const level = headingLevel(element.styleName);
        const plain = !element.styleId || BODY_STYLES.test(element.styleName ?? element.styleId);
        if (!level && !plain) this.warnings.add('style', element.styleName ?? element.styleId!);
        renamed = { ...element, styleName: `td-${align}-${level ? `h${level}` : 'p'}` };
      }
    }
    if (!renamed.children) return renamed;
    return { ...renamed, children: renamed.children.map((c) => this.transform(c)) };
  }
}

// ---- images ----

type MammothImage = Parameters<Parameters<typeof mammoth.images.imgElement>[0]>[0];

/** PNG and JPEG only (what html-blocks.ts draws), by their bytes; each and all of them within the limits. */
class ImageBudget {
  private spent = 0;

  constructor(
    private readonly limits: WordImportLimits,
    private readonly warnings: ImportWarnings,
  ) {}

  /** The image as a data: URI, or '' (dropped, with a warning). */
  async dataUri(image: MammothImage): Promise<string> {
    const bytes = await image.readAsBuffer();
    const type = bytes.subarray(0, 4).equals(PNG) ? 'png' : bytes.subarray(0, 3).equals(JPEG) ? 'jpeg' : undefined;
    if (!type) {
      this.warnings.add('imageType', image.contentType);
      return '';
    }
    if (bytes.length > this.limits.maxImageBytes || this.spent + bytes.length > 4 * this.limits.maxImageBytes) {
      this.warnings.add('imageTooLarge', `${Math.floor(this.limits.maxImageBytes / 1024)} KiB`);
      return '';
    }
    try {
      checkImageDimensions(bytes, this.limits.images);
    } catch (err) {
      if (!(err instanceof AppException)) throw err;
      this.warnings.add('imageUnfit', err.message);
      return '';
    }
    this.spent += bytes.length;
    return `data:image/${type};base64,${bytes.toString('base64')}`;
  }
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

// ---- CSS ----

/**
 * base.css already draws headings, bordered tables and the alignment classes; what Word says beyond it and the
 * subset can carry is the body's font size (its default paragraph style, else the document defaults).
 */
function stylesCss(type: string, stylesXml: Buffer | undefined): string {
  const size = stylesXml ? bodyFontSize(stylesXml.toString('utf8')) : undefined;
  return (
    `/* Imported from a Word document: base.css (templates/_partials) draws headings, bordered tables and the\n` +
    `   text-left/center/right classes; the DOCX reads only the markup, so layout goes there, not here. */\n` +
    (size ? `.doc-${type} { font-size: ${size}pt; }\n` : '') +
    `.doc-${type} img { max-width: 100%; }\n`
  );
}

/** Half-points (`<w:sz w:val="21"/>` is 10.5 pt) of the default paragraph style, else of the document defaults. */
function bodyFontSize(xml: string): number | undefined {
  const normal = [...xml.matchAll(/<w:style\b([^>]*)>([\s\S]*?)<\/w:style>/g)].find(
    ([, attrs]) => /w:type="paragraph"/.test(attrs) && /w:default="(?:1|true)"/.test(attrs),
  );
  const defaults = /<w:rPrDefault>([\s\S]*?)<\/w:rPrDefault>/.exec(xml)?.[1];
  for (const source of [normal?.[2], defaults]) {
    const halfPoints = Number(/<w:sz w:val="(\d+)"/.exec(source ?? '')?.[1]);
    if (halfPoints >= 12 && halfPoints <= 144) return halfPoints / 2;
  }
  return undefined;
}

// ---- partials ----

let partialNames: string[] | undefined;

function builtInPartials(): string[] {
  partialNames ??= readdirSync(join(defaultTemplatesRoot(), '_partials'))
    .filter((f) => f.endsWith('.hbs'))
    .map((f) => f.slice(0, -'.hbs'.length))
    .sort();
  return partialNames;
}
