import { concatTransformationMatrix, drawObject, PDFDocument, PDFName, PDFRawStream, popGraphicsState, pushGraphicsState } from 'pdf-lib';

/**
 * PNG scans as one-page PDFs without decoding them. pdf-lib's embedPng decodes every pixel and deflates them
 * again on save: ~0.4 s for one 150 dpi A4 scan, most of a package's assembly time. A PNG's IDAT data is
 * already what PDF's FlateDecode with the PNG predictors (/Predictor 15) reads, so an opaque, non-interlaced
 * PNG goes in as it is. Anything else (alpha, tRNS, interlaced) is left for the assembler's embedPng.
 *
 * The page is laid out as the assembler lays out an image (attachments.ts addImagePage): A4, landscape for a
 * wide image, scaled to fit inside a 28 pt margin, centred.
 */

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 28;
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  palette: Buffer | null;
  data: Buffer;
}

/** The IDAT data and header of a PNG PDF can take as it is; undefined when it needs decoding (or is not a PNG). */
export function readOpaquePng(bytes: Buffer): PngInfo | undefined {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(SIGNATURE)) return undefined;
  let header: Omit<PngInfo, 'palette' | 'data'> | undefined;
  let palette: Buffer | null = null;
  const idat: Buffer[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (body.length !== length) return undefined; // truncated
    if (type === 'IHDR') {
      const [compression, filter, interlace] = [body[10], body[11], body[12]];
      if (compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), bitDepth: body[8]!, colorType: body[9]! };
    } else if (type === 'PLTE') palette = Buffer.from(body);
    else if (type === 'tRNS') return undefined; // transparency: the assembler's embedPng makes the soft mask
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!header || !idat.length || header.width < 1 || header.height < 1) return undefined;
  const { colorType, bitDepth } = header;
  const ok =
    (colorType === 0 && [1, 2, 4, 8, 16].includes(bitDepth)) ||
    (colorType === 2 && [8, 16].includes(bitDepth)) ||
    (colorType === 3 && [1, 2, 4, 8].includes(bitDepth) && palette !== null && palette.length % 3 === 0);
  return ok ? { ...header, palette, data: Buffer.concat(idat) } : undefined;
}

/** A one-page PDF showing the PNG as the assembler would, or undefined when the PNG is not one PDF can take as is. */
export async function pngScanPage(bytes: Buffer): Promise<Buffer | undefined> {
  const png = readOpaquePng(bytes);
  if (!png) return undefined;
  const doc = await PDFDocument.create();
  const colors = png.colorType === 2 ? 3 : 1;
  const colorSpace =
    png.colorType === 3
      ? doc.context.obj([PDFName.of('Indexed'), PDFName.of('DeviceRGB'), png.palette!.length / 3 - 1, doc.context.register(doc.context.flateStream(png.palette!))])
      : PDFName.of(colors === 3 ? 'DeviceRGB' : 'DeviceGray');
  const dict = doc.context.obj({
    Type: 'XObject',
    Subtype: 'Image',
    Width: png.width,
    Height: png.height,
    BitsPerComponent: png.bitDepth,
    ColorSpace: colorSpace,
    Filter: 'FlateDecode',
    DecodeParms: { Predictor: 15, Colors: colors, BitsPerComponent: png.bitDepth, Columns: png.width },
    Length: png.data.length,
  });
  const image = doc.context.register(PDFRawStream.of(dict, png.data));

  const landscape = png.width > png.height;
  const [pageWidth, pageHeight] = landscape ? [A4.height, A4.width] : [A4.width, A4.height];
  const scale = Math.min((pageWidth - 2 * MARGIN) / png.width, (pageHeight - 2 * MARGIN) / png.height);
  const [width, height] = [png.width * scale, png.height * scale];
  const page = doc.addPage([pageWidth, pageHeight]);
  const name = page.node.newXObject('Scan', image);
  page.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(width, 0, 0, height, (pageWidth - width) / 2, (pageHeight - height) / 2),
    drawObject(name),
    popGraphicsState(),
  );
  return Buffer.from(await doc.save());
}
