import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { buildBundle, type BundleFile, type BundleManifest, type BundleManifestInput } from '../../src/rendering/bundle/bundle.js';
import { verifyBundle } from '../../src/rendering/bundle/verify.js';
import { getCertificatePem, loadSigner, type Signer } from '../../src/rendering/signing/certificates.js';
import { run, sectionPdf } from '../fixtures/assembly/fixtures.js';

let dir: string;
let signer: Signer;
let files: BundleFile[];
const manifest: BundleManifestInput = {
  documentId: '6f1c2b9e-3d4a-4e8b-9a51-0c7d2e1f4a66',
  type: 'customer-statement',
  subject: { type: 'customer', id: 'c-1024' },
  version: 2,
  templateVersions: { 'customer-statement': 'sha256:ab12cd34', letterhead: 'sha256:ef56' },
  createdAt: '2026-05-04T08:30:00.000Z',
  createdBy: 'wang.li 王丽',
};

/** Unpacks with Info-ZIP's unzip (not our reader) and returns the folder. */
async function unzip(zip: Buffer, name: string): Promise<string> {
  const target = join(dir, name);
  await mkdir(target);
  await writeFile(join(target, '..', `${name}.zip`), zip);
  await run('unzip', ['-q', join(dir, `${name}.zip`), '-d', target]);
  return target;
}

/** A ZIP with exactly these entries (to tamper with a bundle's contents while keeping its manifest and signature). */
async function zipOf(entries: [string, Buffer][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of entries) zip.addBuffer(bytes, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bundle-test-'));
  signer = await loadSigner({ storageDir: join(dir, 'storage'), organisation: '华东仪表有限公司' });
  files = [
    { name: 'statement-v2.pdf', bytes: await sectionPdf('STATEMENT', 2), contentType: 'application/pdf' },
    { name: '对账单-v2.docx', bytes: Buffer.from('PK fake docx bytes 对账单'), contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  ];
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildBundle', () => {
  let zip: Buffer;
  let folder: string;
  beforeAll(async () => {
    zip = await buildBundle({ files, manifest }, signer);
    folder = await unzip(zip, 'bundle');
  });

  it('holds the files, manifest.json and manifest.json.p7s', async () => {
    const listing = (await run('zipinfo', ['-1', join(dir, 'bundle.zip')])).stdout.trim().split('\n');
    expect(listing.sort()).toEqual(['manifest.json', 'manifest.json.p7s', 'statement-v2.pdf', '对账单-v2.docx'].sort());
    expect(await readFile(join(folder, 'statement-v2.pdf'))).toEqual(files[0]!.bytes);
  });

  it('writes a pretty UTF-8 manifest with the document fields and every file hash and size', async () => {
    const text = await readFile(join(folder, 'manifest.json'), 'utf8');
    expect(text).toContain('\n  "documentId": "6f1c2b9e-3d4a-4e8b-9a51-0c7d2e1f4a66",\n');
    const parsed = JSON.parse(text) as BundleManifest;
    expect(parsed).toMatchObject(manifest);
    for (const file of files) {
      const sha256 = (await run('sha256sum', [join(folder, file.name)])).stdout.split(' ')[0];
      expect(parsed.files).toContainEqual({ name: file.name, sha256, size: file.bytes.length, contentType: file.contentType });
    }
  });

  it('verifies with exactly the documented openssl command against the published certificate', async () => {
    await writeFile(join(folder, 'cert.pem'), getCertificatePem(signer));
    const { stderr } = await run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'manifest.json.p7s', '-content', 'manifest.json', '-CAfile', 'cert.pem', '-out', '/dev/null'], {
      cwd: folder,
    });
    expect(stderr).toContain('CMS Verification successful');
  });

  it('passes verifyBundle with our certificate', async () => {
    const verdict = await verifyBundle(zip, signer.certificatePem);
    expect(verdict).toMatchObject({ valid: true, manifest: { documentId: manifest.documentId, version: 2 } });
  });

  it('dates every entry at createdAt, not at the time of zipping', async () => {
    const listing = (await run('zipinfo', ['-T', '-l', join(dir, 'bundle.zip')])).stdout;
    expect(listing.match(/20260504\.083000/g)).toHaveLength(4);
  });
});

describe('verifyBundle refuses', () => {
  let entries: Map<string, Buffer>;
  beforeAll(async () => {
    const folder = await unzip(await buildBundle({ files, manifest }, signer), 'parts');
    entries = new Map();
    for (const name of ['manifest.json', 'manifest.json.p7s', ...files.map((f) => f.name)]) entries.set(name, await readFile(join(folder, name)));
  });
  const rezip = (change: (m: Map<string, Buffer>) => void) => {
    const copy = new Map(entries);
    change(copy);
    return zipOf([...copy]);
  };

  it('a file changed after signing', async () => {
    const zip = await rezip((m) => m.set('statement-v2.pdf', Buffer.concat([m.get('statement-v2.pdf')!, Buffer.from(' ')])));
    expect(await verifyBundle(zip, signer.certificatePem)).toMatchObject({ valid: false, reason: 'statement-v2.pdf differs from the manifest (size or SHA-256)' });
  });

  it('a missing file, and an extra one', async () => {
    expect(await verifyBundle(await rezip((m) => m.delete('对账单-v2.docx')), signer.certificatePem)).toMatchObject({ valid: false, reason: expect.stringContaining('missing') });
    expect(await verifyBundle(await rezip((m) => m.set('extra.txt', Buffer.from('x'))), signer.certificatePem)).toMatchObject({
      valid: false,
      reason: 'files not in the manifest: extra.txt',
    });
  });

  it('an edited manifest (its signature no longer matches)', async () => {
    const zip = await rezip((m) => m.set('manifest.json', Buffer.from(m.get('manifest.json')!.toString('utf8').replace('"version": 2', '"version": 3'))));
    expect(await verifyBundle(zip, signer.certificatePem)).toMatchObject({ valid: false, reason: 'manifest signature: the signed content was altered' });
  });

  it('a bundle signed by someone else, re-signed with a valid certificate that is not ours', async () => {
    const stranger = await loadSigner({ storageDir: join(dir, 'stranger') });
    const zip = await rezip((m) => m.delete('manifest.json.p7s'));
    expect(await verifyBundle(zip, signer.certificatePem)).toMatchObject({ valid: false, reason: 'the bundle has no manifest.json.p7s' });
    const forged = await buildBundle({ files, manifest }, stranger);
    expect(await verifyBundle(forged, signer.certificatePem)).toMatchObject({ valid: false, reason: expect.stringContaining('manifest signature') });
    // ...while it is valid for its own signer: the difference is the trust, not the format.
    expect(await verifyBundle(forged, stranger.certificatePem)).toMatchObject({ valid: true });
  });

  it('a ZIP bomb: stops at the entry that would inflate past the limit, before inflating it', async () => {
    const bomb = await rezip((m) => m.set('zeros.bin', Buffer.alloc(8 * 1024 * 1024)));
    expect(bomb.length).toBeLessThan(200 * 1024); // 8 MB of zeros deflate to a few KB
    const verdict = await verifyBundle(bomb, signer.certificatePem, { contentBytes: 4 * 1024 * 1024, entries: 100 });
    expect(verdict).toMatchObject({ valid: false, reason: expect.stringMatching(/not a readable ZIP bundle: more than 4194304 bytes once uncompressed/) });
    // Under a limit it fits, it is read (and refused only for not being in the manifest).
    expect(await verifyBundle(bomb, signer.certificatePem, { contentBytes: 64 * 1024 * 1024, entries: 100 })).toMatchObject({
      valid: false,
      reason: 'files not in the manifest: zeros.bin',
    });
  });

  it('too many entries, refused before any is read', async () => {
    const crowd = await rezip((m) => {
      for (let i = 0; i < 50; i++) m.set(`f${i}.txt`, Buffer.from('x'));
    });
    expect(await verifyBundle(crowd, signer.certificatePem, { contentBytes: 64 * 1024 * 1024, entries: 20 })).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/entries, more than the 20 a bundle may have/),
    });
  });

  it('something that is not a ZIP', async () => {
    const verdict = await verifyBundle(Buffer.from('%PDF-1.7 not a zip'), signer.certificatePem);
    expect(verdict.valid).toBe(false);
    expect(verdict.reason).toMatch(/not a readable ZIP/);
  });
});

describe('buildBundle refuses', () => {
  it.each(['../evil.pdf', 'a/b.pdf', 'manifest.json', ''])('a file named %j', async (name) => {
    await expect(buildBundle({ files: [{ name, bytes: Buffer.from('x'), contentType: 'text/plain' }], manifest }, signer)).rejects.toMatchObject({ code: 'BUNDLE_INVALID' });
  });

  it('two files with one name', async () => {
    const file = { name: 'a.pdf', bytes: Buffer.from('x'), contentType: 'application/pdf' };
    await expect(buildBundle({ files: [file, file], manifest }, signer)).rejects.toMatchObject({ code: 'BUNDLE_INVALID' });
  });
});
