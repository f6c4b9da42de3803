import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpStatus } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import { children, encode, oid, readNode, TAG, type DerNode } from './der.js';
import { openssl, withPrivateTempDir } from './openssl.js';

const SIGNATURE_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14'; // id-aa-signatureTimeStampToken (RFC 3161 appendix A)
const TSA_TIMEOUT_MS = 15_000;

/**
 * Adds an RFC 3161 timestamp over the signature value to a CMS SignedData with one signer (CAdES-T, PAdES
 * B-T). OpenSSL makes the query and reads the reply; OpenSSL's `cms` cannot add unsigned attributes, so the
 * token is spliced into the SignerInfo here. A configured TSA that fails is an error: signing silently
 * without the timestamp the operator asked for would be worse.
 */
export async function addTimestamp(cms: Buffer, tsaUrl: string): Promise<Buffer> {
  const { signerInfo, signatureValue } = locateSignerInfo(cms);
  const digest = createHash('sha256').update(signatureValue).digest('hex');
  const token = await requestTimestampToken(digest, tsaUrl);
  const attribute = encode(TAG.SEQUENCE, Buffer.concat([oid(SIGNATURE_TIMESTAMP_TOKEN), encode(TAG.SET, token)]));
  return withUnsignedAttribute(cms, signerInfo, attribute);
}

/** Asks the TSA for a token over a SHA-256 digest (hex); returns the token (a CMS ContentInfo, DER). */
export async function requestTimestampToken(sha256Hex: string, tsaUrl: string): Promise<Buffer> {
  // -cert: the TSA includes its certificate, so that the token can be verified on its own.
  const query = await openssl(['ts', '-query', '-digest', sha256Hex, '-sha256', '-cert']);
  let reply: Buffer;
  try {
    const response = await fetch(tsaUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query' },
      body: query,
      signal: AbortSignal.timeout(TSA_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    reply = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw timestampFailed(tsaUrl, error instanceof Error ? error.message : String(error));
  }
  return withPrivateTempDir(async (dir) => {
    const replyFile = join(dir, 'reply.tsr');
    const tokenFile = join(dir, 'token.der');
    await writeFile(replyFile, reply);
    const status = (await openssl(['ts', '-reply', '-in', replyFile, '-text'])).toString('utf8');
    if (!/Status: Granted/i.test(status)) throw timestampFailed(tsaUrl, status.split('\n').slice(0, 3).join(' '));
    await openssl(['ts', '-reply', '-in', replyFile, '-token_out', '-out', tokenFile]);
    const token = await readFile(tokenFile);
    // The token must be for our digest (a misbehaving proxy or TSA could answer another query).
    if (!token.includes(Buffer.from(sha256Hex, 'hex'))) throw timestampFailed(tsaUrl, 'the token is for another digest');
    return token;
  });
}

function timestampFailed(tsaUrl: string, reason: string): AppException {
  return new AppException(HttpStatus.BAD_GATEWAY, 'TIMESTAMP_FAILED', `The timestamp authority did not give a timestamp: ${reason}`, {
    tsaUrl,
  });
}

/** ContentInfo -> [0] -> SignedData -> signerInfos (last field) -> the one SignerInfo -> signature. */
function locateSignerInfo(cms: Buffer): { signerInfo: DerNode; signatureValue: Buffer } {
  const [, explicit] = children(cms, readNode(cms));
  const signedData = children(cms, explicit!)[0]!;
  const signerInfos = children(cms, signedData).at(-1)!;
  const infos = children(cms, signerInfos);
  if (infos.length !== 1) throw new Error(`CMS: expected one signer, found ${infos.length}`);
  const signerInfo = infos[0]!;
  // In a SignerInfo the only universal OCTET STRING is the signature (a subjectKeyIdentifier sid is [0]).
  const signature = children(cms, signerInfo).find((n) => n.tag === TAG.OCTET_STRING);
  if (!signature) throw new Error('CMS: SignerInfo without a signature');
  return { signerInfo, signatureValue: cms.subarray(signature.contentStart, signature.end) };
}

/** Rebuilds the nesting around the SignerInfo with `[1] { attribute }` appended (every length changes). */
function withUnsignedAttribute(cms: Buffer, signerInfo: DerNode, attribute: Buffer): Buffer {
  const contentInfo = readNode(cms);
  const [contentType, explicit] = children(cms, contentInfo);
  const signedData = children(cms, explicit!)[0]!;
  const signerInfos = children(cms, signedData).at(-1)!;
  if (children(cms, signerInfo).some((n) => n.tag === TAG.CONTEXT_1)) throw new Error('CMS: already has unsigned attributes');
  const newSignerInfo = encode(TAG.SEQUENCE, Buffer.concat([cms.subarray(signerInfo.contentStart, signerInfo.end), encode(TAG.CONTEXT_1, attribute)]));
  const newSignedData = encode(
    TAG.SEQUENCE,
    Buffer.concat([cms.subarray(signedData.contentStart, signerInfos.start), encode(TAG.SET, newSignerInfo)]),
  );
  return encode(TAG.SEQUENCE, Buffer.concat([cms.subarray(contentType!.start, contentType!.end), encode(TAG.CONTEXT_0, newSignedData)]));
}
