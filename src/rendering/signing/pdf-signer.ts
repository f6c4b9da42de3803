import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import {
  concatTransformationMatrix,
  drawObject,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFRef,
  popGraphicsState,
  pushGraphicsState,
} from 'pdf-lib';
import { AppException } from '../../common/errors/app-exception.js';
import { RenderingError } from '../rendering.errors.js';
import type { Signer } from './certificates.js';
import { addPlaceholderIncrementally } from './incremental.js';

export interface PdfSignatureOptions {
  reason?: string;
  location?: string;
  /** Who signs; defaults to the certificate's CN. */
  name?: string;
  contactInfo?: string;
  /** Shows `png` (e.g. the company seal) as the signature's appearance. `page` is 1-based; x/y/width in points from the bottom left. */
  visible?: { png: Buffer; page: number; x: number; y: number; width: number };
  signingTime?: Date;
}

/**
 * PAdES signature (/SubFilter ETSI.CAdES.detached) over the whole file.
 *
 * An invisible signature on a file with a classic cross-reference table (Chromium's PDFs) is appended as an
 * incremental update (incremental.ts). Otherwise pdf-lib adds the signature field with a zero-filled /Contents placeholder and saves; the /ByteRange is then
 * written into the saved bytes (same length, so the xref stays right), OpenSSL signs the bytes outside
 * /Contents, and the DER CMS goes into the placeholder as hex.
 */
export async function signPdf(pdf: Buffer, signer: Signer, options: PdfSignatureOptions = {}): Promise<Buffer> {
  if (!options.visible) {
    // Appended as an incremental update when the file allows it: no full parse and re-save (docs/benchmarks.md).
    const appended = addPlaceholderIncrementally(pdf, {
      reason: pdfTextString(options.reason ?? ''),
      location: pdfTextString(options.location ?? ''),
      name: pdfTextString(options.name ?? /(?:^|, )CN=([^,]+)/.exec(signer.subject)?.[1] ?? ''),
      contactInfo: pdfTextString(options.contactInfo ?? ''),
      signingTime: options.signingTime ?? new Date(),
      subFilter: 'ETSI.CAdES.detached',
      signatureLength: placeholderHexLength(signer),
      appName: 'Tenderdesk',
    });
    if (appended) return fillSignature(appended, signer, pdf.length);
  }
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const pages = doc.getPages();
  const visible = options.visible;
  if (visible && (!Number.isInteger(visible.page) || visible.page < 1 || visible.page > pages.length)) {
    throw AppException.unprocessable(
      RenderingError.SIGNATURE_PAGE_INVALID,
      `The visible signature's page ${visible.page} is not in the document (1-${pages.length})`,
    );
  }
  const page = pages[(visible?.page ?? 1) - 1]!;
  const seal = visible ? await doc.embedPng(visible.png) : undefined;
  const rect =
    visible && seal
      ? [visible.x, visible.y, visible.x + visible.width, visible.y + (visible.width * seal.height) / seal.width]
      : [0, 0, 0, 0];

  pdflibAddPlaceholder({
    pdfPage: page,
    // The placeholder writes these byte per character: non-ASCII text must arrive already encoded.
    reason: pdfTextString(options.reason ?? ''),
    location: pdfTextString(options.location ?? ''),
    name: pdfTextString(options.name ?? /(?:^|, )CN=([^,]+)/.exec(signer.subject)?.[1] ?? ''),
    contactInfo: pdfTextString(options.contactInfo ?? ''),
    signingTime: options.signingTime,
    subFilter: 'ETSI.CAdES.detached',
    signatureLength: placeholderHexLength(signer),
    widgetRect: rect,
    appName: 'Tenderdesk',
  });
  if (seal) {
    // The placeholder's appearance is an empty form; draw the seal in it instead.
    const [x1, y1, x2, y2] = rect as [number, number, number, number];
    const appearance = doc.context.formXObject(
      [
        pushGraphicsState(),
        concatTransformationMatrix(x2 - x1, 0, 0, y2 - y1, 0, 0),
        drawObject('Seal'),
        popGraphicsState(),
      ],
      { BBox: [0, 0, x2 - x1, y2 - y1], Resources: { XObject: { Seal: seal.ref } } },
    );
    const annots = page.node.lookup(PDFName.of('Annots'), PDFArray);
    const widget = doc.context.lookup(annots.get(annots.size() - 1) as PDFRef, PDFDict);
    widget.set(PDFName.of('AP'), doc.context.obj({ N: doc.context.register(appearance) }));
  }

  const prepared = Buffer.from(await doc.save());
  return fillSignature(prepared, signer);
}

/** Writes /ByteRange and /Contents into a saved PDF with one unfilled signature placeholder (at or after `from`). */
async function fillSignature(pdf: Buffer, signer: Signer, from = 0): Promise<Buffer> {
  const placeholder = /\/ByteRange\s*\[\s*0\s+\/\*+\s+\/\*+\s+\/\*+\s*\]/.exec(pdf.toString('latin1', from));
  if (!placeholder) throw new Error('signPdf: no /ByteRange placeholder in the prepared PDF');
  const byteRangeAt = from + placeholder.index;
  const contentsAt = pdf.indexOf('/Contents', byteRangeAt + placeholder[0].length, 'latin1');
  const open = pdf.indexOf('<', contentsAt, 'latin1');
  const close = pdf.indexOf('>', open, 'latin1');
  const range = [0, open, close + 1, pdf.length - (close + 1)];

  const byteRange = `/ByteRange [${range.join(' ')}]`.padEnd(placeholder[0].length, ' ');
  if (byteRange.length > placeholder[0].length) throw new Error('signPdf: the /ByteRange placeholder is too short');
  pdf.write(byteRange, byteRangeAt, 'latin1');

  const cms = await signer.signCms(Buffer.concat([pdf.subarray(0, open), pdf.subarray(close + 1)]));
  const room = close - open - 1;
  if (cms.length * 2 > room)
    throw new Error(`signPdf: the signature (${cms.length} bytes) does not fit the placeholder (${room / 2})`);
  pdf.write(cms.toString('hex').padEnd(room, '0'), open + 1, 'latin1');
  return pdf;
}

/**
 * The placeholder's size in hex digits: room for the CMS (signature, attributes, our certificates) and,
 * when a TSA is configured, its token with the TSA's certificates. Unused room is zero padding.
 */
function placeholderHexLength(signer: Signer): number {
  const certificatesBytes = Buffer.byteLength(signer.certificatePem + signer.chainPem) * 0.75;
  return 2 * Math.ceil(4096 + certificatesBytes + (signer.tsaUrl ? 12_288 : 0));
}

/**
 * A PDF text string for a literal `( )`, in the form @signpdf/placeholder-pdf-lib can carry: ASCII text as
 * is, anything else as UTF-16BE with a byte-order mark (PDF 32000 7.9.2.2). Every byte outside printable
 * ASCII, and ( ) \, is written as an octal escape, so a 0x28 or 0x0D inside a UTF-16 code unit can neither
 * end the string nor be read as a line end.
 */
export function pdfTextString(text: string): string {
  const ascii = /^[\x20-\x7e]*$/.test(text);
  const bytes = ascii
    ? Buffer.from(text, 'latin1')
    : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  let out = '';
  for (const byte of bytes) {
    const printable = byte >= 0x20 && byte <= 0x7e && byte !== 0x28 && byte !== 0x29 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}
