import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PDFDocument } from 'pdf-lib';
import type { Response } from 'supertest';
import yazl from 'yazl';
import { ObjectStorage } from '../../src/infrastructure/storage/object-storage.js';
import { SYSTEM_ACTOR } from '../../src/modules/audit/audit.service.js';
import { FilesService } from '../../src/modules/files/files.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

/** A real one-page PDF. */
async function smallPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 100]).drawText('scan', { x: 20, y: 40 });
  return Buffer.from(await doc.save());
}

/** A real 2x2 RGBA PNG (signature, IHDR, IDAT, IEND with their CRCs). */
function smallPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const pixels = Buffer.from([0, 255, 0, 0, 128, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function smallZip(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('not a scan'), 'readme.txt');
  zip.end();
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** supertest hands binary bodies over as a Buffer only with a parser that collects them. */
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};

describe('qualification scans: uploads checked by their bytes, stored, downloaded', () => {
  let t: TestApp;
  let backoffice: string;
  let production: string;
  let qualificationId: string;
  const LIMIT = 64 * 1024;

  const storedObjects = async () => (await t.app.get(ObjectStorage).list('files/')).length;
  const storedRows = async () =>
    Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM stored_files'))[0].n);
  const upload = (id: string, bytes: Buffer, name: string, token = backoffice) =>
    t.http().post(`/api/qualifications/${id}/scans`).auth(token, { type: 'bearer' }).attach('file', bytes, name);

  beforeAll(async () => {
    t = await startTestApp('qualscans', { UPLOAD_LIMIT: '64kb' });
    backoffice = (await t.userWith(['backoffice'])).token;
    production = (await t.userWith(['production'])).token;
    const res = await t
      .http()
      .post('/api/qualifications')
      .auth(backoffice, { type: 'bearer' })
      .send({ type: 'business_licence', name: '营业执照', validFrom: '2015-06-01' });
    qualificationId = res.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a real PDF under a generated key, records its SHA-256, and gives back the same bytes', async () => {
    const pdf = await smallPdf();
    const res = await upload(qualificationId, pdf, '营业执照（副本）2024.pdf');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      purpose: 'scan',
      kind: null,
      originalName: '营业执照（副本）2024.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      uploadedAt: expect.any(String),
      uploadedByName: expect.any(String),
    });
    const [row] = await t.db.query(
      'SELECT owner_type, owner_id, storage_key, sha256, size FROM stored_files WHERE id = $1',
      [res.body.id],
    );
    expect(row).toMatchObject({
      owner_type: 'qualification',
      owner_id: qualificationId,
      sha256: sha256(pdf),
      size: pdf.length,
    });
    expect(row.storage_key).toMatch(/^files\/\d{4}\/\d{2}\/[0-9a-f-]{36}\.pdf$/);
    expect((await t.app.get(ObjectStorage).stat(row.storage_key))?.sha256).toBe(sha256(pdf));

    // Anyone may read qualifications and their scans: they carry no prices.
    const download = await t
      .http()
      .get(`/api/qualifications/${qualificationId}/scans/${res.body.id}`)
      .auth(production, { type: 'bearer' })
      .buffer(true)
      .parse(binary);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="________2024.pdf"; filename*=UTF-8''${encodeURIComponent('营业执照（副本）2024.pdf')}`,
    );
    expect(sha256(download.body as Buffer)).toBe(sha256(pdf));
    expect(Buffer.compare(download.body as Buffer, pdf)).toBe(0);

    const list = await t
      .http()
      .get(`/api/qualifications/${qualificationId}/scans`)
      .auth(production, { type: 'bearer' });
    expect(list.body.map((f: { id: string }) => f.id)).toEqual([res.body.id]);
    const view = await t.http().get(`/api/qualifications/${qualificationId}`).auth(production, { type: 'bearer' });
    expect(view.body.scans).toEqual([expect.objectContaining({ id: res.body.id, sha256: sha256(pdf) })]);
  });

  it('stores a real PNG and deletes a scan with its object', async () => {
    const png = smallPng();
    const res = await upload(qualificationId, png, 'scan.png');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'image/png', size: png.length, sha256: sha256(png) });
    const [{ storage_key: key }] = await t.db.query('SELECT storage_key FROM stored_files WHERE id = $1', [
      res.body.id,
    ]);
    expect(key).toMatch(/\.png$/);

    const deleted = await t
      .http()
      .delete(`/api/qualifications/${qualificationId}/scans/${res.body.id}`)
      .auth(backoffice, { type: 'bearer' });
    expect(deleted.status).toBe(200);
    expect(await t.app.get(ObjectStorage).stat(key)).toBeNull();
    expect(await t.db.query('SELECT id FROM stored_files WHERE id = $1', [res.body.id])).toEqual([]);
    const gone = await t
      .http()
      .get(`/api/qualifications/${qualificationId}/scans/${res.body.id}`)
      .auth(backoffice, { type: 'bearer' });
    expect([gone.status, gone.body.error.code]).toEqual([404, 'FILE_NOT_FOUND']);
  });

  describe('refused uploads store nothing', () => {
    let objects: number;
    let rows: number;
    beforeAll(async () => {
      objects = await storedObjects();
      rows = await storedRows();
    });
    const nothingStored = async () => {
      expect(await storedObjects()).toBe(objects);
      expect(await storedRows()).toBe(rows);
    };

    it('refuses a text file named .pdf with 415, naming what the bytes are', async () => {
      const res = await upload(qualificationId, Buffer.from('这不是PDF，只是文字'), '扫描件.pdf');
      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({
        code: 'UNSUPPORTED_FILE_TYPE',
        details: { detected: null, allowed: ['pdf', 'jpeg', 'png'] },
      });
      await nothingStored();
    });

    it('refuses an executable named .png', async () => {
      const exe = Buffer.alloc(512);
      exe.write('MZ');
      const res = await upload(qualificationId, exe, 'seal.png');
      expect(res.status).toBe(415);
      expect(res.body.error.details.detected).toBe('exe');
      expect(res.body.error.message).toContain('exe');
      await nothingStored();
    });

    it('refuses a ZIP named .pdf', async () => {
      const res = await upload(qualificationId, await smallZip(), 'scan.pdf');
      expect(res.status).toBe(415);
      expect(res.body.error.details.detected).toBe('zip');
      await nothingStored();
    });

    it('refuses a file over UPLOAD_LIMIT with 413 FILE_TOO_LARGE', async () => {
      const big = Buffer.concat([await smallPdf(), Buffer.alloc(LIMIT + 1)]);
      const res = await upload(qualificationId, big, 'big.pdf');
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: 'FILE_TOO_LARGE', details: { limit: LIMIT } });
      // Far over: multer stops buffering at the limit and the answer is the same.
      const huge = await upload(
        qualificationId,
        Buffer.concat([await smallPdf(), Buffer.alloc(8 * 1024 * 1024)]),
        'huge.pdf',
      );
      expect([huge.status, huge.body.error.code]).toEqual([413, 'FILE_TOO_LARGE']);
      await nothingStored();
    });

    it('refuses a request without a file, and a scan for an unknown qualification', async () => {
      const none = await t
        .http()
        .post(`/api/qualifications/${qualificationId}/scans`)
        .auth(backoffice, { type: 'bearer' })
        .field('note', 'x');
      expect([none.status, none.body.error.code]).toEqual([400, 'FILE_MISSING']);
      const wrongField = await t
        .http()
        .post(`/api/qualifications/${qualificationId}/scans`)
        .auth(backoffice, { type: 'bearer' })
        .attach('scan', await smallPdf(), 'a.pdf');
      expect([wrongField.status, wrongField.body.error.code]).toEqual([400, 'INVALID_UPLOAD']);
      const empty = await t
        .http()
        .post(`/api/qualifications/${qualificationId}/scans`)
        .auth(backoffice, { type: 'bearer' })
        .send({});
      expect([empty.status, empty.body.error.code]).toEqual([400, 'FILE_MISSING']);
      const unknown = await upload('00000000-0000-4000-8000-000000000000', await smallPdf(), 'a.pdf');
      expect([unknown.status, unknown.body.error.code]).toEqual([404, 'QUALIFICATION_NOT_FOUND']);
      await nothingStored();
    });

    it('refuses uploads from roles that may not write', async () => {
      const res = await upload(qualificationId, await smallPdf(), 'a.pdf', production);
      expect(res.status).toBe(403);
      await nothingStored();
    });

    it('deletes the object again when the database write fails after it was stored', async () => {
      const files = t.app.get(FilesService);
      await expect(
        files.store(
          { originalName: 'a.pdf', bytes: await smallPdf() },
          {
            ownerType: 'qualification',
            ownerId: qualificationId,
            purpose: 'scan',
            allowed: ['pdf'],
            actor: SYSTEM_ACTOR,
          },
          async () => {
            throw new Error('audit failed');
          },
        ),
      ).rejects.toThrow('audit failed');
      await nothingStored();
    });
  });

  it('deletes the scans and their objects with the qualification', async () => {
    const before = await storedObjects();
    const scans = await t
      .http()
      .get(`/api/qualifications/${qualificationId}/scans`)
      .auth(backoffice, { type: 'bearer' });
    expect(scans.body.length).toBeGreaterThan(0);
    const res = await t.http().delete(`/api/qualifications/${qualificationId}`).auth(backoffice, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(await t.db.query('SELECT id FROM stored_files WHERE owner_id = $1', [qualificationId])).toEqual([]);
    expect(await storedObjects()).toBe(before - scans.body.length);
  });
});
