import { describe, expect, it } from '@jest/globals';
import { contentDisposition, sanitizeFileName } from './file-naming.js';

describe('file names', () => {
  it('keeps Chinese names and drops paths, control and reserved characters', () => {
    expect(sanitizeFileName('营业执照 副本（2024）.pdf', 'pdf')).toBe('营业执照 副本（2024）.pdf');
    expect(sanitizeFileName('C:\\Users\\wang\\扫描件.pdf', 'pdf')).toBe('扫描件.pdf');
    expect(sanitizeFileName('../../etc/passwd', 'pdf')).toBe('passwd');
    expect(sanitizeFileName('a\u0000b\r\n<c>|d?.png', 'png')).toBe('abcd.png');
    expect(sanitizeFileName('  ...  ', 'pdf')).toBe('file.pdf');
    expect(sanitizeFileName('.hidden', 'png')).toBe('hidden');
  });

  it('shortens long names, keeping the extension', () => {
    const name = sanitizeFileName(`${'证'.repeat(300)}.pdf`, 'pdf');
    expect(name.length).toBe(200);
    expect(name.endsWith('.pdf')).toBe(true);
  });

  it('gives an ASCII fallback and an RFC 5987 filename* for Chinese names', () => {
    expect(contentDisposition('辐射安全许可证 "副本".pdf')).toBe(
      `attachment; filename="_______ ____.pdf"; filename*=UTF-8''${encodeURIComponent('辐射安全许可证 "副本".pdf')}`,
    );
    expect(contentDisposition("it's (1).pdf")).toBe(
      `attachment; filename="it's (1).pdf"; filename*=UTF-8''it%27s%20%281%29.pdf`,
    );
  });
});
