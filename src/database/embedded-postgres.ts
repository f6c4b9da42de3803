import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The zero-setup database: PostgreSQL compiled to WASM (PGlite), persisted under STORAGE_DIR/db and served
 * over the PostgreSQL wire protocol on a private unix socket, so the app talks to it through plain `pg`
 * exactly as to a real server (same driver, same migrations).
 *
 * PGlite has ONE session. The socket server interleaves the queries of several connections on it, so two
 * connections would share one transaction. The data source therefore uses a pool of exactly one connection
 * on the embedded database (see data-source-options.ts): a transaction holds that connection until it ends.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly socketDir: string,
    private readonly lockFile: string,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    await mkdir(dataDir, { recursive: true });
    const lockFile = `${dataDir}.lock`;
    await takeLock(lockFile);
    try {
      const db = await PGlite.create({ dataDir });
      // A short path: unix socket paths are limited to ~107 bytes, STORAGE_DIR may be deep.
      const socketDir = await mkdtemp(join(tmpdir(), 'tdpg-'));
      const server = new PGLiteSocketServer({ db, path: join(socketDir, '.s.PGSQL.5432'), maxConnections: 4 });
      await server.start();
      const url = `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
      return new EmbeddedPostgres(db, server, socketDir, lockFile, url);
    } catch (err) {
      await rm(lockFile, { force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop().catch(() => undefined);
    await this.db.close().catch(() => undefined);
    await rm(this.socketDir, { recursive: true, force: true });
    await rm(this.lockFile, { force: true });
  }
}

/** Two processes writing one PGlite folder corrupt it: refuse to open a folder a live process holds. */
async function takeLock(lockFile: string): Promise<void> {
  try {
    await writeFile(lockFile, String(process.pid), { flag: 'wx' });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const holder = Number((await readFile(lockFile, 'utf8')).trim());
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `The embedded database is in use by process ${holder} (${lockFile}). ` +
        'Stop that process, or set DATABASE_URL to share a PostgreSQL server between processes.',
    );
  }
  await writeFile(lockFile, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
