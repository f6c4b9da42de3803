import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import pg from 'pg';
// s3rver ships no type declarations; the little of it used here is typed by S3rverInstance below.
// @ts-expect-error TS7016: untyped CommonJS module
import S3rverUntyped from 's3rver';
import { SMTPServer } from 'smtp-server';
import { freePort } from './process.js';

/**
 * Servers that fault tests stop and start again on the same port: s3rver, an SMTP server, a private
 * PostgreSQL cluster. Each belongs to the test that made it; nothing here touches a shared server.
 */

const run = promisify(execFile);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The promise's value, or undefined once `ms` have passed (the timer is cleared either way: no open handle). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns a value `done` accepts, or throws with the last value after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  ms: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; last seen: ${JSON.stringify(last)}`);
    await sleep(everyMs);
    last = await probe();
  }
  return last;
}

// ---- S3 (s3rver) -----------------------------------------------------------------------------------------------

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
const S3rver = S3rverUntyped as new (options: Record<string, unknown>) => S3rverInstance;

export interface ControlledS3 {
  readonly port: number;
  readonly endpoint: string;
  /** Where s3rver keeps buckets and objects: it survives stop() and start(). */
  readonly dir: string;
  readonly up: boolean;
  /** The app's S3_* variables for this server. */
  env(bucket: string): Record<string, string>;
  /** Closes the listener and every connection, in-flight ones included: requests get a reset, new ones a refusal. */
  stop(): Promise<void>;
  /** Listens again on the same port over the same directory. */
  start(): Promise<void>;
  /**
   * Goes down right after answering the first request `match` picks (the answer reaches the client, the next
   * request finds the server gone). Resolves once it is down.
   */
  stopAfter(match: (req: IncomingMessage) => boolean): Promise<void>;
  /** Stops it and deletes its directory. */
  destroy(): Promise<void>;
}

export async function startS3(): Promise<ControlledS3> {
  const dir = await mkdtemp(join(tmpdir(), 'td-fault-s3rver-'));
  let server: S3rverInstance | undefined;
  let port = 0;
  const listen = async () => {
    const instance = new S3rver({ address: '127.0.0.1', port, silent: true, directory: dir });
    port = (await instance.run()).port;
    server = instance;
  };
  await listen();
  const stop = async () => {
    const instance = server;
    if (!instance) return;
    server = undefined;
    const closed = instance.close();
    instance.httpServer?.closeAllConnections();
    await closed;
  };
  return {
    get port() {
      return port;
    },
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    dir,
    get up() {
      return server !== undefined;
    },
    env: (bucket) => ({
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      S3_BUCKET: bucket,
    }),
    stop,
    start: async () => {
      if (!server) await listen();
    },
    stopAfter: (match) =>
      new Promise<void>((resolve, reject) => {
        const http = server?.httpServer;
        if (!http) return reject(new Error('s3rver is not running'));
        const onRequest = (req: IncomingMessage, res: ServerResponse) => {
          if (!match(req)) return;
          http.off('request', onRequest);
          res.once('finish', () => void stop().then(resolve, reject));
        };
        http.on('request', onRequest);
      }),
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---- SMTP (smtp-server) ----------------------------------------------------------------------------------------

export interface ReceivedMail {
  /** The Message-ID header, angle brackets included ('' when there is none). */
  messageId: string;
  /** Envelope recipients. */
  rcptTo: string[];
  raw: Buffer;
  at: number;
}

export interface ControlledSmtp {
  readonly port: number;
  readonly url: string;
  readonly up: boolean;
  /** Every message the server took (answered 250 to, or crashed holding), oldest first, across restarts. */
  readonly received: ReceivedMail[];
  /** SMTP sessions opened so far (a connection refused while stopped opens none). */
  readonly sessions: number;
  /** Stops listening; sessions still open are told 421 and closed after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  start(): Promise<void>;
  /**
   * Called once per message, after it is recorded and before the 250 is written. Returning 'crash' makes the
   * server go down holding the message without acknowledging it, like a server that crashed after committing: the
   * client sees the session end with 421 instead of 250.
   */
  onMessage?: (mail: ReceivedMail) => void | 'crash';
}

/**
 * A real SMTP server on loopback (no TLS, no auth) that records every message it accepts: the one every test that
 * needs an SMTP server uses. `listen: false` makes it down from the start (its port is known, nothing listens);
 * `refuse` lists envelope recipients it answers 550 to.
 */
export async function startSmtp(opts: { listen?: boolean; refuse?: string[] } = {}): Promise<ControlledSmtp> {
  const received: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let port = await freePort();
  let sessions = 0;
  const controlled: ControlledSmtp = {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get up() {
      return server !== undefined;
    },
    received,
    get sessions() {
      return sessions;
    },
    async stop(graceMs = 200) {
      const instance = server;
      if (!instance) return;
      server = undefined;
      // smtp-server reads it when closing: how long open sessions get before 421 and disconnect.
      (instance.options as { closeTimeout?: number }).closeTimeout = graceMs;
      await new Promise<void>((resolve) => instance.close(() => resolve()));
    },
    async start() {
      if (server) return;
      const instance = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onConnect(_session, callback) {
          sessions++;
          callback();
        },
        onRcptTo(address, _session, callback) {
          if (!opts.refuse?.includes(address.address)) return callback();
          callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const raw = Buffer.concat(chunks);
            const record: ReceivedMail = {
              messageId: headerOf(raw, 'message-id'),
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              raw,
              at: Date.now(),
            };
            // Recorded and acknowledged in the same tick, as a real server commits before its 250: a message
            // counts as received exactly when the server took responsibility for it.
            received.push(record);
            if (controlled.onMessage?.(record) === 'crash') {
              void controlled.stop(1);
              return;
            }
            callback();
          });
        },
      });
      await new Promise<void>((resolve, reject) => {
        instance.once('error', reject);
        instance.listen(port, '127.0.0.1', () => {
          instance.off('error', reject);
          resolve();
        });
      });
      // After start-up, an error (a client resetting its connection) must not throw.
      instance.on('error', () => undefined);
      port = (instance.server.address() as AddressInfo).port;
      server = instance;
    },
  };
  if (opts.listen !== false) await controlled.start();
  return controlled;
}

/** One unfolded header of a raw message ('' when absent); enough for ASCII headers such as Message-ID. */
function headerOf(raw: Buffer, name: string): string {
  const head = raw
    .toString('latin1')
    .split(/\r?\n\r?\n/, 1)[0]
    .replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

/** Subject and attachments of a received message, parsed by an independent MIME parser (mailparser). */
export async function parseMail(mail: ReceivedMail): Promise<{
  subject: string;
  messageId: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}> {
  const parsed = await simpleParser(mail.raw);
  return {
    subject: parsed.subject ?? '',
    messageId: parsed.messageId ?? '',
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? '',
      contentType: a.contentType,
      content: a.content,
    })),
  };
}

// ---- PostgreSQL: a private cluster -----------------------------------------------------------------------------

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const CLUSTER_PREFIX = 'td-fault-pg-';

const asRoot = () => process.getuid?.() === 0;

/** A PostgreSQL program, as the `postgres` OS user when we are root (PostgreSQL refuses to run as root). */
async function pgTool(bin: string, args: string[], timeout = 60_000) {
  const [cmd, argv] = asRoot()
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]]
    : [join(PG_BIN, bin), args];
  try {
    return await run(cmd, argv, { timeout, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
  } catch (err) {
    const e = err as { message: string; stdout?: string; stderr?: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Stops and deletes clusters of test processes that died without cleaning up (their pid is in the folder name). */
async function reapClusters(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    const owner = new RegExp(`^${CLUSTER_PREFIX}(\\d+)-`).exec(entry)?.[1];
    if (!owner || isAlive(Number(owner))) continue;
    const data = join(tmpdir(), entry, 'data');
    await pgTool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => undefined);
    await rm(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface PrivatePostgres {
  readonly port: number;
  readonly dir: string;
  /** postgres://postgres@127.0.0.1:<port>/<db> */
  url(db?: string): string;
  readonly running: boolean;
  /** The postmaster's pid, from postmaster.pid (undefined when stopped). */
  pid(): Promise<number | undefined>;
  createDatabase(name: string): Promise<void>;
  /** pg_ctl stop (fast: sessions are terminated, the server shuts down cleanly). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops it (immediate) and deletes its directory. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL 15 cluster of its own (initdb into a temp dir, trust auth, listening on 127.0.0.1 on a free
 * port, its socket in the temp dir), so a test can stop and start it without touching the shared server.
 * As root, the server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  await reapClusters();
  // Named after this process, so that a later run can tell a cluster left by a run that died from a live one.
  const dir = await mkdtemp(join(tmpdir(), `${CLUSTER_PREFIX}${process.pid}-`));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  let port = await freePort();
  if (asRoot()) {
    const ids = (await run('id', ['-u', 'postgres'])).stdout.trim();
    const gid = (await run('id', ['-g', 'postgres'])).stdout.trim();
    await chown(dir, Number(ids), Number(gid));
  }
  const pgCommand = async (bin: string, args: string[]) => {
    try {
      return await pgTool(bin, args);
    } catch (err) {
      const tail = await readFile(log, 'utf8').catch(() => '');
      throw new Error(`${(err as Error).message}\n${tail.slice(-2000)}`);
    }
  };
  await pgCommand('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
    '--no-instructions',
  ]);
  let running = false;
  const options = () =>
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const cluster: PrivatePostgres = {
    get port() {
      return port;
    },
    dir,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    get running() {
      return running;
    },
    async pid() {
      try {
        return Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      } catch {
        return undefined;
      }
    },
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: cluster.url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
    },
    async start() {
      await pgCommand('pg_ctl', ['-D', data, '-l', log, '-o', options(), '-w', '-t', '30', 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await pgCommand('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
      running = false;
    },
    async destroy() {
      if (await cluster.pid()) await cluster.stop('immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  // The free port can be taken by another process between freePort() and the server's bind (tests run in
  // parallel): the first start tries again on another port. Later restarts keep theirs (the app's URL names it).
  for (let attempt = 1; ; attempt++) {
    try {
      await cluster.start();
      return cluster;
    } catch (err) {
      if (attempt < 5 && /Address already in use/.test((err as Error).message)) {
        port = await freePort();
        continue;
      }
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }
}
