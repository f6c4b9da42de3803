import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What qpdf says of a PDF's encryption: none; permissions only (opens without a password, but printing, copying
 * or changing may be restricted, which assembly and signing would trip over); or a password is needed to open it.
 */
export type PdfEncryption = 'none' | 'permissions' | 'password';

function qpdf(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile('qpdf', args, { timeout: 60_000 }, (error) => {
      if (!error) return resolve(0);
      if (typeof error.code === 'number') return resolve(error.code);
      reject(new Error(`qpdf could not run (${error.message}); install qpdf`));
    });
  });
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tenderdesk-pdf-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `qpdf --requires-password`: exit 0 when a password is needed, 3 when encrypted without one (permissions only),
 * 2 when not encrypted (also qpdf's code for a file it cannot read: such files are judged elsewhere, as before).
 */
export function pdfEncryption(bytes: Buffer): Promise<PdfEncryption> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'in.pdf');
    await writeFile(file, bytes, { mode: 0o600 });
    const code = await qpdf(['--requires-password', file]);
    return code === 0 ? 'password' : code === 3 ? 'permissions' : 'none';
  });
}

/** A copy without the encryption (for permission-only PDFs, which open without a password). */
export function decryptPdf(bytes: Buffer): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const input = join(dir, 'in.pdf');
    const output = join(dir, 'out.pdf');
    await writeFile(input, bytes, { mode: 0o600 });
    // 3: succeeded with warnings (e.g. a repaired xref), the output is usable.
    const code = await qpdf(['--decrypt', input, output]);
    if (code !== 0 && code !== 3) throw new Error(`qpdf --decrypt failed (exit ${code})`);
    return readFile(output);
  });
}
