/**
 * Just enough DER to add an unsigned attribute to a CMS SignerInfo and to find where a padded CMS blob ends.
 * OpenSSL writes definite-length DER when not streaming, which is all this has to read.
 */
export interface DerNode {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export function readNode(buf: Buffer, offset = 0): DerNode {
  const tag = buf[offset];
  let lengthByte = buf[offset + 1];
  if (tag === undefined || lengthByte === undefined) throw new Error('DER: truncated');
  let contentStart = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: indefinite or oversized length');
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = buf[contentStart + i];
      if (lengthByte === undefined) throw new Error('DER: truncated');
      length = length * 256 + lengthByte;
    }
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > buf.length) throw new Error('DER: length beyond the data');
  return { tag, start: offset, contentStart, end };
}

export function children(buf: Buffer, node: DerNode): DerNode[] {
  const result: DerNode[] = [];
  for (let at = node.contentStart; at < node.end; ) {
    const child = readNode(buf, at);
    result.push(child);
    at = child.end;
  }
  return result;
}

export function encode(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(header), content]);
}

/** A DER OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes: number[] = [];
  for (const arc of [first! * 40 + second!, ...rest]) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return encode(0x06, Buffer.from(bytes));
}

export const TAG = { SEQUENCE: 0x30, SET: 0x31, OCTET_STRING: 0x04, CONTEXT_0: 0xa0, CONTEXT_1: 0xa1 } as const;
