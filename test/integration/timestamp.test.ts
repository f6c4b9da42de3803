import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigner } from '../../src/rendering/signing/certificates.js';
import { children, readNode } from '../../src/rendering/signing/der.js';
import { requestTimestampToken } from '../../src/rendering/signing/timestamp.js';
import { run } from '../fixtures/assembly/fixtures.js';

/**
 * A real TSA on loopback (`openssl ts -reply` behind a tiny HTTP server) whose certificate is issued by a test CA,
 * and the same server answering with forged tokens: signed by another key, for another digest, for another query.
 */
type Mode = 'honest' | 'other-key' | 'other-digest' | 'other-nonce';

let dir: string;
let tsa: Server;
let tsaUrl: string;
let caFile: string;
let otherCaFile: string;
let mode: Mode = 'honest';
let hits = 0;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function makeTsa(name: string, issuer?: { cert: string; key: string }): Promise<string> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  const ext = [
    'extendedKeyUsage=critical,timeStamping',
    'keyUsage=critical,digitalSignature',
    'basicConstraints=CA:FALSE',
  ];
  if (issuer) {
    await run('openssl', [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      `${cert}.csr`,
      '-subj',
      '/CN=Test TSA',
    ]);
    await writeFile(`${cert}.ext`, ext.join('\n') + '\n');
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      `${cert}.csr`,
      '-CA',
      issuer.cert,
      '-CAkey',
      issuer.key,
      '-CAcreateserial',
      '-days',
      '30',
      '-out',
      cert,
      '-extfile',
      `${cert}.ext`,
    ]);
  } else {
    // Same subject as the real TSA, own key, no CA: what a forger can make.
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      '/CN=Test TSA',
      ...ext.flatMap((e) => ['-addext', e]),
    ]);
  }
  await writeFile(join(dir, `${name}.serial`), '01\n');
  const config = join(dir, `${name}.cnf`);
  await writeFile(
    config,
    [
      '[tsa]',
      'default_tsa = t',
      '[t]',
      `serial = ${join(dir, `${name}.serial`)}`,
      `signer_cert = ${cert}`,
      `signer_key = ${key}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  return config;
}

async function makeCa(name: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '30',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

/** The hashed message of a TimeStampReq: SEQUENCE { version, messageImprint SEQUENCE { alg, OCTET STRING }, ... }. */
function imprintOf(query: Buffer): string {
  const messageImprint = children(query, readNode(query))[1]!;
  const hashed = children(query, messageImprint)[1]!;
  return query.subarray(hashed.contentStart, hashed.end).toString('hex');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'timestamp-test-'));
  const ca = await makeCa('TSA Root CA');
  caFile = ca.cert;
  otherCaFile = (await makeCa('Another CA')).cert;
  const honest = await makeTsa('tsa', ca);
  const forger = await makeTsa('forger');

  tsa = createServer((req, res) => {
    const n = ++hits;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = Buffer.concat(chunks);
      const query = join(dir, `q-${n}.tsq`);
      const reply = join(dir, `r-${n}.tsr`);
      const answer = async () => {
        await writeFile(query, received);
        // The forged replies are real `openssl ts -reply` output, only for the wrong key, digest or query.
        if (mode === 'other-digest') {
          await run('openssl', [
            'ts',
            '-query',
            '-digest',
            sha256('another document'),
            '-sha256',
            '-cert',
            '-out',
            query,
          ]);
        } else if (mode === 'other-nonce') {
          // Same digest, a fresh query: OpenSSL gives it another random nonce.
          await run('openssl', ['ts', '-query', '-digest', imprintOf(received), '-sha256', '-cert', '-out', query]);
        }
        await run('openssl', [
          'ts',
          '-reply',
          '-config',
          mode === 'other-key' ? forger : honest,
          '-queryfile',
          query,
          '-out',
          reply,
        ]);
        return readFile(reply);
      };
      answer()
        .then((body) => res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(body))
        .catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => tsa.listen(0, '127.0.0.1', resolve));
  tsaUrl = `http://127.0.0.1:${(tsa.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => tsa.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('RFC 3161 replies are verified before they are used', () => {
  it('accepts a token from the TSA certified by TSA_CA_FILE, for our digest', async () => {
    mode = 'honest';
    const digest = sha256('the signature value');
    const before = hits;
    const token = await requestTimestampToken(digest, { url: tsaUrl, caFile });
    expect(hits).toBe(before + 1);
    const tokenFile = join(dir, 'token.der');
    await writeFile(tokenFile, token);
    const verified = await run('openssl', [
      'ts',
      '-verify',
      '-digest',
      digest,
      '-in',
      tokenFile,
      '-token_in',
      '-CAfile',
      caFile,
    ]);
    expect(verified.stdout).toContain('Verification: OK');
  });

  it('refuses a token signed by another key with TIMESTAMP_UNTRUSTED', async () => {
    mode = 'other-key';
    await expect(requestTimestampToken(sha256('doc'), { url: tsaUrl, caFile })).rejects.toMatchObject({
      code: 'TIMESTAMP_UNTRUSTED',
      status: 502,
    });
  });

  it('refuses a token of the real TSA when TSA_CA_FILE is another CA with TIMESTAMP_UNTRUSTED', async () => {
    mode = 'honest';
    await expect(requestTimestampToken(sha256('doc'), { url: tsaUrl, caFile: otherCaFile })).rejects.toMatchObject({
      code: 'TIMESTAMP_UNTRUSTED',
    });
  });

  it('refuses a genuine token for another digest with TIMESTAMP_IMPRINT_MISMATCH', async () => {
    mode = 'other-digest';
    await expect(requestTimestampToken(sha256('doc'), { url: tsaUrl, caFile })).rejects.toMatchObject({
      code: 'TIMESTAMP_IMPRINT_MISMATCH',
    });
  });

  it('refuses a genuine token for our digest but another query with TIMESTAMP_NONCE_MISMATCH', async () => {
    mode = 'other-nonce';
    await expect(requestTimestampToken(sha256('doc'), { url: tsaUrl, caFile })).rejects.toMatchObject({
      code: 'TIMESTAMP_NONCE_MISMATCH',
    });
  });

  it('signs nothing when the reply is forged: signCms rejects instead of returning an unverified timestamp', async () => {
    mode = 'other-key';
    const signer = await loadSigner({ storageDir: join(dir, 'storage'), tsaUrl, tsaCaFile: caFile });
    await expect(signer.signCms(Buffer.from('%PDF-1.7 bytes to sign'))).rejects.toMatchObject({
      code: 'TIMESTAMP_UNTRUSTED',
    });
    mode = 'honest';
    await expect(signer.signCms(Buffer.from('%PDF-1.7 bytes to sign'))).resolves.toBeInstanceOf(Buffer);
  });

  it('refuses to load a signer with TSA_URL but no TSA_CA_FILE', async () => {
    await expect(loadSigner({ storageDir: join(dir, 'storage'), tsaUrl })).rejects.toThrow(/TSA_CA_FILE/);
  });
});
