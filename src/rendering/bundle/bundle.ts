import yazl from 'yazl';
import { AppException } from '../../common/errors/app-exception.js';
import { RenderingError } from '../rendering.errors.js';
import { sha256Hex } from '../../infrastructure/storage/object-storage.js';
import type { Signer } from '../signing/certificates.js';

export const MANIFEST_NAME = 'manifest.json';
export const MANIFEST_SIGNATURE_NAME = 'manifest.json.p7s';

export interface BundleFile {
  name: string;
  bytes: Buffer;
  contentType: string;
}

export interface BundleManifestInput {
  documentId: string;
  type: string;
  subject: { type: string; id: string | null };
  version: number;
  templateVersions: Record<string, string>;
  /** ISO 8601; also the ZIP entries' modification time, so that one manifest always gives the same entries. */
  createdAt: string;
  createdBy: string;
}

export interface BundleManifest extends BundleManifestInput {
  files: { name: string; sha256: string; size: number; contentType: string }[];
}

/**
 * A ZIP with the files, `manifest.json` (the given fields plus SHA-256, size and content type of every
 * file) and `manifest.json.p7s`, a detached DER CMS signature of manifest.json's exact bytes, so that
 * `openssl cms -verify -binary -inform DER -in manifest.json.p7s -content manifest.json -CAfile cert.pem` checks it.
 */
export async function buildBundle(
  input: { files: BundleFile[]; manifest: BundleManifestInput },
  signer: Signer,
): Promise<Buffer> {
  checkFileNames(input.files.map((f) => f.name));
  const mtime = new Date(input.manifest.createdAt);
  if (Number.isNaN(mtime.getTime()))
    throw AppException.unprocessable(RenderingError.BUNDLE_INVALID, 'manifest.createdAt is not a date', {
      createdAt: input.manifest.createdAt,
    });

  const manifest: BundleManifest = {
    ...input.manifest,
    files: input.files.map((f) => ({
      name: f.name,
      sha256: sha256Hex(f.bytes),
      size: f.bytes.length,
      contentType: f.contentType,
    })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  const signature = await signer.signCms(manifestBytes);

  const zip = new yazl.ZipFile();
  for (const file of input.files) zip.addBuffer(file.bytes, file.name, { mtime });
  zip.addBuffer(manifestBytes, MANIFEST_NAME, { mtime });
  zip.addBuffer(signature, MANIFEST_SIGNATURE_NAME, { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Flat, unique names that unzip anywhere without surprises, and never the manifest's own. */
function checkFileNames(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    const bad = !name || name === '.' || name === '..' || /[/\\\x00-\x1f]/.test(name) || name.length > 200;
    const reserved = name === MANIFEST_NAME || name === MANIFEST_SIGNATURE_NAME;
    if (bad || reserved || seen.has(name)) {
      throw AppException.unprocessable(
        RenderingError.BUNDLE_INVALID,
        `The bundle cannot hold a file named ${JSON.stringify(name)}`,
        { name },
      );
    }
    seen.add(name);
  }
}
