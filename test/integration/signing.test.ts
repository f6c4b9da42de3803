import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { verifyPdfSignature } from '../../src/rendering/bundle/verify.js';
import { getCertificatePem, loadSigner, type Signer } from '../../src/rendering/signing/certificates.js';
import { children, readNode } from '../../src/rendering/signing/der.js';
import { signPdf } from '../../src/rendering/signing/pdf-signer.js';
import { run, scanJpeg, sealPng, sectionPdf } from '../fixtures/assembly/fixtures.js';

const COMPANY = '华东仪表有限公司';
let dir: string;

/** `pdfsig` prints its report and exits non-zero for an invalid signature: keep the report either way. */
async function pdfsig(pdf: Buffer): Promise<string> {
  const file = join(dir, `pdfsig-${Date.now()}-${Math.random()}.pdf`);
  await writeFile(file, pdf);
  try {
    return (await run('pdfsig', [file])).stdout;
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

async function qpdfCheck(pdf: Buffer): Promise<string> {
  const file = join(dir, `qpdf-${Date.now()}.pdf`);
  await writeFile(file, pdf);
  return (await run('qpdf', ['--check', file])).stdout;
}

/** A PKCS#12 for a Chinese company, like the ones Chinese CAs issue; `issuer` makes a CA-issued one with its chain. */
async function makeP12(name: string, options: { legacy?: boolean; issuer?: { cert: string; key: string } } = {}): Promise<{ p12: string; cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  const p12 = join(dir, `${name}.p12`);
  const subject = `/CN=${COMPANY}/O=${COMPANY}/C=CN`;
  if (options.issuer) {
    const csr = join(dir, `${name}.csr`);
    const ext = join(dir, `${name}.ext`);
    await writeFile(ext, 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n');
    await run('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-utf8', '-subj', subject]);
    await run('openssl', ['x509', '-req', '-in', csr, '-CA', options.issuer.cert, '-CAkey', options.issuer.key, '-CAcreateserial', '-days', '30', '-out', cert, '-extfile', ext]);
  } else {
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-utf8', '-subj', subject, '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation']);
  }
  await run('openssl', [
    'pkcs12', '-export', '-inkey', key, '-in', cert, '-out', p12, '-passout', 'pass:s3cret 口令',
    ...(options.issuer ? ['-certfile', options.issuer.cert] : []),
    ...(options.legacy ? ['-legacy'] : []),
  ]);
  return { p12, cert, key };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signing-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('signing with the company PKCS#12', () => {
  let signer: Signer;
  let cert: string;
  beforeAll(async () => {
    const made = await makeP12('company');
    cert = made.cert;
    signer = await loadSigner({ p12Path: made.p12, p12Password: 's3cret 口令', storageDir: dir });
  });

  it('reads the Chinese subject back from the certificate', () => {
    expect(signer.subject).toBe(`CN=${COMPANY}, O=${COMPANY}, C=CN`);
    expect(signer.isDevelopment).toBe(false);
    expect(signer.chainPem).toBe('');
  });

  it('makes a PAdES signature pdfsig reports valid over the total document, with the Chinese signer name', async () => {
    const signed = await signPdf(await sectionPdf('CONTRACT', 3), signer, { reason: '合同签章 (正式)', location: '上海市浦东新区' });
    const report = await pdfsig(signed);
    expect(report).toContain('Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain(`Signer Certificate Common Name: ${COMPANY}`);
    expect(await qpdfCheck(signed)).toContain('No syntax or stream encoding errors');

    // Reason and Location are UTF-16BE text strings that read back in Chinese (qpdf prints them decoded, "u:").
    const file = join(dir, 'reason.pdf');
    await writeFile(file, signed);
    const json = (await run('qpdf', ['--json', file], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    expect(json).toContain('"/Reason": "u:合同签章 (正式)"');
    expect(json).toContain('"/Location": "u:上海市浦东新区"');
  });

  it('appends the signature to a PDF with a classic cross-reference table (as Chromium writes one), leaving its bytes as they were', async () => {
    const doc = await PDFDocument.create();
    for (let i = 0; i < 3; i++) doc.addPage([595.28, 841.89]);
    // A link on page 1: the signature's widget joins its /Annots array.
    const link = doc.context.register(doc.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [72, 700, 200, 720], Border: [0, 0, 0] }));
    doc.getPage(0).node.set(PDFName.of('Annots'), doc.context.obj([link]));
    const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
    expect(pdf.toString('latin1')).toContain('\nxref\n');

    const signed = await signPdf(pdf, signer, { reason: '合同签章 (正式)', location: '上海市浦东新区' });
    expect(signed.subarray(0, pdf.length).equals(pdf)).toBe(true); // an incremental update: nothing rewritten
    const report = await pdfsig(signed);
    expect(report).toContain('Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(report).toContain(`Signer Certificate Common Name: ${COMPANY}`);
    expect(await qpdfCheck(signed)).toContain('No syntax or stream encoding errors');
    expect(await verifyPdfSignature(signed, await readFile(cert, 'utf8'))).toMatchObject({ valid: true, signedRangeCoversWholeFile: true });

    const file = join(dir, 'incremental.pdf');
    await writeFile(file, signed);
    const json = (await run('qpdf', ['--json', file], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    expect(json).toContain('"/Reason": "u:合同签章 (正式)"');
    const reread = await PDFDocument.load(signed);
    expect(reread.getPageCount()).toBe(3);
    expect(reread.getPage(0).node.lookup(PDFName.of('Annots'), PDFArray).size()).toBe(2);
    expect(reread.catalog.lookup(PDFName.of('AcroForm'), PDFDict).get(PDFName.of('SigFlags'))?.toString()).toBe('3');
  });

  it('signs the same way twice with one signer (no single-use state)', async () => {
    const pdf = await sectionPdf('TWICE', 1);
    for (const signed of [await signPdf(pdf, signer), await signPdf(pdf, signer)]) expect(await pdfsig(signed)).toContain('Signature is Valid.');
  });

  it('reports a byte flipped after signing as invalid (pdfsig and verifyPdfSignature)', async () => {
    const signed = await signPdf(await sectionPdf('FLIP', 2), signer);
    expect(await verifyPdfSignature(signed, await readFile(cert, 'utf8'))).toMatchObject({ valid: true, signedRangeCoversWholeFile: true });

    const tampered = Buffer.from(signed);
    // Flip a bit inside the first stream's data: the file still parses, only its content changed.
    tampered[tampered.indexOf('stream\n') + 10] ^= 0x01;
    const report = await pdfsig(tampered);
    expect(report).not.toContain('Signature is Valid.');
    expect(report).toMatch(/Signature is Invalid|Digest Mismatch/i);
    const verdict = await verifyPdfSignature(tampered, await readFile(cert, 'utf8'));
    expect(verdict.valid).toBe(false);
    expect(verdict.reason).toMatch(/altered|does not verify/);
  });

  it('refuses a PDF with bytes appended after signing, and one signed by another certificate', async () => {
    const signed = await signPdf(await sectionPdf('APPEND', 1), signer);
    const appended = await verifyPdfSignature(Buffer.concat([signed, Buffer.from('\n% appended\n')]), await readFile(cert, 'utf8'));
    expect(appended).toMatchObject({ valid: false, signedRangeCoversWholeFile: false });

    const other = await makeP12('other');
    const stranger = await verifyPdfSignature(signed, await readFile(other.cert, 'utf8'));
    expect(stranger).toMatchObject({ valid: false, signedRangeCoversWholeFile: true });
    expect(await verifyPdfSignature(await sectionPdf('UNSIGNED', 1), await readFile(cert, 'utf8'))).toMatchObject({ valid: false, reason: 'the PDF is not signed' });
  });

  it('draws the seal as the visible signature', async () => {
    const signed = await signPdf(await sectionPdf('SEALED', 2), signer, { visible: { png: sealPng(120), page: 2, x: 400, y: 80, width: 100 } });
    expect(await pdfsig(signed)).toContain('Signature is Valid.');
    // Rasterise page 2 at 72 dpi (1 px per point): the ring is red, its centre shows the white page through the PNG's transparency.
    const file = join(dir, 'sealed.pdf');
    await writeFile(file, signed);
    const ppm = (await run('pdftoppm', ['-f', '2', '-l', '2', '-r', '72', file], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })).stdout;
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString('latin1'))!;
    const [bodyStart, width, height] = [header[0].length, Number(header[1]), Number(header[2])];
    const pixel = (x: number, y: number) => [...ppm.subarray(bodyStart + (y * width + x) * 3, bodyStart + (y * width + x) * 3 + 3)];
    const centre = { x: 450, y: height - 130 };
    const [r, g, b] = pixel(centre.x + 44, centre.y);
    expect(r).toBeGreaterThan(180);
    expect(g! + b!).toBeLessThan(150);
    expect(pixel(centre.x, centre.y)).toEqual([255, 255, 255]);
  });

  it('refuses a visible signature on a page the document does not have', async () => {
    await expect(signPdf(await sectionPdf('SHORT', 1), signer, { visible: { png: sealPng(), page: 3, x: 0, y: 0, width: 50 } })).rejects.toMatchObject({
      code: 'SIGNATURE_PAGE_INVALID',
    });
  });

  it('signs a 2 MB PDF quickly', async () => {
    const doc = await PDFDocument.create();
    const scan = new Uint8Array(scanJpeg()); // a copy: pdf-lib's JPEG reader ignores a Buffer's byteOffset (Node 24 pools readFileSync)
    while (doc.getPageCount() < 105) doc.addPage().drawImage(await doc.embedJpg(scan), { x: 20, y: 20, width: 500, height: 700 });
    const pdf = Buffer.from(await doc.save());
    expect(pdf.length).toBeGreaterThan(2_000_000);
    const started = performance.now();
    const signed = await signPdf(pdf, signer);
    const ms = performance.now() - started;
    console.log(`signPdf: ${(pdf.length / 1e6).toFixed(2)} MB, ${doc.getPageCount()} pages in ${ms.toFixed(0)} ms`);
    expect(await pdfsig(signed)).toContain('Total document signed');
    expect(ms).toBeLessThan(5000);
  });
});

describe('PKCS#12 loading', () => {
  it('loads an old-style (RC2/3DES, OpenSSL 1.x) PKCS#12 with its CA chain', async () => {
    const caKey = join(dir, 'ca.key');
    const caCert = join(dir, 'ca.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '30', '-utf8', '-subj', '/CN=测试根证书/O=测试CA/C=CN']);
    const made = await makeP12('legacy', { legacy: true, issuer: { cert: caCert, key: caKey } });
    const signer = await loadSigner({ p12Path: made.p12, p12Password: 's3cret 口令', storageDir: dir });
    expect(signer.subject).toContain(COMPANY);
    expect(signer.chainPem).toContain('BEGIN CERTIFICATE');

    const signed = await signPdf(await sectionPdf('CHAIN', 1), signer);
    expect(await pdfsig(signed)).toContain('Signature is Valid.');
    // The published PEM (certificate + chain) is enough to verify, with the leaf pinned.
    expect(await verifyPdfSignature(signed, getCertificatePem(signer))).toMatchObject({ valid: true });
    // The CA alone is not "ours": another certificate from the same CA must not pass.
    expect(await verifyPdfSignature(signed, await readFile(caCert, 'utf8'))).toMatchObject({ valid: false });
  });

  it('loads the same PKCS#12 from its bytes (SIGNING_P12_BASE64) as from the file', async () => {
    const made = await makeP12('inline');
    const bytes = await readFile(made.p12);
    const fromFile = await loadSigner({ p12Path: made.p12, p12Password: 's3cret 口令', storageDir: dir });
    const fromBytes = await loadSigner({ p12Data: bytes, p12Password: 's3cret 口令', storageDir: join(dir, 'unused') });
    expect(fromBytes.isDevelopment).toBe(false);
    expect(fromBytes.certificatePem).toBe(fromFile.certificatePem);
    const signed = await signPdf(await sectionPdf('INLINE', 1), fromBytes);
    expect(await verifyPdfSignature(signed, getCertificatePem(fromFile))).toMatchObject({ valid: true });
    await expect(loadSigner({ p12Data: bytes, p12Password: 'nope', storageDir: dir })).rejects.toThrow(
      /SIGNING_P12_BASE64 could not be read: wrong SIGNING_P12_PASSWORD/,
    );
  });

  it('refuses a wrong password with a message naming the setting', async () => {
    const made = await makeP12('wrongpass');
    await expect(loadSigner({ p12Path: made.p12, p12Password: 'nope', storageDir: dir })).rejects.toThrow(/SIGNING_P12_PASSWORD/);
  });
});

describe('the development certificate', () => {
  it('is generated once under <storageDir>/signing, labelled as such, with a private key', async () => {
    const storageDir = join(dir, 'storage');
    const [first, second] = await Promise.all([loadSigner({ storageDir, organisation: COMPANY }), loadSigner({ storageDir, organisation: COMPANY })]);
    const third = await loadSigner({ storageDir });
    expect(first.isDevelopment).toBe(true);
    expect(first.subject).toBe(`CN=Tenderdesk DEVELOPMENT certificate - not for production, O=${COMPANY}`);
    expect(second.certificatePem).toBe(first.certificatePem);
    expect(third.certificatePem).toBe(first.certificatePem);
    expect((await stat(join(storageDir, 'signing', 'development', 'key.pem'))).mode & 0o777).toBe(0o600);
    expect(getCertificatePem(first)).toBe(first.certificatePem);
    expect(await pdfsig(await signPdf(await sectionPdf('DEV', 1), first))).toContain('Signature is Valid.');
  });
});

describe('RFC 3161 timestamps', () => {
  let tsa: Server;
  let tsaUrl: string;
  let tsaCert: string;
  let hits = 0;

  beforeAll(async () => {
    // A real TSA on loopback: `openssl ts -reply` with a timeStamping certificate.
    const tsaDir = await mkdtemp(join(dir, 'tsa-'));
    tsaCert = join(tsaDir, 'tsa.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(tsaDir, 'tsa.key'), '-out', tsaCert, '-days', '30',
      '-subj', '/CN=Test TSA', '-addext', 'extendedKeyUsage=critical,timeStamping', '-addext', 'keyUsage=critical,digitalSignature',
    ]);
    await writeFile(join(tsaDir, 'serial'), '01\n');
    await writeFile(
      join(tsaDir, 'ts.cnf'),
      [
        '[tsa]', 'default_tsa = t', '[t]', `serial = ${tsaDir}/serial`, `signer_cert = ${tsaCert}`, `signer_key = ${tsaDir}/tsa.key`,
        'signer_digest = sha256', 'default_policy = 1.2.3.4.1', 'digests = sha256', 'accuracy = secs:1', 'ess_cert_id_alg = sha256', '',
      ].join('\n'),
    );
    tsa = createServer((req, res) => {
      hits++;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const query = join(tsaDir, `q-${hits}.tsq`);
        const reply = join(tsaDir, `r-${hits}.tsr`);
        void writeFile(query, Buffer.concat(chunks))
          .then(() => run('openssl', ['ts', '-reply', '-config', join(tsaDir, 'ts.cnf'), '-queryfile', query, '-out', reply]))
          .then(() => readFile(reply))
          .then((body) => res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(body))
          .catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((resolve) => tsa.listen(0, '127.0.0.1', resolve));
    tsaUrl = `http://127.0.0.1:${(tsa.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => tsa.close(resolve));
  });

  it('adds a timestamp token over the signature value; pdfsig still reports the signature valid', async () => {
    const signer = await loadSigner({ storageDir: join(dir, 'storage-tsa'), tsaUrl, tsaCaFile: tsaCert });
    const signed = await signPdf(await sectionPdf('STAMPED', 1), signer);
    expect(hits).toBe(1);
    expect(await pdfsig(signed)).toContain('Signature is Valid.');
    expect(await verifyPdfSignature(signed, signer.certificatePem)).toMatchObject({ valid: true });

    // Take the CMS out of /Contents and the token out of its unsigned attributes; the TSA's token must verify
    // with `openssl ts -verify` against the SHA-256 of the signature value.
    const text = signed.toString('latin1');
    const [, hex] = /\/Contents\s*<([0-9a-fA-F]+)>/.exec(text)!;
    let cms = Buffer.from(hex!, 'hex');
    cms = cms.subarray(0, readNode(cms).end);
    const signedData = children(cms, children(cms, readNode(cms))[1]!)[0]!;
    const signerInfo = children(cms, children(cms, signedData).at(-1)!)[0]!;
    const fields = children(cms, signerInfo);
    const signature = fields.find((n) => n.tag === 0x04)!;
    const unsigned = fields.find((n) => n.tag === 0xa1)!;
    const attribute = children(cms, unsigned)[0]!;
    const token = children(cms, children(cms, attribute)[1]!)[0]!;
    const tokenFile = join(dir, 'token.der');
    await writeFile(tokenFile, cms.subarray(token.start, token.end));
    const digest = createHash('sha256').update(cms.subarray(signature.contentStart, signature.end)).digest('hex');
    const verified = await run('openssl', ['ts', '-verify', '-digest', digest, '-in', tokenFile, '-token_in', '-CAfile', tsaCert]);
    expect(verified.stdout).toContain('Verification: OK');
    const printed = await run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', await writeTemp('cms.der', cms)]);
    expect(printed.stdout).toContain('id-smime-aa-timeStampToken');
  });

  it('fails with TIMESTAMP_FAILED, not an unstamped signature, when the TSA does not answer', async () => {
    const signer = await loadSigner({ storageDir: join(dir, 'storage-tsa'), tsaUrl: 'http://127.0.0.1:9/', tsaCaFile: tsaCert });
    await expect(signPdf(await sectionPdf('NOTSA', 1), signer)).rejects.toMatchObject({ code: 'TIMESTAMP_FAILED' });
  });
});

async function writeTemp(name: string, bytes: Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}
