import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs an independent checker (poppler, qpdf, openssl) on files written to a private temp dir. */
export async function withFiles<T>(
  files: Record<string, Buffer | string>,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'td-check-'));
  try {
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** stdout (and stderr) of a command; a non-zero exit is returned, not thrown, so tests can assert on it. */
export async function tool(cmd: string, args: string[], cwd?: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

/**
 * Text of the PDF's body, without the header and footer margins (A4: 20 mm top, 18 mm bottom), every character as
 * printed: `-raw` (content-stream order), because pdftotext's default reading order joins a word that a line ends
 * after a hyphen and drops the hyphen ("SZZC-2026-GK-" / "1187" → "SZZC-2026-GK1187"), so a line break moved by a
 * font change lost a character. Callers compare characters, not their order.
 */
export async function pdfBodyText(pdf: Buffer): Promise<string> {
  return withFiles({ 'a.pdf': pdf }, async (dir) => {
    const { out } = await tool('pdftotext', [
      '-enc',
      'UTF-8',
      '-raw',
      '-x',
      '0',
      '-y',
      '57',
      '-W',
      '595',
      '-H',
      '734',
      join(dir, 'a.pdf'),
      '-',
    ]);
    return out;
  });
}

export async function pdfText(pdf: Buffer, page?: number): Promise<string> {
  return withFiles({ 'a.pdf': pdf }, async (dir) => {
    const range = page ? ['-f', String(page), '-l', String(page)] : [];
    return (await tool('pdftotext', ['-enc', 'UTF-8', ...range, join(dir, 'a.pdf'), '-'])).out;
  });
}

/** Whitespace carries no meaning across PDF line-wrapping and DOCX paragraphs: compare without it. */
export const squash = (s: string) => s.replace(/[\s\u00a0\u200b]+/g, '');
