import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpStatus } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception.js';
import type { TimestampErrors } from '../rendering.errors.js';
import { children, encode, oid, readNode, TAG, type DerNode } from './der.js';
import { openssl, OpensslError, withPrivateTempDir } from './openssl.js';

const SIGNATURE_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14'; // id-aa-signatureTimeStampToken (RFC 3161 appendix A)
const TSA_TIMEOUT_MS = 15_000;

export type TimestampError = keyof typeof TimestampErrors;

export interface TimestampAuthority {
  /** TSA_URL */
  url: string;
  /** TSA_CA_FILE: PEM certificates the TSA's signing certificate must chain to. */
  caFile: string;
}

/**
 * Adds an RFC 3161 timestamp over the signature value to a CMS SignedData with one signer (CAdES-T, PAdES
 * B-T). OpenSSL makes the query and reads the reply; OpenSSL's `cms` cannot add unsigned attributes, so the
 * token is spliced into the SignerInfo here. A configured TSA that fails is an error: signing silently
 * without the timestamp the operator asked for would be worse.
 */
export async function addTimestamp(cms: Buffer, tsa: TimestampAuthority): Promise<Buffer> {
  const { signerInfo, signatureValue } = locateSignerInfo(cms);
  const digest = createHash('sha256').update(signatureValue).digest('hex');
  const token = await requestTimestampToken(digest, tsa);
  const attribute = encode(TAG.SEQUENCE, Buffer.concat([oid(SIGNATURE_TIMESTAMP_TOKEN), encode(TAG.SET, token)]));
  return withUnsignedAttribute(cms, signerInfo, attribute);
}

/**
 * Asks the TSA for a token over a SHA-256 digest (hex) and returns the token (a CMS ContentInfo, DER) only after
 * `openssl ts -verify` has checked the reply against our own query: the TSA's signature, its certificate's chain to
 * the configured CA (with the timeStamping purpose), the message imprint and the nonce.
 */
export async function requestTimestampToken(sha256Hex: string, tsa: TimestampAuthority): Promise<Buffer> {
  return withPrivateTempDir(async (dir) => {
    const queryFile = join(dir, 'query.tsq');
    const replyFile = join(dir, 'reply.tsr');
    const tokenFile = join(dir, 'token.der');
    // -cert: the TSA includes its certificate, so that the token can be verified on its own. OpenSSL adds a
    // random 64-bit nonce by default: a reply to another query fails the nonce check below.
    await openssl(['ts', '-query', '-digest', sha256Hex, '-sha256', '-cert', '-out', queryFile]);
    let reply: Buffer;
    try {
      const response = await fetch(tsa.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/timestamp-query' },
        body: await readFile(queryFile),
        signal: AbortSignal.timeout(TSA_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      reply = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw timestampRefused('TIMESTAMP_FAILED', tsa.url, error instanceof Error ? error.message : String(error));
    }
    await writeFile(replyFile, reply);
    const status = await openssl(['ts', '-reply', '-in', replyFile, '-text']).then(
      (out) => out.toString('utf8'),
      (error: unknown) => (error instanceof OpensslError ? error.stderr : String(error)),
    );
    if (!/Status: Granted/i.test(status)) {
      throw timestampRefused('TIMESTAMP_FAILED', tsa.url, status.split('\n').slice(0, 3).join(' ').trim());
    }
    try {
      await openssl(['ts', '-verify', '-in', replyFile, '-queryfile', queryFile, '-CAfile', tsa.caFile]);
    } catch (error) {
      const detail = error instanceof OpensslError ? error.stderr : String(error);
      throw timestampRefused(verificationFailure(detail), tsa.url, lastOpensslReason(detail));
    }
    await openssl(['ts', '-reply', '-in', replyFile, '-token_out', '-out', tokenFile]);
    return readFile(tokenFile);
  });
}

/** OpenSSL checks the signature and chain first, then the imprint, then the nonce; its reasons name each. */
export function verificationFailure(stderr: string): TimestampError {
  if (/message imprint mismatch/i.test(stderr)) return 'TIMESTAMP_IMPRINT_MISMATCH';
  if (/nonce mismatch/i.test(stderr)) return 'TIMESTAMP_NONCE_MISMATCH';
  return 'TIMESTAMP_UNTRUSTED';
}

function lastOpensslReason(stderr: string): string {
  const line = stderr
    .split('\n')
    .filter((l) => /error:/.test(l))
    .at(-1);
  // "...:time stamp routines:ts_check_nonces:nonce mismatch:../crypto/...:523:" -> "nonce mismatch"
  const parts = line?.split(':') ?? [];
  const reason =
    parts.length > 5
      ? parts
          .slice(5)
          .join(':')
          .replace(/:?\.\.\/crypto\/\S*:\d+:/, ' ')
          .trim()
      : undefined;
  return reason || stderr.trim().split('\n').at(-1) || 'verification failed';
}

const MESSAGES: Record<TimestampError, string> = {
  TIMESTAMP_FAILED: 'The timestamp authority did not give a timestamp',
  TIMESTAMP_UNTRUSTED: "The timestamp authority's reply is not signed by a certificate of the configured TSA CA",
  TIMESTAMP_IMPRINT_MISMATCH: "The timestamp authority's token is for another document digest",
  TIMESTAMP_NONCE_MISMATCH: "The timestamp authority's token answers another request (nonce mismatch)",
};

function timestampRefused(code: TimestampError, tsaUrl: string, reason: string): AppException {
  return new AppException(HttpStatus.BAD_GATEWAY, code, `${MESSAGES[code]}: ${reason}`, { tsaUrl });
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
  if (children(cms, signerInfo).some((n) => n.tag === TAG.CONTEXT_1))
    throw new Error('CMS: already has unsigned attributes');
  const newSignerInfo = encode(
    TAG.SEQUENCE,
    Buffer.concat([cms.subarray(signerInfo.contentStart, signerInfo.end), encode(TAG.CONTEXT_1, attribute)]),
  );
  const newSignedData = encode(
    TAG.SEQUENCE,
    Buffer.concat([cms.subarray(signedData.contentStart, signerInfos.start), encode(TAG.SET, newSignerInfo)]),
  );
  return encode(
    TAG.SEQUENCE,
    Buffer.concat([cms.subarray(contentType!.start, contentType!.end), encode(TAG.CONTEXT_0, newSignedData)]),
  );
}
