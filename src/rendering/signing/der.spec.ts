import { describe, expect, it } from '@jest/globals';
import { children, encode, oid, readNode } from './der.js';

describe('der', () => {
  it('encodes short and long lengths and reads them back', () => {
    for (const size of [0, 5, 127, 128, 255, 256, 70_000]) {
      const encoded = encode(0x04, Buffer.alloc(size, 1));
      const node = readNode(encoded);
      expect(node.end - node.contentStart).toBe(size);
      expect(node.end).toBe(encoded.length);
    }
  });

  it('encodes the timestamp-token attribute OID as OpenSSL does', () => {
    // 1.2.840.113549.1.9.16.2.14 (id-aa-signatureTimeStampToken)
    expect(oid('1.2.840.113549.1.9.16.2.14').toString('hex')).toBe('060b2a864886f70d010910020e');
  });

  it('lists the children of a constructed node', () => {
    const seq = encode(0x30, Buffer.concat([encode(0x02, Buffer.from([1])), encode(0x04, Buffer.from('ab'))]));
    expect(children(seq, readNode(seq)).map((c) => c.tag)).toEqual([0x02, 0x04]);
  });

  it('refuses a length running past the data', () => {
    expect(() => readNode(Buffer.from([0x30, 0x05, 0x00]))).toThrow('beyond');
  });
});
