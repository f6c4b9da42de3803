import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../../config/app-config.js';
import { signDetachedCms, supportsKey } from './cms.js';
import { openssl, OpensslError, withPrivateTempDir } from './openssl.js';
import { addTimestamp } from './timestamp.js';

/**
 * The company's signing identity. Signatures are made by OpenSSL's CMS, never node-forge: forge
 * double-encodes non-ASCII names (forge#847), which breaks every Chinese company's certificate.
 */
export interface Signer {
  /** The signer's own certificate (PEM). */
  certificatePem: string;
  /** The rest of the chain from the PKCS#12 (PEM, possibly empty). */
  chainPem: string;
  /** The subject in readable UTF-8, e.g. `CN=华东仪表有限公司, O=华东仪表有限公司, C=CN`. */
  subject: string;
  /** True for the self-signed certificate generated when no SIGNING_P12 is configured. */
  isDevelopment: boolean;
  /** The RFC 3161 timestamp authority signCms asks, if any (TSA_URL). */
  tsaUrl: string | undefined;
  /**
   * A detached CMS SignedData (DER) over `data`: binary (no MIME canonicalisation), SHA-256, signed
   * attributes incl. signing-certificate-v2 (CAdES-BES, required by PAdES ETSI.CAdES.detached), the
   * certificate chain, and an RFC 3161 timestamp token as unsigned attribute when a TSA is configured.
   */
  signCms(data: Buffer): Promise<Buffer>;
}

export interface SignerSource {
  /** A PKCS#12 file with the key and certificate chain (SIGNING_P12). Unset, like p12Data -> development certificate. */
  p12Path?: string;
  /** The PKCS#12 itself (SIGNING_P12_BASE64, decoded), instead of a file. */
  p12Data?: Buffer;
  p12Password?: string;
  /** The development certificate lives under `<storageDir>/signing/development`. */
  storageDir: string;
  /** O= of a generated development certificate. */
  organisation?: string;
  /** RFC 3161 timestamp authority (TSA_URL). */
  tsaUrl?: string;
  /** The CA its replies are verified against (TSA_CA_FILE, PEM); required with tsaUrl. */
  tsaCaFile?: string;
}

export function signerSourceFromConfig(config: AppConfig, organisation?: string): SignerSource {
  return {
    p12Path: config.signing.p12Path,
    p12Data: config.signing.p12Data,
    p12Password: config.signing.p12Password,
    tsaUrl: config.signing.tsaUrl,
    tsaCaFile: config.signing.tsaCaFile,
    storageDir: config.storageDir,
    organisation,
  };
}

/** Loads the configured PKCS#12, or the development certificate (generated on first use). */
export async function loadSigner(source: SignerSource): Promise<Signer> {
  const p12 = source.p12Data
    ? { bytes: source.p12Data, origin: 'SIGNING_P12_BASE64' }
    : source.p12Path
      ? { bytes: await readFile(source.p12Path), origin: `SIGNING_P12 (${source.p12Path})` }
      : undefined;
  const material = p12
    ? { ...(await readPkcs12(p12.bytes, p12.origin, source.p12Password ?? '')), isDevelopment: false }
    : {
        ...(await developmentCertificate(source.storageDir, source.organisation ?? 'Tenderdesk')),
        chainPem: '',
        isDevelopment: true,
      };
  const subject = await subjectOf(material.certificatePem);
  const { keyPem, certificatePem, chainPem } = material;
  // A PKCS#12 exported from the development certificate is still the development certificate.
  const isDevelopment = material.isDevelopment || isDevelopmentSubject(subject);
  const tsaUrl = source.tsaUrl;
  if (tsaUrl && !source.tsaCaFile) throw new Error('TSA_URL needs TSA_CA_FILE: timestamp replies are verified against it');
  const tsa = tsaUrl ? { url: tsaUrl, caFile: source.tsaCaFile! } : undefined;
  const privateKey = createPrivateKey(keyPem);
  const inProcess = supportsKey(privateKey);
  const certificate = new X509Certificate(certificatePem).raw;
  const chain = pemCertificates(chainPem).map((pem) => new X509Certificate(pem).raw);
  return {
    certificatePem,
    chainPem,
    subject,
    isDevelopment,
    tsaUrl,
    signCms: async (data) => {
      // In this process for RSA and EC keys; other kinds (e.g. SM2 from a Chinese CA) through the openssl CLI.
      const cms = inProcess
        ? signDetachedCms({ data, privateKey, certificate, chain })
        : await signDetached(data, keyPem, certificatePem, chainPem);
      return tsa ? addTimestamp(cms, tsa) : cms;
    },
  };
}

const DEVELOPMENT_CN = 'Tenderdesk DEVELOPMENT certificate - not for production';

/** How the development certificate is recognised, also inside a PKCS#12: its CN (see developmentCertificate). */
export function isDevelopmentSubject(subject: string): boolean {
  return subject.includes(`CN=${DEVELOPMENT_CN}`);
}

/** What `GET /api/signing/certificate` serves: the signer's certificate followed by its chain. */
export function getCertificatePem(signer: Signer): string {
  return signer.certificatePem + signer.chainPem;
}

/** The PEM certificates in a text, in order. */
export function pemCertificates(text: string): string[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((c) => c + '\n');
}

async function signDetached(data: Buffer, keyPem: string, certificatePem: string, chainPem: string): Promise<Buffer> {
  return withPrivateTempDir(async (dir) => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const chain = join(dir, 'chain.pem');
    await writeFile(key, keyPem, { mode: 0o600 });
    await writeFile(cert, certificatePem);
    if (chainPem) await writeFile(chain, chainPem);
    return openssl(
      [
        'cms',
        '-sign',
        '-binary',
        '-md',
        'sha256',
        '-outform',
        'DER',
        // smimeCapabilities mean nothing in a PDF; -cades adds signing-certificate-v2 (PAdES baseline).
        '-nosmimecap',
        '-cades',
        '-signer',
        cert,
        '-inkey',
        key,
        ...(chainPem ? ['-certfile', chain] : []),
      ],
      { input: data },
    );
  });
}

async function readPkcs12(
  p12: Buffer,
  origin: string,
  password: string,
): Promise<{ keyPem: string; certificatePem: string; chainPem: string }> {
  // Read once, then let openssl parse from stdin: one read of the file, the password only in the environment.
  let legacy = false;
  const run = (selection: string[]) =>
    openssl(['pkcs12', '-passin', 'env:TD_P12_PASSWORD', '-nodes', ...selection, ...(legacy ? ['-legacy'] : [])], {
      input: p12,
      env: { TD_P12_PASSWORD: password },
    }).then((out) => out.toString('utf8'));
  const extract = async (selection: string[]) => {
    try {
      return await run(selection);
    } catch (error) {
      // OpenSSL 3 refuses RC2/3DES-protected (older) PKCS#12 files unless the legacy provider is loaded.
      if (!legacy) {
        legacy = true;
        const retried = await run(selection).catch(() => undefined);
        if (retried !== undefined) return retried;
      }
      const detail = error instanceof OpensslError ? error.stderr.trim().split('\n')[0] : String(error);
      throw new Error(`${origin} could not be read: wrong SIGNING_P12_PASSWORD or not a PKCS#12 file (${detail})`);
    }
  };
  const keyText = await extract(['-nocerts']);
  const keyPem = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
    keyText,
  )?.[0];
  const [certificatePem] = pemCertificates(await extract(['-nokeys', '-clcerts']));
  if (!keyPem || !certificatePem) throw new Error(`${origin} holds no private key with its certificate`);
  const chainPem = pemCertificates(await extract(['-nokeys', '-cacerts'])).join('');
  return { keyPem: keyPem + '\n', certificatePem, chainPem };
}

/**
 * The self-signed certificate used when no SIGNING_P12 is configured, made once and kept under
 * `<storageDir>/signing/development` (key 0600). Its subject says plainly that it is not for production.
 * keyUsage digitalSignature+nonRepudiation with extendedKeyUsage emailProtection is what both pdfsig (NSS,
 * "email signer" usage) and `openssl cms -verify -CAfile cert.pem` (S/MIME signing purpose) accept.
 */
async function developmentCertificate(
  storageDir: string,
  organisation: string,
): Promise<{ keyPem: string; certificatePem: string }> {
  const dir = join(storageDir, 'signing', 'development');
  const read = async () => ({
    keyPem: await readFile(join(dir, 'key.pem'), 'utf8'),
    certificatePem: await readFile(join(dir, 'certificate.pem'), 'utf8'),
  });
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(join(storageDir, 'signing'), { recursive: true, mode: 0o700 });
  // Generate in a sibling folder and rename it into place: if the API and a worker start together, one
  // rename wins and the other process reads the winner's pair (never a key from one and a cert from the other).
  // mkdtemp: a unique name (0700) also for two loads in one process in the same millisecond.
  const staging = await mkdtemp(`${dir}.staging-`);
  try {
    const escape = (value: string) => value.replace(/[\\/+=]/g, (c) => `\\${c}`);
    await openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:3072',
      '-nodes',
      '-days',
      '3650',
      '-utf8',
      '-keyout',
      join(staging, 'key.pem'),
      '-out',
      join(staging, 'certificate.pem'),
      '-subj',
      `/CN=${DEVELOPMENT_CN}/O=${escape(organisation)}`,
      // An empty config: only the extensions below, not the distribution's v3_ca defaults.
      '-config',
      await writeMinimalConfig(staging),
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature,nonRepudiation',
      '-addext',
      'extendedKeyUsage=emailProtection',
    ]);
    await chmod(join(staging, 'key.pem'), 0o600);
    await rm(join(staging, 'openssl.cnf'));
    try {
      await rename(staging, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return read();
}

async function writeMinimalConfig(dir: string): Promise<string> {
  const path = join(dir, 'openssl.cnf');
  await writeFile(path, '[req]\ndistinguished_name = dn\n[dn]\n');
  return path;
}

async function subjectOf(certificatePem: string): Promise<string> {
  const out = await openssl(['x509', '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space'], {
    input: Buffer.from(certificatePem),
  });
  return out
    .toString('utf8')
    .trim()
    .replace(/^subject=\s*/, '');
}
