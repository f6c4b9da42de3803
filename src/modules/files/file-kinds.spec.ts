import { describe, expect, it } from '@jest/globals';
import { detectKind } from './file-kinds.js';

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('file kinds by their bytes', () => {
  it('recognises PDF, JPEG and PNG whatever they are called', async () => {
    expect(
      await detectKind(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1'), ['pdf', 'png']),
    ).toMatchObject({
      ok: true,
      kind: 'pdf',
      mime: 'application/pdf',
      ext: 'pdf',
    });
    expect(await detectKind(PNG_SIGNATURE, ['png'])).toMatchObject({ ok: true, kind: 'png', ext: 'png' });
    expect(await detectKind(Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), ['jpeg'])).toMatchObject({
      ok: true,
      kind: 'jpeg',
      ext: 'jpg',
    });
  });

  it('refuses text, executables and kinds not allowed for the purpose, naming what was found', async () => {
    expect(await detectKind(Buffer.from('just text, named scan.pdf'), ['pdf'])).toEqual({
      ok: false,
      detected: null,
      mime: null,
    });
    const exe = Buffer.alloc(256);
    exe.write('MZ');
    expect(await detectKind(exe, ['pdf', 'jpeg', 'png'])).toMatchObject({ ok: false, detected: 'exe' });
    expect(await detectKind(PNG_SIGNATURE, ['pdf'])).toMatchObject({ ok: false, detected: 'png', mime: 'image/png' });
  });
});
