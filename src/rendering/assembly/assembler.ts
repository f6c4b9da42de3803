import { PDFDocument, StandardFonts, type PDFImage, type PDFPage } from 'pdf-lib';
import { AppException } from '../../common/errors/app-exception.js';
import { RenderingError } from '../rendering.errors.js';
import { addImagePage, readAttachment } from './attachments.js';
import { addOutline } from './outline.js';

export interface AssemblySection {
  /** Its bookmark and table-of-contents line. */
  title: string;
  /**
   * The rendered section: one PDF, or its parts in order (a long table printed in several renders), used as they
   * are (no joined copy is made and parsed again). A promise is read when it settles, so the caller can hand over
   * sections that are still printing: the scans are read meanwhile, and each section as soon as it is printed.
   */
  pdf: SectionPdf | PromiseLike<SectionPdf>;
  /** Appended after the section: PDFs as they are, JPEG/PNG scans one per A4 page. */
  attachments?: { name: string; bytes: Buffer }[];
}

export interface TocEntry {
  title: string;
  /** 1-based page number in the assembled package. */
  page: number;
}

export interface SealPlacement {
  /** Index into `sections`. */
  section: number;
  /** 1-based page of the section's own PDF (attachments not counted); default 'last'. */
  page?: 'last' | number;
  /** Points from the page's bottom left; the height follows the image's aspect ratio. */
  x: number;
  y: number;
  width: number;
}

export interface AssemblyInput {
  sections: AssemblySection[];
  /** A table of contents placed after `sections[afterSection]` (-1: before everything), rendered by the caller. */
  toc?: { afterSection: number; title: string; render(entries: TocEntry[]): Promise<Buffer> };
  /**
   * Continuous page numbers at the bottom centre of every page. Drawn with the standard Helvetica font:
   * @pdf-lib/fontkit (needed to embed a TrueType font) is not installed, so the text must be WinAnsi
   * (Latin); the default is "- 3 / 12 -".
   */
  pageNumbers?: { format?: (page: number, total: number) => string };
  /** The company seal (PNG with transparency) stamped where the templates ask for it. */
  seal?: { png: Buffer; placements: SealPlacement[] };
  /** The document title in the PDF's metadata. */
  title?: string;
}

export type SectionPdf = Buffer | readonly Buffer[];

export interface AssemblyResult {
  pdf: Buffer;
  pages: number;
  /** Each section's own pages (its rendered PDF, without attachments and the table of contents), in order. */
  sectionPages: number[];
  /** The bookmarks written, in order (sections and the table of contents). */
  outline: TocEntry[];
}

type Part = { kind: 'pdf'; doc: PDFDocument } | { kind: 'image'; image: PDFImage };

/**
 * Merges rendered sections and their attachments into one package with bookmarks, a table of contents
 * with the real page numbers, continuous page numbers and the seal.
 */
export async function assemblePdf(input: AssemblyInput): Promise<AssemblyResult> {
  const { sections, toc } = input;
  if (!sections.length) throw new Error('assemblePdf: no sections');
  if (toc && (!Number.isInteger(toc.afterSection) || toc.afterSection < -1 || toc.afterSection >= sections.length)) {
    throw new Error(`assemblePdf: toc.afterSection ${toc.afterSection} is not a section index`);
  }
  const out = await PDFDocument.create();
  /** How many of each section's parts are its own PDF (the rest are its attachments). */
  const ownParts: number[] = [];

  // Pass 1: read every part, which gives every section's page count before anything is laid out. The scans first:
  // they are here already, while the sections may still be printing (each PDF is read once, as soon as it is).
  // Read in order below; a section that fails while an earlier one is read is not an unhandled rejection meanwhile.
  for (const section of sections) Promise.resolve(section.pdf).catch(() => undefined);
  const appended: Part[][] = [];
  for (const [index, section] of sections.entries()) {
    const attachments: Part[] = [];
    for (const attachment of section.attachments ?? []) attachments.push(await readAttachment(out, attachment, index));
    appended.push(attachments);
  }
  const parts: Part[][] = [];
  const ownCounts: number[] = [];
  for (const [index, section] of sections.entries()) {
    const printed = await section.pdf;
    const own: PDFDocument[] = [];
    for (const pdf of Buffer.isBuffer(printed) ? [printed] : printed) own.push(await PDFDocument.load(pdf));
    ownCounts.push(own.reduce((n, doc) => n + doc.getPageCount(), 0));
    parts.push([...own.map((doc): Part => ({ kind: 'pdf', doc })), ...appended[index]!]);
    ownParts.push(own.length);
  }
  const sectionPages = parts.map((list) =>
    list.reduce((n, part) => n + (part.kind === 'pdf' ? part.doc.getPageCount() : 1), 0),
  );
  sectionPages.forEach((count, i) => {
    if (!count) throw new Error(`assemblePdf: section ${i} (${sections[i]!.title}) has no pages`);
  });

  // The first page of each section depends on the table of contents' length, which depends on the numbers
  // it prints: render it with a guess and again with its actual length until the two agree.
  const firstPages = (tocPages: number) => {
    let next = toc?.afterSection === -1 ? 1 + tocPages : 1;
    return sections.map((section, i) => {
      const entry = { title: section.title, page: next };
      next += sectionPages[i]! + (toc?.afterSection === i ? tocPages : 0);
      return entry;
    });
  };
  let tocDoc: PDFDocument | undefined;
  if (toc) {
    let guess = 1;
    for (let attempt = 1; ; attempt++) {
      tocDoc = await PDFDocument.load(await toc.render(firstPages(guess)));
      const actual = tocDoc.getPageCount();
      if (actual === guess) break;
      if (attempt === 4)
        throw new Error(`assemblePdf: the table of contents does not settle on a page count (${guess} -> ${actual})`);
      guess = actual;
    }
  }

  // Pass 2: copy pages in order, keeping each section's own pages (for the seal) and first page (for the outline).
  const outlineRefs: { title: string; page: PDFPage }[] = [];
  const ownPages: PDFPage[][] = [];
  const addTocPages = async () => {
    if (!toc || !tocDoc) return;
    const pages = await out.copyPages(tocDoc, tocDoc.getPageIndices());
    pages.forEach((page) => out.addPage(page));
    outlineRefs.push({ title: toc.title, page: pages[0]! });
  };
  if (toc?.afterSection === -1) await addTocPages();
  for (const [index, list] of parts.entries()) {
    const firstIndex = out.getPageCount();
    const own: PDFPage[] = [];
    for (const [n, part] of list.entries()) {
      if (part.kind === 'image') {
        addImagePage(out, part.image);
        continue;
      }
      const pages = await out.copyPages(part.doc, part.doc.getPageIndices());
      pages.forEach((page) => out.addPage(page));
      if (n < ownParts[index]!) own.push(...pages);
    }
    ownPages.push(own);
    outlineRefs.push({ title: sections[index]!.title, page: out.getPage(firstIndex) });
    if (toc?.afterSection === index) await addTocPages();
  }

  if (input.seal) await stampSeal(out, input.seal, ownPages);
  const total = out.getPageCount();
  if (input.pageNumbers) await stampPageNumbers(out, input.pageNumbers.format ?? ((n, t) => `- ${n} / ${t} -`));

  const pageIndex = new Map(out.getPages().map((page, i) => [page.ref.toString(), i + 1]));
  const outline = outlineRefs.map((entry) => ({ title: entry.title, page: pageIndex.get(entry.page.ref.toString())! }));
  addOutline(
    out,
    outlineRefs.map((entry) => ({ title: entry.title, pageRef: entry.page.ref })),
  );

  out.setProducer('Tenderdesk');
  out.setCreator('Tenderdesk');
  if (input.title) out.setTitle(input.title);
  // A classic cross-reference table instead of object streams: the signature is then appended as an incremental
  // update over these bytes (signing/incremental.ts) instead of pdf-lib parsing and saving the whole file again
  // (docs/benchmarks.md, "Tender package", 2026-12-07 afternoon).
  const pdf = Buffer.from(await out.save({ useObjectStreams: false }));
  return { pdf, pages: total, sectionPages: ownCounts, outline };
}

async function stampSeal(
  doc: PDFDocument,
  seal: NonNullable<AssemblyInput['seal']>,
  ownPages: PDFPage[][],
): Promise<void> {
  if (!seal.placements.length) return;
  // Embedded once, drawn on every page that asks: the PNG's alpha channel becomes a soft mask, so the paper shows through.
  const image = await doc.embedPng(seal.png);
  for (const placement of seal.placements) {
    const pages = ownPages[placement.section];
    const number = placement.page === undefined || placement.page === 'last' ? pages?.length : placement.page;
    const page = pages && number !== undefined && Number.isInteger(number) ? pages[number - 1] : undefined;
    if (!page) {
      throw AppException.unprocessable(
        RenderingError.SEAL_PLACEMENT_INVALID,
        `No page ${String(placement.page ?? 'last')} in section ${placement.section} for the seal`,
        {
          section: placement.section,
          page: placement.page ?? 'last',
        },
      );
    }
    const box = page.getCropBox();
    const height = (placement.width * image.height) / image.width;
    page.drawImage(image, { x: box.x + placement.x, y: box.y + placement.y, width: placement.width, height });
  }
}

async function stampPageNumbers(doc: PDFDocument, format: (page: number, total: number) => string): Promise<void> {
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const pages = doc.getPages();
  const size = 9;
  for (const [i, page] of pages.entries()) {
    const text = format(i + 1, pages.length);
    let width: number;
    try {
      width = font.widthOfTextAtSize(text, size);
    } catch {
      throw new Error(
        `assemblePdf: page number ${JSON.stringify(text)} is not WinAnsi text (Helvetica only; @pdf-lib/fontkit is not installed)`,
      );
    }
    const box = page.getCropBox();
    page.drawText(text, { x: box.x + (box.width - width) / 2, y: box.y + 18, size, font });
  }
}
