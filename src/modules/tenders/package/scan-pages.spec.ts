import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { addImagePage } from '../../../rendering/assembly/attachments.js';
import { pngScanPage, readOpaquePng } from './scan-pages.js';

const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
};

/** A PNG with rows of varying filters (None and Up), so that the predictor really has to undo them. */
function png(width: number, height: number, colorType: number, bitDepth: number, opts: { plte?: Buffer; trns?: boolean; interlace?: boolean } = {}): Buffer {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType]!;
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8);
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (rowBytes + 1)] = y % 4 === 3 ? 2 : 0;
    for (let i = 0; i < rowBytes; i++) raw[y * (rowBytes + 1) + 1 + i] = (i * 7 + y * 3) % 256;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colorType, 0, 0, opts.interlace ? 1 : 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(opts.plte ? [chunk('PLTE', opts.plte)] : []),
    ...(opts.trns ? [chunk('tRNS', Buffer.from([0, 0]))] : []),
    // Two IDAT chunks: PNG may split the stream anywhere.
    ...(() => {
      const z = deflateSync(raw);
      const half = Math.floor(z.length / 2);
      return [chunk('IDAT', z.subarray(0, half)), chunk('IDAT', z.subarray(half))];
    })(),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const palette = Buffer.from(Array.from({ length: 256 * 3 }, (_, i) => (i * 37) % 256));

describe('readOpaquePng', () => {
  it('takes grey, RGB and palette PNGs as they are', () => {
    expect(readOpaquePng(png(30, 20, 0, 8))).toMatchObject({ width: 30, height: 20, colorType: 0, bitDepth: 8, palette: null });
    expect(readOpaquePng(png(30, 20, 0, 1))).toMatchObject({ colorType: 0, bitDepth: 1 });
    expect(readOpaquePng(png(30, 20, 2, 8))).toMatchObject({ colorType: 2 });
    expect(readOpaquePng(png(30, 20, 3, 8, { plte: palette }))?.palette?.length).toBe(768);
  });

  it('leaves alpha, transparency, interlacing and non-PNGs to the assembler', () => {
    expect(readOpaquePng(png(30, 20, 6, 8))).toBeUndefined();
    expect(readOpaquePng(png(30, 20, 4, 8))).toBeUndefined();
    expect(readOpaquePng(png(30, 20, 0, 8, { trns: true }))).toBeUndefined();
    expect(readOpaquePng(png(30, 20, 0, 8, { interlace: true }))).toBeUndefined();
    expect(readOpaquePng(png(30, 20, 3, 8))).toBeUndefined(); // palette without PLTE
    expect(readOpaquePng(Buffer.from('%PDF-1.7'))).toBeUndefined();
    expect(readOpaquePng(png(30, 20, 0, 8).subarray(0, 40))).toBeUndefined(); // truncated
  });
});

describe('pngScanPage', () => {
  it('puts the IDAT data in unchanged with the PNG predictor, on an A4 page of the right orientation', async () => {
    const tall = png(120, 200, 0, 8);
    const doc = await PDFDocument.load((await pngScanPage(tall))!);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([width, height]).toEqual([595.28, 841.89]);
    const images = [...doc.context.enumerateIndirectObjects()].map(([, o]) => o).filter((o): o is PDFRawStream => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'));
    expect(images).toHaveLength(1);
    const parms = images[0]!.dict.lookup(PDFName.of('DecodeParms'), PDFDict);
    expect(parms.get(PDFName.of('Predictor'))?.toString()).toBe('15');
    expect(Buffer.from(images[0]!.contents).equals(readOpaquePng(tall)!.data)).toBe(true);

    const wide = await PDFDocument.load((await pngScanPage(png(300, 100, 2, 8)))!);
    expect(wide.getPage(0).getSize()).toEqual({ width: 841.89, height: 595.28 });
    expect(await pngScanPage(png(30, 20, 6, 8))).toBeUndefined();
  });

  describe('looks exactly like the assembler embedding the same PNG (rasterised by poppler)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'scan-pages-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it.each([
      ['grey 8-bit', png(300, 420, 0, 8)],
      ['grey 1-bit', png(301, 420, 0, 1)],
      ['RGB', png(210, 297, 2, 8)],
      ['palette', png(400, 250, 3, 8, { plte: palette })],
    ])('%s', async (_, bytes) => {
      const reference = await PDFDocument.create();
      addImagePage(reference, await reference.embedPng(bytes));
      const raster = async (name: string, pdf: Uint8Array) => {
        await writeFile(join(dir, `${name}.pdf`), pdf);
        await promisify(execFile)('pdftoppm', ['-r', '36', '-singlefile', join(dir, `${name}.pdf`), join(dir, name)]);
        return readFile(join(dir, `${name}.ppm`));
      };
      const ours = await raster('ours', (await pngScanPage(bytes))!);
      const theirs = await raster('theirs', await reference.save());
      expect(ours.length).toBe(theirs.length);
      expect(ours.equals(theirs)).toBe(true);
    });
  });
});
