import { describe, expect, it } from '@jest/globals';
import { detectAttachmentKind } from './attachments.js';

describe('detectAttachmentKind', () => {
  it('recognises PDF, JPEG and PNG by their bytes', () => {
    expect(detectAttachmentKind(Buffer.from('%PDF-1.4\n...'))).toBe('pdf');
    expect(detectAttachmentKind(Buffer.concat([Buffer.from('junk from a scanner\n'), Buffer.from('%PDF-1.7')]))).toBe('pdf');
    expect(detectAttachmentKind(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('jpeg');
    expect(detectAttachmentKind(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
  });

  it('knows nothing else, whatever the name would say', () => {
    expect(detectAttachmentKind(Buffer.from('GIF89a'))).toBeUndefined();
    expect(detectAttachmentKind(Buffer.from('PK\x03\x04 a docx'))).toBeUndefined();
    expect(detectAttachmentKind(Buffer.alloc(0))).toBeUndefined();
  });
});
