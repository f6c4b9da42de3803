import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { pemCertificates } from '../signing/certificates.js';
import { readNode } from '../signing/der.js';
import { openssl, OpensslError, withPrivateTempDir } from '../signing/openssl.js';
import { sha256Hex } from '../../infrastructure/storage/object-storage.js';
import { MANIFEST_NAME, MANIFEST_SIGNATURE_NAME, type BundleManifest } from './bundle.js';

export interface BundleVerification {
  valid: boolean;
  reason?: string;
  /** The manifest when the bundle could be read (also when invalid, to say which document it claims to be). */
  manifest?: BundleManifest;
}

export interface PdfSignatureVerification {
  valid: boolean;
  reason?: string;
  /** The signature's /ByteRange covers every byte of the file but its own /Contents (nothing appended or left out). */
  signedRangeCoversWholeFile: boolean;
  /** SHA-256 of the whole file, for finding the document record it claims to be. */
  contentSha256?: string;
}

/**
 * What reading a bundle may cost, whoever sent it: its entries' total uncompressed size (as declared, and yauzl
 * checks every entry against its declaration while inflating) and their number. A ZIP bomb stops at the first
 * entry past the limit, before it is inflated. Only manifest.json and its signature are kept in memory (at most
 * MAX_MANIFEST_BYTES each); every other entry is hashed as it streams.
 */
export interface BundleLimits {
  contentBytes: number;
  entries: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { contentBytes: 200 * 1024 * 1024, entries: 1000 };
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** An entry as read: its size and SHA-256, and its bytes for the manifest and its signature. */
interface ZipEntry {
  size: number;
  sha256: string;
  bytes?: Buffer;
}

/**
 * A bundle is valid when manifest.json.p7s is a valid signature of manifest.json by a certificate in
 * `trustPem` (ours), and the files are exactly those the manifest lists, with its sizes and SHA-256.
 */
export async function verifyBundle(zip: Buffer, trustPem: string, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS): Promise<BundleVerification> {
  let entries: Map<string, ZipEntry>;
  try {
    entries = await readZip(zip, limits);
  } catch (error) {
    return { valid: false, reason: `not a readable ZIP bundle: ${error instanceof Error ? error.message : String(error)}` };
  }
  const manifestBytes = entries.get(MANIFEST_NAME)?.bytes;
  const signature = entries.get(MANIFEST_SIGNATURE_NAME)?.bytes;
  if (!manifestBytes || !signature) return { valid: false, reason: `the bundle has no ${manifestBytes ? MANIFEST_SIGNATURE_NAME : MANIFEST_NAME}` };

  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as BundleManifest;
    if (!Array.isArray(manifest.files)) throw new Error('no files list');
  } catch (error) {
    return { valid: false, reason: `manifest.json is not a manifest: ${error instanceof Error ? error.message : String(error)}` };
  }

  const signed = await verifyDetachedCms(manifestBytes, signature, trustPem);
  if (!signed.valid) return { valid: false, reason: `manifest signature: ${signed.reason}`, manifest };

  const listed = new Set<string>();
  for (const file of manifest.files) {
    listed.add(file.name);
    const entry = entries.get(file.name);
    if (!entry) return { valid: false, reason: `${file.name} is listed in the manifest but missing`, manifest };
    if (entry.size !== file.size || entry.sha256 !== file.sha256) {
      return { valid: false, reason: `${file.name} differs from the manifest (size or SHA-256)`, manifest };
    }
  }
  const extra = [...entries.keys()].filter((name) => !listed.has(name) && name !== MANIFEST_NAME && name !== MANIFEST_SIGNATURE_NAME);
  if (extra.length) return { valid: false, reason: `files not in the manifest: ${extra.join(', ')}`, manifest };
  return { valid: true, manifest };
}

/**
 * Checks a PDF's (last) signature: its /ByteRange must cover the whole file except the /Contents hex string,
 * and the CMS in /Contents must verify over those bytes with a certificate in `trustPem`.
 */
export async function verifyPdfSignature(pdf: Buffer, trustPem: string): Promise<PdfSignatureVerification> {
  const contentSha256 = sha256Hex(pdf);
  const text = pdf.toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges.at(-1);
  if (!last) return { valid: false, reason: 'the PDF is not signed', signedRangeCoversWholeFile: false, contentSha256 };

  const [a, b, c, d] = last.slice(1, 5).map(Number) as [number, number, number, number];
  const gap = text.slice(b, c);
  const coversWholeFile =
    a === 0 && b < c && c + d === pdf.length && /^<[0-9a-fA-F]+>$/.test(gap) && /\/Contents\s*$/.test(text.slice(Math.max(0, b - 32), b));
  if (!coversWholeFile) {
    return { valid: false, reason: 'the signature does not cover the whole file (changed or appended after signing)', signedRangeCoversWholeFile: false, contentSha256 };
  }

  let cms = Buffer.from(gap.slice(1, -1), 'hex');
  try {
    cms = cms.subarray(0, readNode(cms).end); // drop the placeholder's zero padding
  } catch {
    return { valid: false, reason: 'the signature is not a CMS structure', signedRangeCoversWholeFile: true, contentSha256 };
  }
  const signed = await verifyDetachedCms(Buffer.concat([pdf.subarray(0, b), pdf.subarray(c)]), cms, trustPem);
  return signed.valid
    ? { valid: true, signedRangeCoversWholeFile: true, contentSha256 }
    : { valid: false, reason: signed.reason, signedRangeCoversWholeFile: true, contentSha256 };
}

/**
 * `openssl cms -verify` of a detached DER signature, then pinning: the signer's certificate must itself be
 * one of `trustPem`'s, so a certificate merely issued by the same CA does not pass as ours.
 * -partial_chain lets a trusted leaf or intermediate anchor the chain (a company certificate's root need not
 * be in `trustPem`); -purpose any because the pin, not the certificate's extendedKeyUsage, decides whose it
 * is; -no_check_time because a document signed before the certificate expired stays ours and unaltered.
 */
export async function verifyDetachedCms(content: Buffer, cms: Buffer, trustPem: string): Promise<{ valid: boolean; reason?: string }> {
  const trusted = pemCertificates(trustPem).map(pemBody);
  if (!trusted.length) return { valid: false, reason: 'no trusted certificate given' };
  return withPrivateTempDir(async (dir) => {
    const file = (name: string) => join(dir, name);
    await Promise.all([writeFile(file('content'), content), writeFile(file('sig.der'), cms), writeFile(file('trust.pem'), trustPem)]);
    try {
      await openssl([
        'cms', '-verify', '-binary', '-inform', 'DER', '-in', file('sig.der'), '-content', file('content'),
        '-CAfile', file('trust.pem'), '-partial_chain', '-purpose', 'any', '-no_check_time',
        '-signer', file('signer.pem'), '-out', file('verified'),
      ]);
    } catch (error) {
      return { valid: false, reason: failureReason(error instanceof OpensslError ? error.stderr : String(error)) };
    }
    const signers = pemCertificates(await readFile(file('signer.pem'), 'utf8')).map(pemBody);
    return signers.every((s) => trusted.includes(s)) ? { valid: true } : { valid: false, reason: 'signed by a certificate that is not ours' };
  });
}

/** OpenSSL's error lines, as a reason a person can act on. */
function failureReason(stderr: string): string {
  if (/content verify error|digest failure/i.test(stderr)) return 'the signed content was altered';
  if (/certificate verify error/i.test(stderr)) return 'signed by a certificate that is not ours';
  return 'the signature does not verify';
}

function pemBody(pem: string): string {
  return pem.replace(/-----[^-]+-----|\s/g, '');
}

async function readZip(zip: Buffer, limits: BundleLimits): Promise<Map<string, ZipEntry>> {
  const zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true });
  if (zipfile.entryCount > limits.entries) {
    zipfile.close();
    throw new Error(`${zipfile.entryCount} entries, more than the ${limits.entries} a bundle may have`);
  }
  const entries = new Map<string, ZipEntry>();
  let total = 0;
  try {
    for await (const entry of zipfile.eachEntry()) {
      if (entries.has(entry.fileName)) throw new Error(`${entry.fileName} appears twice`);
      total += entry.uncompressedSize;
      if (total > limits.contentBytes) throw new Error(`more than ${limits.contentBytes} bytes once uncompressed`);
      const keep = entry.fileName === MANIFEST_NAME || entry.fileName === MANIFEST_SIGNATURE_NAME;
      if (keep && entry.uncompressedSize > MAX_MANIFEST_BYTES) throw new Error(`${entry.fileName} is too large`);
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of await zipfile.openReadStreamPromise(entry)) {
        const bytes = chunk as Buffer;
        size += bytes.length;
        hash.update(bytes);
        if (keep) chunks.push(bytes);
      }
      entries.set(entry.fileName, { size, sha256: hash.digest('hex'), ...(keep ? { bytes: Buffer.concat(chunks) } : {}) });
    }
  } finally {
    zipfile.close();
  }
  return entries;
}
