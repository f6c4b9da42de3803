import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import { AppException } from '../../../common/errors/app-exception.js';
import { TenderError } from '../tenders.errors.js';
import {
  assemblePdf,
  type AssemblySection,
  type SealPlacement,
  type TocEntry,
} from '../../../rendering/assembly/assembler.js';
import { RenderingService } from '../../../rendering/rendering.service.js';
import type { Locale } from '../../../rendering/rendering.types.js';
import type { TemplateSource } from '../../../rendering/templates/template-source.js';
import { composeTemplate, type SectionFormatBody } from '../formats/section-formats.js';
import type { TenderPackageModel, TenderTocModel } from '../tender-package.model.js';
import { sectionParts, sectionRanges, type PackageLayout, type RenderedSection } from './tender-package.builder.js';
import { pngScanPage } from './scan-pages.js';
import type { PackageSectionRange } from './tender-package-version.entity.js';

export const PACKAGE_TEMPLATE = 'tender-package';
export const TOC_TEMPLATE = 'tender-toc';

const MM = 72 / 25.4;
/**
 * Where the company seal goes on the bid letter's last page (points from the bottom left of the A4 page): the
 * spot of the signature block's seal placeholder. templates/tender-package/styles.css puts that block after a
 * body of at least 220 mm, 88 mm in from the left, under base.css's 20 mm top and 15 mm left margins, and
 * base.css draws the 40 mm seal 12 mm into the block and 4 mm above it. On a letter that fits one page (the
 * usual case) that is exactly where the placeholder is; a longer letter ends its last page lower down.
 */
export const BID_LETTER_SEAL = {
  x: (15 + 88 + 12) * MM,
  y: (297 - (20 + 220 - 4) - 40) * MM,
  width: 40 * MM,
} as const;

export interface Attachment {
  name: string;
  bytes: Buffer;
}

export interface ComposeRequest {
  model: TenderPackageModel;
  layout: PackageLayout;
  locale: Locale;
  title: string;
  /** Appended after their section, in order: PDFs as they are, images one per page. */
  attachments: Partial<Record<RenderedSection, Attachment[]>>;
  /** The company seal PNG, stamped on the bid letter; null: not stamped. */
  seal: Buffer | null;
  progress?: (percent: number) => Promise<void>;
  /** Rows of a long table printed per render (default ROWS_PER_RENDER); tests set fewer to see the parts joined. */
  rowsPerRender?: number;
  /** The tender's own section formats (tenders/formats): rendered instead of the company's sections, or added. */
  formats?: readonly SectionFormatBody[];
}

export interface ComposedPackage {
  /** Assembled and signed (PAdES) once, over the whole document. */
  pdf: Buffer;
  /** The editable sections (no scans, no table of contents: Word builds its own). */
  docx: Buffer;
  pages: number;
  sections: PackageSectionRange[];
  /** Pages rendered from the templates (sections and table of contents) and pages of appended scans. */
  renderedPages: number;
  attachmentPages: number;
  templateVersions: Record<string, string>;
}

/**
 * A long table (the itemised prices, the deviations, the lists) is printed this many rows per render and the
 * parts joined into its section: Chromium's renderer memory follows the size of the document it prints
 * (docs/benchmarks.md, "Tender package", where the value was chosen).
 */
export const ROWS_PER_RENDER = 150;

/**
 * Renders a tender package from its model: each section on its own (so its pages are known), the table of
 * contents with the real page numbers, the scans appended, the seal on the bid letter, page numbers, one
 * signature over the whole; and the DOCX of the editable sections. No records, no storage: the service and
 * the benchmark (bench/tender-package) both call this.
 */
@Injectable()
export class TenderPackageComposer {
  constructor(
    private readonly rendering: RenderingService,
    private readonly config: AppConfig,
  ) {}

  /** The template errors (unknown template, a required field missing) now, before any work is queued. */
  async check(model: TenderPackageModel, locale: Locale, formats: readonly SectionFormatBody[] = []): Promise<void> {
    this.rendering.htmlFrom(await this.packageSource(locale, formats), PACKAGE_TEMPLATE, model, locale);
  }

  /**
   * The package template in use (the company's published version, or the built-in), with the tender's formats in
   * (section-formats.ts, composeTemplate): a template of its own, rendered like a stored version, whose version the
   * package records. Without formats: the company's template as it is.
   */
  async packageSource(locale: Locale, formats: readonly SectionFormatBody[] = []): Promise<TemplateSource | undefined> {
    const source = await this.rendering.source(PACKAGE_TEMPLATE, locale);
    if (!formats.length) return source;
    const files = source?.files ?? this.rendering.builtInFiles(PACKAGE_TEMPLATE);
    const composed = composeTemplate(files['template.hbs'], formats);
    if (composed.missing.length) {
      // The company's template changed since the format was saved: its section is gone.
      throw AppException.unprocessable(
        TenderError.TENDER_FORMAT_INVALID,
        `The company's tender-package template has no section block for ${composed.missing.join(', ')}: change or remove this tender's format of it`,
        { keys: composed.missing },
      );
    }
    return { files: { ...files, 'template.hbs': composed.template } };
  }

  async compose(req: ComposeRequest): Promise<ComposedPackage> {
    const { model, layout, locale } = req;
    const templateVersions: Record<string, string> = {};
    // Looked up once: every section and part of this package renders from the same templates.
    const [packageSource, tocSource] = await Promise.all([
      this.packageSource(locale, req.formats),
      this.rendering.source(TOC_TEMPLATE, locale),
    ]);
    // The DOCX is CPU in Node, the sections wait for Chromium: run them side by side.
    const docxHtml = this.rendering.htmlFrom(
      packageSource,
      PACKAGE_TEMPLATE,
      { ...model, sections: layout.rendered },
      locale,
    );
    templateVersions[PACKAGE_TEMPLATE] = docxHtml.version;
    const docxPromise = this.rendering.renderDocx(docxHtml);
    docxPromise.catch(() => undefined); // awaited below; not an unhandled rejection while the PDF is made

    // Every render of every section, in package order: a long table is several (sectionParts).
    const renders = layout.rendered.flatMap((key, section) =>
      sectionParts(model, key, req.rowsPerRender ?? ROWS_PER_RENDER).map((data) => ({ section, data })),
    );
    // Printed in package order, as many at a time as the browser pool prints; the assembler gets each section's parts
    // as a promise and reads the scans while they print, then each section as soon as its parts are there (the parts
    // go in as they are: no joined copy to save and parse again).
    let done = 0;
    let stopped = false;
    const limit = limiter(this.config.render.concurrency);
    const partPdfs = renders.map(({ data }) =>
      limit(async () => {
        if (stopped) throw new Error('the package failed: render not started');
        const html = this.rendering.htmlFrom(packageSource, PACKAGE_TEMPLATE, data, locale);
        const pdf = await this.rendering.renderPdf(html, false);
        await req.progress?.(10 + (50 * ++done) / renders.length);
        return pdf;
      }),
    );
    const sectionPdfs = layout.rendered.map((_, section) =>
      Promise.all(partPdfs.filter((_pdf, i) => renders[i]!.section === section)),
    );
    for (const pdf of sectionPdfs) pdf.catch(() => (stopped = true)); // one failed: print no more

    const sections: AssemblySection[] = await Promise.all(
      layout.rendered.map(async (key, i) => ({
        title: model.titles[key] ?? key,
        pdf: sectionPdfs[i]!,
        attachments: await Promise.all((req.attachments[key as RenderedSection] ?? []).map(asAppended)),
      })),
    );
    const toc =
      layout.tocAfter === null
        ? undefined
        : {
            afterSection: layout.tocAfter,
            title: model.titles.toc,
            render: async (entries: TocEntry[]) => {
              const data: TenderTocModel = {
                tender: {
                  tenderNo: model.tender.tenderNo,
                  projectName: model.tender.projectName,
                  lot: model.tender.lot,
                },
                entries,
              };
              const html = this.rendering.htmlFrom(tocSource, TOC_TEMPLATE, data, locale);
              templateVersions[TOC_TEMPLATE] = html.version;
              return this.rendering.renderPdf(html, false);
            },
          };
    const bidLetter = layout.rendered.indexOf('bid_letter');
    const placements: SealPlacement[] =
      bidLetter === -1 ? [] : [{ section: bidLetter, page: 'last', ...BID_LETTER_SEAL }];
    const assembled = await assemblePdf({
      sections,
      toc,
      pageNumbers: {},
      seal: req.seal && placements.length ? { png: req.seal, placements } : undefined,
      title: req.title,
    }).catch(async (err: unknown) => {
      stopped = true;
      await Promise.allSettled(partPdfs); // no render left running for a package that failed
      throw err;
    });
    await req.progress?.(80);

    const ranges = sectionRanges(layout, model.titles, assembled.outline, assembled.pages);
    const tocPages = ranges.filter((r) => r.key === 'toc').reduce((n, r) => n + r.lastPage - r.firstPage + 1, 0);
    const renderedPages = assembled.sectionPages.reduce((a, b) => a + b, 0) + tocPages;

    const pdf = await this.rendering.signPdf(assembled.pdf, { title: req.title, locale });
    const docx = await docxPromise;
    await req.progress?.(90);
    return {
      pdf,
      docx,
      pages: assembled.pages,
      sections: ranges,
      renderedPages,
      attachmentPages: assembled.pages - renderedPages,
      templateVersions,
    };
  }
}

/** PNG scans become one-page PDFs without re-encoding their pixels (scan-pages.ts); everything else goes as it is. */
async function asAppended(attachment: Attachment): Promise<Attachment> {
  const page = await pngScanPage(attachment.bytes);
  return page ? { name: attachment.name, bytes: page } : attachment;
}

/**
 * Runs the functions given to it at most `size` at a time, in the order given (the pool's sections in package order:
 * the first sections, which the assembler reads first, print first).
 */
function limiter(size: number): <R>(fn: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <R>(fn: () => Promise<R>): Promise<R> => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next)
        next(); // the slot passes on: `running` still counts it
      else running--;
    }
  };
}
