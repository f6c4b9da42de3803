import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signDetachedCms, supportsKey } from '../../src/rendering/signing/cms.js';

const exec = promisify(execFile);
const openssl = async (...args: string[]) =>
  (await exec('openssl', args, { encoding: 'buffer', maxBuffer: 1 << 26 })).stdout;

/**
 * The in-process CMS signer against OpenSSL: `openssl cms -verify` accepts its signatures (RSA and EC keys, a Chinese
 * subject and issuer, a CA chain), and they hold the same structure as `openssl cms -sign -cades` writes.
 */
describe('signDetachedCms', () => {
  let dir: string;
  const data = Buffer.concat([Buffer.from('%PDF-1.7 对账单 '), Buffer.alloc(50_000, 7)]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cms-test-'));
    await writeFile(join(dir, 'data.bin'), data);
    // A CA, and two company certificates it issued: RSA and EC (P-256), names in Chinese.
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      join(dir, 'ca.pem'),
      '-days',
      '30',
      '-utf8',
      '-subj',
      '/CN=测试根证书/O=测试CA/C=CN',
    );
    await writeFile(
      join(dir, 'ext.cnf'),
      'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n',
    );
    for (const [name, keyArgs] of [
      ['rsa', ['-newkey', 'rsa:2048']],
      ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
    ] as const) {
      await openssl(
        'req',
        ...keyArgs,
        '-nodes',
        '-keyout',
        join(dir, `${name}.key`),
        '-out',
        join(dir, `${name}.csr`),
        '-utf8',
        '-subj',
        `/CN=华东智能仪表有限公司/O=华东智能仪表有限公司/C=CN`,
      );
      await openssl(
        'x509',
        '-req',
        '-in',
        join(dir, `${name}.csr`),
        '-CA',
        join(dir, 'ca.pem'),
        '-CAkey',
        join(dir, 'ca.key'),
        '-CAcreateserial',
        '-days',
        '30',
        '-extfile',
        join(dir, 'ext.cnf'),
        '-out',
        join(dir, `${name}.pem`),
      );
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const sign = async (name: string, at?: Date) => {
    const privateKey = createPrivateKey(await readFile(join(dir, `${name}.key`)));
    const certificate = new X509Certificate(await readFile(join(dir, `${name}.pem`))).raw;
    const chain = [new X509Certificate(await readFile(join(dir, 'ca.pem'))).raw];
    return signDetachedCms({ data, privateKey, certificate, chain, signingTime: at });
  };
  const verify = async (cms: Buffer, content = join(dir, 'data.bin')) => {
    await writeFile(join(dir, 'sig.der'), cms);
    return openssl(
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'sig.der'),
      '-content',
      content,
      '-CAfile',
      join(dir, 'ca.pem'),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    );
  };
  /** The OBJECT IDENTIFIERs and element kinds of a DER blob, in order, values left out (they differ per signature). */
  const shape = async (der: Buffer) => {
    await writeFile(join(dir, 'shape.der'), der);
    const text = (await openssl('asn1parse', '-inform', 'DER', '-in', join(dir, 'shape.der'))).toString('utf8');
    return text
      .split('\n')
      .map((l) => /d=\s*(\d+).*?(?:cons|prim):\s+(\S+(?: \[ \d \])?)\s*(?::(\S+))?/.exec(l))
      .filter((m) => m !== null)
      .map((m) => `${m[1]} ${m[2]}${m[2] === 'OBJECT' ? ` ${m[3]}` : ''}`);
  };

  it('takes RSA and EC keys', async () => {
    expect(supportsKey(createPrivateKey(await readFile(join(dir, 'rsa.key'))))).toBe(true);
    expect(supportsKey(createPrivateKey(await readFile(join(dir, 'ec.key'))))).toBe(true);
  });

  it.each(['rsa', 'ec'])(
    'makes a %s signature that openssl cms -verify accepts over the chain, and refuses for other data',
    async (name) => {
      const cms = await sign(name);
      await expect(verify(cms)).resolves.toBeDefined();
      await writeFile(join(dir, 'other.bin'), Buffer.concat([data, Buffer.from('x')]));
      await expect(verify(cms, join(dir, 'other.bin'))).rejects.toThrow(/verification failure|digest failure/i);
    },
  );

  it.each(['rsa', 'ec'])('writes the structure openssl cms -sign -cades writes (%s)', async (name) => {
    const ours = await sign(name);
    const theirs = await openssl(
      'cms',
      '-sign',
      '-binary',
      '-md',
      'sha256',
      '-outform',
      'DER',
      '-nosmimecap',
      '-cades',
      '-signer',
      join(dir, `${name}.pem`),
      '-inkey',
      join(dir, `${name}.key`),
      '-certfile',
      join(dir, 'ca.pem'),
      '-in',
      join(dir, 'data.bin'),
    );
    expect(await shape(ours)).toEqual(await shape(theirs));
  });

  it('copies the Chinese issuer name byte for byte and writes UTCTime or GeneralizedTime by the year', async () => {
    const cms = await sign('rsa', new Date('2051-03-04T05:06:07Z'));
    const issuer = new X509Certificate(await readFile(join(dir, 'rsa.pem'))).raw;
    expect(cms.includes(Buffer.from('测试根证书', 'utf8'))).toBe(true);
    expect(issuer.includes(Buffer.from('测试根证书', 'utf8'))).toBe(true);
    expect(cms.includes(Buffer.from('20510304050607Z', 'ascii'))).toBe(true);
    const now = await sign('rsa', new Date('2026-11-24T04:34:36Z'));
    expect(now.includes(Buffer.from('261124043436Z', 'ascii'))).toBe(true);
  });
});
