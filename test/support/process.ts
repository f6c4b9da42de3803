import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const MAIN = resolve('dist/main.js');
/** The job consumer: the same modules without HTTP (needs DATABASE_URL). */
export const WORKER = resolve('dist/worker.js');

/** The built entry point; `make test` builds it before Jest runs. */
export function requireBuild(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`make build\` (make test does) before these tests`);
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `node dist/<entry>` with exactly this environment (PATH and HOME kept, nothing else inherited:
 * CI's DATABASE_URL must not leak into a test of the embedded default).
 */
export function runNode(entry: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls until the URL answers (any status) or the process dies. */
export async function waitForHttp(url: string, proc: Running, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void proc.exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`process exited before serving ${url}:\n${proc.stdout()}\n${proc.stderr()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${proc.stdout()}\n${proc.stderr()}`);
}

/** Polls the process's output until it matches, or fails when the process dies or time runs out. */
export async function waitForOutput(proc: Running, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(proc.stdout() + proc.stderr());
    if (match) return match;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`process exited before printing ${pattern}:\n${proc.stdout()}\n${proc.stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${proc.stdout()}\n${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `node dist/worker.js` and waits until it consumes jobs. */
export async function startWorker(env: Record<string, string>, timeoutMs = 30_000): Promise<Running> {
  const worker = runNode(WORKER, env);
  try {
    await waitForOutput(worker, /consuming jobs/, timeoutMs);
  } catch (error) {
    if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    throw error;
  }
  return worker;
}
