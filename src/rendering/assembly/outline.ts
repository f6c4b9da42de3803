import { PDFHexString, PDFName, type PDFDocument, type PDFRef } from 'pdf-lib';

/**
 * Writes a flat document outline (bookmarks) — pdf-lib has no API for it, so the /Outlines dictionary and its
 * items (PDF 32000 12.3.3) are built from low-level objects. Titles are UTF-16BE text strings (Chinese safe).
 */
export function addOutline(doc: PDFDocument, entries: { title: string; pageRef: PDFRef }[]): void {
  if (!entries.length) return;
  const context = doc.context;
  const outlineRef = context.nextRef();
  const itemRefs = entries.map(() => context.nextRef());
  entries.forEach((entry, i) => {
    const item = context.obj({
      Title: PDFHexString.fromText(entry.title),
      Parent: outlineRef,
      Dest: [entry.pageRef, 'Fit'],
    });
    if (i > 0) item.set(PDFName.of('Prev'), itemRefs[i - 1]!);
    if (i < entries.length - 1) item.set(PDFName.of('Next'), itemRefs[i + 1]!);
    context.assign(itemRefs[i]!, item);
  });
  context.assign(outlineRef, context.obj({ Type: 'Outlines', First: itemRefs[0]!, Last: itemRefs.at(-1)!, Count: entries.length }));
  doc.catalog.set(PDFName.of('Outlines'), outlineRef);
  // Readers open with the bookmarks panel showing.
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}
