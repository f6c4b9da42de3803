import { deflateSync, crc32 } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { inspectPng } from './png.js';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

function png(colorType: number, extra: Buffer[] = []): Buffer {
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType as 0 | 2 | 4 | 6];
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 2, 8, colorType, 0, 0, 0]);
  const raw = Buffer.alloc(2 * (1 + 2 * channels));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('inspectPng', () => {
  it('accepts an RGBA or grey-alpha PNG as transparent', () => {
    expect(inspectPng(png(6))).toEqual({
      ok: true,
      info: { width: 2, height: 2, bitDepth: 8, colorType: 6, transparent: true },
    });
    expect(inspectPng(png(4))).toMatchObject({ ok: true, info: { transparent: true } });
  });

  it('takes an RGB PNG with a tRNS chunk as transparent, without one as opaque', () => {
    expect(inspectPng(png(2, [chunk('tRNS', Buffer.from([0, 255, 0, 255, 0, 255]))]))).toMatchObject({
      ok: true,
      info: { transparent: true },
    });
    expect(inspectPng(png(2))).toMatchObject({ ok: true, info: { colorType: 2, transparent: false } });
  });

  it('refuses what is not a well-formed PNG', () => {
    expect(inspectPng(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]))).toEqual({
      ok: false,
      reason: 'not a PNG (wrong signature)',
    });
    const good = png(6);
    expect(inspectPng(good.subarray(0, good.length - 12))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/truncated/),
    });
    const corrupt = Buffer.from(good);
    corrupt[20] ^= 0xff; // inside IHDR's data
    expect(inspectPng(corrupt)).toMatchObject({ ok: false, reason: expect.stringMatching(/CRC/) });
  });
});
