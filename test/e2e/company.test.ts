import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ObjectStorage } from '../../src/infrastructure/storage/object-storage.js';
import { CompanyService } from '../../src/modules/company/company.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A small PNG: colour type 6 (RGBA, can be transparent) or 2 (RGB, opaque), one IDAT. */
function png(colorType: 2 | 6, size = 8): Buffer {
  const channels = colorType === 6 ? 4 : 3;
  const raw = Buffer.alloc(size * (1 + size * channels));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) raw[y * (1 + size * channels) + 1 + x * channels] = 0xd4; // red
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
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
  ],
};

describe('company profile and seals', () => {
  let t: TestApp;
  let backoffice: string;
  let production: string;
  let sales: string;
  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    put: (path: string) => t.http().put(path).auth(token, { type: 'bearer' }),
    patch: (path: string) => t.http().patch(path).auth(token, { type: 'bearer' }),
  });
  const rows = () => t.db.query('SELECT * FROM company_profile');
  const seals = () => t.db.query('SELECT * FROM company_seals ORDER BY kind');
  const stored = () => t.app.get(ObjectStorage).list('company/');
  const audit = (action: string) =>
    t.db.query<{ action: string; actor_name: string; details: Record<string, unknown> }>(
      'SELECT * FROM audit_log WHERE action = $1 ORDER BY id',
      [action],
    );

  beforeAll(async () => {
    t = await startTestApp('company');
    backoffice = (await t.userWith(['backoffice'])).token;
    production = (await t.userWith(['production'])).token;
    sales = (await t.userWith(['sales'])).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 404 COMPANY_PROFILE_NOT_SET before the profile exists', async () => {
    const res = await as(production).get('/api/company');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('COMPANY_PROFILE_NOT_SET');
  });

  it('refuses a credit code with a wrong check character, and stores nothing', async () => {
    const res = await as(backoffice)
      .put('/api/company')
      .send({ ...PROFILE, creditCode: '91350100M000100Y44' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.fields).toEqual([expect.objectContaining({ field: 'creditCode' })]);
    expect(await rows()).toEqual([]);
    expect(await audit('company.create')).toEqual([]);
  });

  it('creates the profile with PUT, shows it to every role, and audits it', async () => {
    const res = await as(backoffice).put('/api/company').send(PROFILE);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ...PROFILE,
      legalNameEn: PROFILE.legalNameEn,
      addressEn: null,
      fax: null,
      seals: { company: null, contract: null },
    });
    for (const token of [production, sales]) {
      const read = await as(token).get('/api/company');
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        id: res.body.id,
        legalNameZh: '华东智能仪表有限公司',
        creditCode: '91350100M000100Y43',
      });
    }
    expect(await audit('company.create')).toEqual([
      expect.objectContaining({ actor_name: expect.stringMatching(/backoffice/) }),
    ]);
  });

  it('replaces with PUT (still one row), changes fields with PATCH, and audits before and after', async () => {
    const put = await as(backoffice)
      .put('/api/company')
      .send({ ...PROFILE, creditCode: '91110000802100433B', fax: '0512-6688 1299' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ creditCode: '91110000802100433B', fax: '0512-6688 1299' });
    expect(await rows()).toHaveLength(1);

    const patch = await as(t.adminToken)
      .patch('/api/company')
      .send({
        addressEn: 'No. 88 Keji Road, Suzhou',
        legalNameEn: null,
        bankAccounts: [
          ...PROFILE.bankAccounts,
          { bankName: '中国银行', accountName: '华东智能仪表有限公司', accountNumber: '4865 7712 0046' },
        ],
      });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({
      addressEn: 'No. 88 Keji Road, Suzhou',
      legalNameEn: null,
      fax: '0512-6688 1299',
      creditCode: '91110000802100433B',
    });
    expect(patch.body.bankAccounts).toEqual([
      PROFILE.bankAccounts[0],
      { bankName: '中国银行', branch: null, accountName: '华东智能仪表有限公司', accountNumber: '4865 7712 0046' },
    ]);

    const updates = await audit('company.update');
    expect(updates).toHaveLength(2);
    expect(updates[1].details).toMatchObject({
      before: { addressEn: null, legalNameEn: PROFILE.legalNameEn },
      after: { addressEn: 'No. 88 Keji Road, Suzhou', legalNameEn: null },
    });
  });

  it('refuses a null legal name, an unknown field and a bad bank account, changing nothing', async () => {
    const before = await rows();
    const auditBefore = await t.db.query('SELECT id FROM audit_log');
    for (const body of [
      { legalNameZh: null },
      { motto: '质量第一' },
      { bankAccounts: [{ bankName: '工行', accountName: 'x', accountNumber: 'abc' }] },
    ]) {
      const res = await as(backoffice).patch('/api/company').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await rows()).toEqual(before);
    expect(await t.db.query('SELECT id FROM audit_log')).toHaveLength(auditBefore.length);
  });

  it('keeps writes to admin and backoffice', async () => {
    const res = await as(sales).patch('/api/company').send({ phone: '110' });
    expect(res.status).toBe(403);
    const seal = await as(production).put('/api/company/seals/company').attach('file', png(6), 'seal.png');
    expect(seal.status).toBe(403);
    expect(await seals()).toEqual([]);
  });

  it('stores a transparent PNG seal and serves it back byte-identical', async () => {
    const image = png(6);
    const res = await as(backoffice).put('/api/company/seals/company').attach('file', image, 'gongzhang.png');
    expect(res.status).toBe(200);
    const sha256 = createHash('sha256').update(image).digest('hex');
    expect(res.body).toMatchObject({ kind: 'company', sha256, size: image.length, width: 8, height: 8 });

    const objects = await stored();
    expect(objects.map((o) => o.key)).toEqual([`company/seals/company-${sha256}.png`]);
    expect(await seals()).toEqual([
      expect.objectContaining({
        kind: 'company',
        sha256,
        size: image.length,
        storage_key: `company/seals/company-${sha256}.png`,
      }),
    ]);

    // Seal images are for the roles that issue documents (issue #14): sales may, production may not.
    expect((await as(production).get('/api/company/seals/company')).status).toBe(403);
    const back = await as(sales)
      .get('/api/company/seals/company')
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => done(null, Buffer.concat(parts)));
      });
    expect(back.status).toBe(200);
    expect(back.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(back.body as Buffer, image)).toBe(0);

    const profile = await as(sales).get('/api/company');
    expect(profile.body.seals).toMatchObject({ company: { sha256 }, contract: null });
    expect(await audit('company.seal.upload')).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ kind: 'company', sha256, previousSha256: null }) }),
    ]);
  });

  it('replaces a seal and removes the image it replaced', async () => {
    const first = (await seals())[0] as { sha256: string };
    const image = png(6, 12);
    const res = await as(backoffice).put('/api/company/seals/company').attach('file', image, 'seal-v2.png');
    expect(res.status).toBe(200);
    expect((await stored()).map((o) => o.key)).toEqual([`company/seals/company-${res.body.sha256}.png`]);
    const uploads = await audit('company.seal.upload');
    expect(uploads[uploads.length - 1].details).toMatchObject({
      sha256: res.body.sha256,
      previousSha256: first.sha256,
    });
  });

  it('refuses an opaque PNG, a JPEG named .png and an oversized file, storing nothing', async () => {
    const objectsBefore = await stored();
    const sealsBefore = await seals();
    const auditBefore = await t.db.query('SELECT id FROM audit_log');

    const opaque = await as(backoffice)
      .put('/api/company/seals/contract')
      .attach('file', png(2), { filename: 'hetongzhang.png', contentType: 'image/png' });
    expect(opaque.status).toBe(422);
    expect(opaque.body.error).toMatchObject({
      code: 'SEAL_NOT_TRANSPARENT_PNG',
      details: { reason: expect.stringMatching(/colour type 2/) },
    });

    const jpeg = Buffer.concat([
      Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
      Buffer.alloc(200, 0x11),
      Buffer.from('ffd9', 'hex'),
    ]);
    const renamed = await as(backoffice)
      .put('/api/company/seals/contract')
      .attach('file', jpeg, { filename: 'seal.png', contentType: 'image/png' });
    expect(renamed.status).toBe(422);
    expect(renamed.body.error).toMatchObject({
      code: 'SEAL_NOT_TRANSPARENT_PNG',
      details: { reason: 'not a PNG (wrong signature)' },
    });

    const big = Buffer.concat([png(6), Buffer.alloc(2 * 1024 * 1024)]);
    const oversize = await as(backoffice).put('/api/company/seals/contract').attach('file', big, 'big.png');
    expect(oversize.status).toBe(413);
    expect(oversize.body.error).toMatchObject({ code: 'FILE_TOO_LARGE', details: { limit: 2 * 1024 * 1024 } });

    const noFile = await as(backoffice).put('/api/company/seals/contract').field('note', 'x');
    expect(noFile.status).toBe(400);
    const badKind = await as(backoffice).put('/api/company/seals/finance').attach('file', png(6), 'seal.png');
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.code).toBe('INVALID_SEAL_KIND');

    expect(await stored()).toEqual(objectsBefore);
    expect(await seals()).toEqual(sealsBefore);
    expect(await t.db.query('SELECT id FROM audit_log')).toHaveLength(auditBefore.length);
    expect((await as(sales).get('/api/company/seals/contract')).body.error.code).toBe('SEAL_NOT_FOUND');
  });

  it('gives the rendering pipeline the profile with the seal bytes', async () => {
    const contract = png(6, 16);
    expect((await as(backoffice).put('/api/company/seals/contract').attach('file', contract, 'c.png')).status).toBe(
      200,
    );
    const withSeals = await t.app.get(CompanyService).getProfileWithSeals();
    expect(withSeals.profile).toMatchObject({ legalNameZh: '华东智能仪表有限公司', creditCode: '91110000802100433B' });
    expect(withSeals.seals.contract).toMatchObject({ kind: 'contract', width: 16, contentType: 'image/png' });
    expect(Buffer.compare(withSeals.seals.contract!.bytes, contract)).toBe(0);
    expect(withSeals.seals.company?.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  });
});
