import { crc32 } from 'node:zlib';

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGB + alpha. */
  colorType: number;
  /** An alpha channel (colour type 4 or 6) or a tRNS chunk: the image can be transparent. */
  transparent: boolean;
}

export type PngInspection = { ok: true; info: PngInfo } | { ok: false; reason: string };

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BIT_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/**
 * Reads a PNG's structure from its bytes (never its name or declared type): the signature, then every
 * chunk up to IEND with its CRC, IHDR first and at least one IDAT. The pixels are not decoded: a seal only
 * needs to be a well-formed PNG that can carry transparency, so it prints over text instead of hiding it.
 */
export function inspectPng(bytes: Buffer): PngInspection {
  if (bytes.length < SIGNATURE.length || !bytes.subarray(0, 8).equals(SIGNATURE))
    return { ok: false, reason: 'not a PNG (wrong signature)' };
  let offset = 8;
  let header: Omit<PngInfo, 'transparent'> | null = null;
  let hasTrns = false;
  let hasIdat = false;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) return { ok: false, reason: `truncated PNG (chunk ${type})` };
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== bytes.readUInt32BE(offset + 8 + length)) {
      return { ok: false, reason: `corrupt PNG (bad CRC in chunk ${type})` };
    }
    if (!header) {
      if (type !== 'IHDR' || length !== 13) return { ok: false, reason: 'corrupt PNG (IHDR is not the first chunk)' };
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8], colorType: data[9] };
      if (!header.width || !header.height || !BIT_DEPTHS[header.colorType]?.includes(header.bitDepth)) {
        return { ok: false, reason: 'corrupt PNG (invalid IHDR)' };
      }
    } else if (type === 'tRNS') {
      hasTrns = true;
    } else if (type === 'IDAT') {
      hasIdat = true;
    } else if (type === 'IEND') {
      if (!hasIdat) return { ok: false, reason: 'corrupt PNG (no image data)' };
      const transparent = header.colorType === 4 || header.colorType === 6 || hasTrns;
      return { ok: true, info: { ...header, transparent } };
    }
    offset = end;
  }
  return { ok: false, reason: 'truncated PNG (no IEND chunk)' };
}
