import { PDFDocument, type PDFImage } from 'pdf-lib';
import { AppException } from '../../common/errors/app-exception.js';
import { RenderingError } from '../rendering.errors.js';

export type AttachmentKind = 'pdf' | 'jpeg' | 'png';

/** What an attachment is, from its first bytes (a name or a declared content type can lie). */
export function detectAttachmentKind(bytes: Buffer): AttachmentKind | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  // PDF 32000 lets the header sit anywhere in the first 1024 bytes (some scanners prepend junk).
  if (bytes.subarray(0, 1024).includes('%PDF-')) return 'pdf';
  return undefined;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 28; // about 1 cm

/** Adds one A4 page (landscape for a wide image) with the scan scaled to fit inside a small margin, centred. */
export function addImagePage(doc: PDFDocument, image: PDFImage): void {
  const landscape = image.width > image.height;
  const [pageWidth, pageHeight] = landscape ? [A4.height, A4.width] : [A4.width, A4.height];
  const scale = Math.min((pageWidth - 2 * MARGIN) / image.width, (pageHeight - 2 * MARGIN) / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  doc
    .addPage([pageWidth, pageHeight])
    .drawImage(image, { x: (pageWidth - width) / 2, y: (pageHeight - height) / 2, width, height });
}

/** Loads a PDF attachment or embeds a scan; anything else (or unreadable) is a 422 ATTACHMENT_UNSUPPORTED. */
export async function readAttachment(
  target: PDFDocument,
  attachment: { name: string; bytes: Buffer },
  section: number,
): Promise<{ kind: 'pdf'; doc: PDFDocument } | { kind: 'image'; image: PDFImage }> {
  const kind = detectAttachmentKind(attachment.bytes);
  const refuse = (why: string) =>
    AppException.unprocessable(RenderingError.ATTACHMENT_UNSUPPORTED, `Attachment ${attachment.name}: ${why}`, {
      section,
      name: attachment.name,
    });
  if (!kind) throw refuse('only PDF, JPEG and PNG files can be attached');
  try {
    switch (kind) {
      case 'pdf':
        return { kind: 'pdf', doc: await PDFDocument.load(attachment.bytes) };
      case 'jpeg':
        // A copy: pdf-lib 1.17's JPEG reader reads the Buffer's whole ArrayBuffer from offset 0, and Node 24 hands out
        // Buffers that are views into a shared one (readFileSync, Buffer.concat): "SOI not found in JPEG" otherwise.
        return { kind: 'image', image: await target.embedJpg(new Uint8Array(attachment.bytes)) };
      case 'png':
        return { kind: 'image', image: await target.embedPng(attachment.bytes) };
    }
  } catch (error) {
    // pdf-lib refuses encrypted PDFs and damaged images; say which file, not a stack trace.
    throw refuse(
      `the ${kind.toUpperCase()} cannot be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
}
