import { PDFArray, PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import type { OutboxExtract } from './outbox-message.entity.js';

/**
 * The pages of an extract (1-based, inclusive ranges) in order, each once. Throws for a range outside the document
 * or upside down: the one who wrote the message asked for pages the stored file does not have (a programming error;
 * the attempt fails and the message shows why).
 */
export function extractPageNumbers(extract: Pick<OutboxExtract, 'ranges'>, pageCount: number): number[] {
  if (!extract.ranges.length) throw new Error('an extract needs at least one page range');
  const pages: number[] = [];
  const seen = new Set<number>();
  for (const { first, last } of extract.ranges) {
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first || last > pageCount) {
      throw new Error(`the extract's pages ${first}-${last} are not within the document's 1-${pageCount}`);
    }
    for (let p = first; p <= last; p++) {
      if (!seen.has(p)) pages.push(p);
      seen.add(p);
    }
  }
  return pages;
}

/**
 * A PDF of some pages of a stored PDF, cut when an outbox message is sent (a tender package's section mailed on its
 * own). Cut at send time rather than stored when the mail is queued: the stored PDF never changes, so each attempt
 * cuts the same pages, and nothing is written to storage that a rolled-back or never-sent message would leave
 * behind. The signature field is left out: the extract is not the signed file, and a copied widget would point at a
 * signature over other bytes. The only place a package's pages are cut (the composer's own copy went with the
 * synchronous send).
 */
export async function extractPdfPages(pdf: Buffer, extract: OutboxExtract): Promise<Buffer> {
  const src = await PDFDocument.load(pdf, { updateMetadata: false });
  const indices = extractPageNumbers(extract, src.getPageCount()).map((p) => p - 1);
  for (const i of indices) {
    const page = src.getPage(i);
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    if (!annots) continue;
    const keep = annots
      .asArray()
      .filter((ref) => src.context.lookupMaybe(ref, PDFDict)?.get(PDFName.of('FT')) !== PDFName.of('Sig'));
    if (keep.length === annots.size()) continue;
    if (keep.length) page.node.set(PDFName.of('Annots'), src.context.obj(keep));
    else page.node.delete(PDFName.of('Annots'));
  }
  const out = await PDFDocument.create();
  for (const page of await out.copyPages(src, indices)) out.addPage(page);
  out.setTitle(extract.title);
  out.setProducer('Tenderdesk');
  out.setCreator('Tenderdesk');
  return Buffer.from(await out.save());
}
