import { createHash, sign, type KeyObject } from 'node:crypto';
import { children, encode, oid, readNode, TAG } from './der.js';

/**
 * A detached CMS SignedData (RFC 5652) made in this process: what `openssl cms -sign -binary -md sha256 -nosmimecap
 * -cades` writes, attribute for attribute, without a process and temporary key files per signature (that spawn was a
 * tenth of a statement's CPU in a statement run, docs/benchmarks.md).
 *
 * The certificates go in as their DER bytes and the signer's issuer name is copied from its certificate byte for byte,
 * never decoded and re-encoded: that is what breaks non-ASCII (Chinese) names in node-forge (forge#847).
 *
 * RSA (PKCS#1 v1.5) and ECDSA keys; `supportsKey` says whether a key is one of them.
 */
export interface CmsSignInput {
  /** The signed bytes (for a PDF: its two byte ranges). */
  data: Buffer;
  privateKey: KeyObject;
  /** The signer's certificate, DER. */
  certificate: Buffer;
  /** The rest of the chain, DER, in order. */
  chain: Buffer[];
  signingTime?: Date;
}

const OID = {
  data: oid('1.2.840.113549.1.7.1'),
  signedData: oid('1.2.840.113549.1.7.2'),
  sha256: oid('2.16.840.1.101.3.4.2.1'),
  rsaEncryption: oid('1.2.840.113549.1.1.1'),
  ecdsaWithSha256: oid('1.2.840.10045.4.3.2'),
  contentType: oid('1.2.840.113549.1.9.3'),
  messageDigest: oid('1.2.840.113549.1.9.4'),
  signingTime: oid('1.2.840.113549.1.9.5'),
  signingCertificateV2: oid('1.2.840.113549.1.9.16.2.47'),
};
const NULL = Buffer.from([0x05, 0x00]);
const VERSION_1 = Buffer.from([0x02, 0x01, 0x01]);
const seq = (...parts: Buffer[]) => encode(TAG.SEQUENCE, Buffer.concat(parts));
const set = (...parts: Buffer[]) => encode(TAG.SET, Buffer.concat(parts));
const octets = (bytes: Buffer) => encode(TAG.OCTET_STRING, bytes);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

export function supportsKey(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'ec';
}

export function signDetachedCms(input: CmsSignInput): Buffer {
  const { issuer, serial } = issuerAndSerial(input.certificate);
  const digestAlgorithm = seq(OID.sha256); // no NULL parameters, as OpenSSL writes SHA-256
  const attributes = [
    seq(OID.contentType, set(OID.data)),
    seq(OID.signingTime, set(time(input.signingTime ?? new Date()))),
    seq(OID.messageDigest, set(octets(sha256(input.data)))),
    // SigningCertificateV2 { certs: [ESSCertIDv2 { certHash (SHA-256, the default algorithm), issuerSerial }] }
    seq(
      OID.signingCertificateV2,
      set(seq(seq(seq(octets(sha256(input.certificate)), seq(seq(encode(0xa4, issuer)), serial))))),
    ),
  ].sort(Buffer.compare); // DER: a SET OF in the order of its elements' encodings
  // The signature covers the attributes as a SET; the SignerInfo carries the same content tagged [0] IMPLICIT.
  const signedAttributes = set(...attributes);
  const rsa = input.privateKey.asymmetricKeyType === 'rsa';
  if (!rsa && input.privateKey.asymmetricKeyType !== 'ec') {
    throw new Error(`CMS signing in process takes RSA and EC keys, not ${input.privateKey.asymmetricKeyType}`);
  }
  const signature = sign('sha256', signedAttributes, input.privateKey); // ECDSA: DER (r, s), as CMS wants
  const signerInfo = seq(
    VERSION_1,
    seq(issuer, serial),
    digestAlgorithm,
    encode(TAG.CONTEXT_0, Buffer.concat(attributes)),
    rsa ? seq(OID.rsaEncryption, NULL) : seq(OID.ecdsaWithSha256),
    octets(signature),
  );
  const signedData = seq(
    VERSION_1,
    set(digestAlgorithm),
    seq(OID.data), // detached: no eContent
    encode(TAG.CONTEXT_0, Buffer.concat([input.certificate, ...input.chain].sort(Buffer.compare))), // a SET OF, too
    set(signerInfo),
  );
  return seq(OID.signedData, encode(TAG.CONTEXT_0, signedData));
}

/** The issuer Name and serialNumber INTEGER of a certificate, as their DER bytes. */
function issuerAndSerial(certificate: Buffer): { issuer: Buffer; serial: Buffer } {
  const [tbs] = children(certificate, readNode(certificate));
  if (!tbs) throw new Error('CMS: the certificate has no TBSCertificate');
  const fields = children(certificate, tbs);
  const at = fields[0]?.tag === TAG.CONTEXT_0 ? 1 : 0; // [0] version is optional (v1 certificates)
  const serial = fields[at];
  const issuer = fields[at + 2];
  if (serial?.tag !== 0x02 || issuer?.tag !== TAG.SEQUENCE) throw new Error('CMS: not an X.509 certificate');
  return {
    issuer: certificate.subarray(issuer.start, issuer.end),
    serial: certificate.subarray(serial.start, serial.end),
  };
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), to the second, in UTC. */
function time(at: Date): Buffer {
  const iso = at.toISOString(); // 2026-11-24T04:34:36.123Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, ''); // 20261124043436
  return at.getUTCFullYear() < 2050
    ? encode(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : encode(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}
