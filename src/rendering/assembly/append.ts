import { PDFArray, PDFDict, PDFDocument, PDFName } from 'pdf-lib';

/**
 * A new PDF with `base`'s pages followed by `appendix`'s (an accepted quotation's acceptance record after the
 * quotation as the customer saw it). The pages are copied into a new document rather than added to `base`: `base`
 * is signed, and its signature cannot cover pages added after it. Its signature fields are left behind (their widget
 * annotations dropped from the copied pages) so the result carries no broken signature; the caller signs it anew.
 */
export async function appendPages(base: Buffer, appendix: Buffer, title?: string): Promise<Buffer> {
  const out = await PDFDocument.create();
  for (const bytes of [base, appendix]) {
    const src = await PDFDocument.load(bytes);
    const pages = await out.copyPages(src, src.getPageIndices());
    for (const page of pages) {
      dropSignatureWidgets(page.node);
      out.addPage(page);
    }
  }
  if (title) out.setTitle(title);
  return Buffer.from(await out.save());
}

function dropSignatureWidgets(page: PDFDict): void {
  const annots = page.lookup(PDFName.of('Annots'));
  if (!(annots instanceof PDFArray)) return;
  const kept = annots.asArray().filter((ref) => {
    const annot = page.context.lookup(ref);
    return !(annot instanceof PDFDict && annot.lookup(PDFName.of('FT')) === PDFName.of('Sig'));
  });
  if (kept.length) page.set(PDFName.of('Annots'), page.context.obj(kept));
  else page.delete(PDFName.of('Annots'));
}
