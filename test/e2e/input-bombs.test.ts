import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { parseCsv } from '../../src/common/tabular/csv.js';
import { ObjectStorage } from '../../src/infrastructure/storage/object-storage.js';
import { DEMO_CUSTOMERS_CSV } from '../../src/modules/customers/demo-data.js';
import { pngWith, run, scanJpeg, sealPng, sectionPdf } from '../fixtures/assembly/fixtures.js';
import { startTestApp, type TestApp } from '../support/app.js';

/** A well-formed RGBA PNG (valid CRCs, one tiny IDAT) whose header claims width x height. */
const pngClaiming = (width: number, height: number) => pngWith(width, height, deflateSync(Buffer.alloc(4096)));

/** The test scan with its SOF header rewritten to claim width x height (the pixels stay a small page). */
function jpegClaiming(width: number, height: number): Buffer {
  const jpeg = Buffer.from(scanJpeg());
  for (let i = 2; i < jpeg.length - 9;) {
    if (jpeg[i] !== 0xff) throw new Error('not a JPEG marker');
    const marker = jpeg[i + 1];
    const length = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) {
      jpeg.writeUInt16BE(height, i + 5);
      jpeg.writeUInt16BE(width, i + 7);
      return jpeg;
    }
    i += 2 + length;
  }
  throw new Error('no SOF marker');
}

async function xlsxOf(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('客户');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Rewrites every central-directory entry's uncompressed size to `size` (what a zip bomb's directory claims). */
function claimingUncompressed(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  for (
    let i = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    i !== -1;
    i = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)
  ) {
    out.writeUInt32LE(size, i + 24);
  }
  return out;
}

/** A real workbook with one more part: `bytes` zeros, deflated (100 MB -> about 100 kB). */
async function withZeros(xlsx: Buffer, bytes: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  // Re-pack the workbook's own parts plus the zeros.
  const source = await yauzl.fromBufferPromise(xlsx, { lazyEntries: true });
  for await (const entry of source.eachEntry()) {
    if (entry.fileName.endsWith('/')) continue; // ExcelJS writes folder entries
    const parts: Buffer[] = [];
    for await (const c of await source.openReadStreamPromise(entry)) parts.push(c as Buffer);
    zip.addBuffer(Buffer.concat(parts), entry.fileName);
  }
  source.close();
  zip.addBuffer(Buffer.alloc(bytes), 'xl/media/image1.bin', { compress: true });
  zip.end();
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};

describe('input bombs are refused at upload with a stable code, and change nothing', () => {
  let t: TestApp;
  let backoffice: string;
  let qualificationId: string;
  let performanceId: string;
  let dir: string;

  const storedObjects = async () => (await t.app.get(ObjectStorage).list('files/')).length;
  const counts = async () => ({
    files: Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM stored_files'))[0].n),
    objects: await storedObjects(),
    customers: Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM customers'))[0].n),
    seals: Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM company_seals'))[0].n),
    audit: Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0].n),
  });
  const scan = (bytes: Buffer, name: string) =>
    t
      .http()
      .post(`/api/qualifications/${qualificationId}/scans`)
      .auth(backoffice, { type: 'bearer' })
      .attach('file', bytes, name);
  const importCustomers = (bytes: Buffer, query = '') =>
    t
      .http()
      .post(`/api/customers/import${query}`)
      .auth(backoffice, { type: 'bearer' })
      .attach('file', bytes, '客户.xlsx');
  const refused = async (send: () => Promise<Response>, code: string) => {
    const before = await counts();
    const res = await send();
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 422, code });
    expect(await counts()).toEqual(before);
    return res;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'td-bombs-'));
    t = await startTestApp('inputbombs', { IMPORT_MAX_CELLS: '2000', UPLOAD_LIMIT: '5mb' });
    backoffice = (await t.userWith(['backoffice'])).token;
    const q = await t
      .http()
      .post('/api/qualifications')
      .auth(backoffice, { type: 'bearer' })
      .send({ type: 'business_licence', name: '营业执照', validFrom: '2015-06-01' });
    expect(q.status).toBe(201);
    qualificationId = q.body.id;
    const p = await t.http().post('/api/performance').auth(backoffice, { type: 'bearer' }).send({
      projectName: '宝钢湛江钢铁三号高炉仪表改造项目',
      customerName: '宝钢湛江钢铁有限公司',
      industry: 'steel',
      productLine: '压力变送器',
      contractAmount: '1280000.00',
      signedDate: '2023-04-18',
      completedDate: '2024-01-30',
    });
    expect(p.status).toBe(201);
    performanceId = p.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('images: dimensions read from the header before anything decodes them', () => {
    it('refuses a small PNG scan whose header claims 100000 x 100000 pixels with IMAGE_TOO_LARGE', async () => {
      const bomb = pngClaiming(100_000, 100_000);
      expect(bomb.length).toBeLessThan(1024);
      const res = await refused(() => scan(bomb, 'scan.png'), 'IMAGE_TOO_LARGE');
      expect(res.body.error.details).toMatchObject({
        width: 100_000,
        height: 100_000,
        maxSide: 10_000,
        maxPixels: 40_000_000,
      });
    });

    it('refuses a PNG within the side limit but above 40 megapixels (8000 x 8000)', async () => {
      await refused(() => scan(pngClaiming(8000, 8000), 'scan.png'), 'IMAGE_TOO_LARGE');
    });

    it('refuses a JPEG performance proof whose SOF claims 60000 x 60000 pixels', async () => {
      await refused(
        () =>
          t
            .http()
            .post(`/api/performance/${performanceId}/proofs`)
            .auth(backoffice, { type: 'bearer' })
            .field('kind', 'invoice')
            .attach('file', jpegClaiming(60_000, 60_000), 'proof.jpg'),
        'IMAGE_TOO_LARGE',
      );
    });

    it('refuses a seal PNG claiming 100000 x 100000 pixels', async () => {
      await refused(
        () =>
          t
            .http()
            .put('/api/company/seals/company')
            .auth(backoffice, { type: 'bearer' })
            .attach('file', pngClaiming(100_000, 100_000), 'seal.png'),
        'IMAGE_TOO_LARGE',
      );
    });

    it('still takes ordinary images: a scanned JPEG page and a seal', async () => {
      expect((await scan(scanJpeg(), 'scan.jpg')).status).toBe(201);
      const seal = await t
        .http()
        .put('/api/company/seals/company')
        .auth(backoffice, { type: 'bearer' })
        .attach('file', sealPng(), 'seal.png');
      expect(seal.status).toBe(200);
    });
  });

  describe('PDF scans: encryption settled at upload', () => {
    it('refuses a PDF that needs a password with PDF_ENCRYPTED', async () => {
      const plain = join(dir, 'plain.pdf');
      const locked = join(dir, 'locked.pdf');
      await writeFile(plain, await sectionPdf('LOCKED', 1));
      await run('qpdf', ['--encrypt', 'user-secret', 'owner-secret', '256', '--', plain, locked]);
      const res = await refused(() => readFile(locked).then((b) => scan(b, '营业执照.pdf')), 'PDF_ENCRYPTED');
      expect(res.body.error.message).toMatch(/password/);
    });

    it('stores a decrypted copy of a permission-only PDF (opens without a password, printing forbidden)', async () => {
      const plain = join(dir, 'plain2.pdf');
      const restricted = join(dir, 'restricted.pdf');
      await writeFile(plain, await sectionPdf('RESTRICTED', 1));
      await run('qpdf', [
        '--encrypt',
        '',
        'owner-secret',
        '256',
        '--print=none',
        '--modify=none',
        '--',
        plain,
        restricted,
      ]);
      await expect(run('qpdf', ['--is-encrypted', restricted])).resolves.toBeDefined(); // exit 0: encrypted
      const res = await scan(await readFile(restricted), '资质.pdf');
      expect(res.status).toBe(201);
      const download = await t
        .http()
        .get(`/api/qualifications/${qualificationId}/scans/${res.body.id}`)
        .auth(backoffice, { type: 'bearer' })
        .buffer(true)
        .parse(binary);
      expect(download.status).toBe(200);
      const stored = join(dir, 'stored.pdf');
      await writeFile(stored, download.body as Buffer);
      // qpdf --is-encrypted exits 2 for an unencrypted file.
      await expect(run('qpdf', ['--is-encrypted', stored])).rejects.toMatchObject({ code: 2 });
      expect((await run('qpdf', ['--check', stored])).stdout).toContain('No syntax or stream encoding errors');
      expect((await run('pdftotext', [stored, '-'])).stdout).toContain('RESTRICTED');
    });
  });

  describe('XLSX imports: bounded before ExcelJS parses them', () => {
    const customerRows = () => parseCsv(DEMO_CUSTOMERS_CSV).slice(0, 2) as string[][];

    it('imports an ordinary workbook (dry run)', async () => {
      const res = await importCustomers(await xlsxOf(customerRows()), '?dryRun=true');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ format: 'xlsx', rows: 1, errors: [] });
    });

    it('refuses a workbook whose central directory claims gigabytes with IMPORT_TOO_LARGE', async () => {
      const bomb = claimingUncompressed(await xlsxOf(customerRows()), 0xf0000000);
      const res = await refused(() => importCustomers(bomb), 'IMPORT_TOO_LARGE');
      expect(res.body.error.details.uncompressedBytesAtLeast).toBeGreaterThan(64 * 1024 * 1024);
    });

    it('refuses a real zip bomb part (100 MB of zeros in about 100 kB) with IMPORT_TOO_LARGE', async () => {
      const bomb = await withZeros(await xlsxOf(customerRows()), 100 * 1024 * 1024);
      expect(bomb.length).toBeLessThan(1024 * 1024);
      await refused(() => importCustomers(bomb), 'IMPORT_TOO_LARGE');
    });

    it('refuses a sheet with more cells than IMPORT_MAX_CELLS (2000 here) with IMPORT_TOO_MANY_CELLS', async () => {
      const [header, row] = customerRows();
      const many = [header, ...Array.from({ length: 200 }, (_, i) => row.map((c, j) => (j === 0 ? `${c}${i}` : c)))];
      const res = await refused(async () => importCustomers(await xlsxOf(many)), 'IMPORT_TOO_MANY_CELLS');
      expect(res.body.error.details).toMatchObject({ limit: 2000 });
    });
  });
});
