import { crc32, deflateSync } from 'node:zlib';
import type { SealKind } from './company-seal.entity.js';
import type { CompanyProfileDto } from './dto/company-profile.dto.js';

/**
 * The demo installation's own company: fictional (the credit code has a valid check character but belongs
 * to no one; phone numbers, accounts and addresses are invented; the .example domain cannot receive mail).
 */
export const DEMO_COMPANY: CompanyProfileDto = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91320506MA1NK4RB7H',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  addressEn: 'No. 88 Keji Road, Instrument Industrial Park, Wuzhong District, Suzhou, Jiangsu, China',
  postalCode: '215128',
  phone: '0512-6688 1200',
  fax: '0512-6688 1299',
  email: 'sales@ecsi.example',
  website: 'https://www.ecsi.example',
  legalRepresentative: '陈建国',
  bankAccounts: [
    {
      bankName: '中国工商银行',
      branch: '苏州吴中支行',
      accountName: '华东智能仪表有限公司',
      accountNumber: '1102 0206 0900 0088 123',
    },
    {
      bankName: '中国银行',
      branch: '苏州工业园区支行',
      accountName: '华东智能仪表有限公司',
      accountNumber: '4865 7712 0046',
    },
  ],
};

/**
 * A stand-in seal for the demo: a red ring with a five-pointed star on a transparent background (the
 * contract seal has a second, inner ring). Drawn here so the demo needs no binary file in the repository.
 */
export function demoSealPng(kind: SealKind): Buffer {
  const size = 240;
  const c = size / 2;
  const star = Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? 44 : 18;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    return [c + r * Math.cos(a), c + r * Math.sin(a)] as const;
  });
  const inStar = (x: number, y: number) => {
    let inside = false;
    for (let i = 0, j = star.length - 1; i < star.length; j = i++) {
      const [xi, yi] = star[i];
      const [xj, yj] = star[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const rowLength = 1 + size * 4;
  const raw = Buffer.alloc(size * rowLength); // filter byte 0 per row; pixels start fully transparent
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
      const ring = d >= 104 && d <= 114;
      const inner = kind === 'contract' && d >= 94 && d <= 97;
      if (ring || inner || inStar(x + 0.5, y + 0.5)) raw.set([0xd4, 0x1f, 0x26, 0xff], y * rowLength + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
