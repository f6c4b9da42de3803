import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Longer than any call takes on an idle machine (an RSA-3072 development key: about a second). */
const TIMEOUT_MS = 60_000;

export class OpensslError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
  ) {
    super(`openssl ${args[0] ?? ''} failed: ${stderr.trim().split('\n')[0] ?? ''}`);
    this.name = 'OpensslError';
  }
}

/**
 * Runs the openssl CLI without a shell. `input` goes to stdin; `env` adds variables (used for passwords,
 * `-passin env:NAME`, so that they never appear in the process list). Resolves with stdout.
 */
export function openssl(args: string[], options: { input?: Buffer; env?: Record<string, string> } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'openssl',
      args,
      {
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
        timeout: TIMEOUT_MS,
        env: { ...process.env, ...options.env },
      },
      (error, stdout, stderr) => {
        // A timeout kills it: say so, rather than the progress dots a key generation writes to stderr.
        if (error?.killed) reject(new OpensslError(args, `timed out after ${TIMEOUT_MS / 1000} s (killed)`));
        else if (error) reject(new OpensslError(args, stderr.toString('utf8') || error.message));
        else resolve(stdout);
      },
    );
    // openssl may exit before reading all of stdin (e.g. on a bad argument): the EPIPE is not the error to report.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? Buffer.alloc(0));
  });
}

/** Gives `fn` a fresh directory only this user can read (keys and data pass through it) and removes it afterwards. */
export async function withPrivateTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tenderdesk-sign-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
