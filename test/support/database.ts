import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

/** The real PostgreSQL server the suite runs against (CI: the machine's server on 127.0.0.1:5432). */
export const SERVER_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  name: string;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * A fresh database on the real server for one test file; dropped afterwards. Empty by default; `migrated: true`
 * clones a template that holds every migration and pg-boss's schema (see migratedTemplate), which spares each
 * app start running them. Tests of migrations themselves take the empty one.
 */
export async function createTestDatabase(label: string, opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `td_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await adminQuery(
    opts.migrated ? `CREATE DATABASE "${name}" TEMPLATE "${await migratedTemplate()}"` : `CREATE DATABASE "${name}"`,
  );
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // pg-pool's end() resolves before its idle connections have finished saying goodbye, so DROP ... WITH (FORCE)
  // can terminate one of them, and pg-pool re-emits that on the pool (with no listener: an uncaught error that
  // failed a test in CI). Expected while dropping; anything else is reported.
  let dropping = false;
  pool.on('error', (err) => {
    if (!dropping) console.error(`test database ${name}: an idle connection failed: ${err.message}`);
  });
  return {
    url: url.toString(),
    name,
    async query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]) {
      return (await pool.query<T>(sql, params)).rows;
    },
    async drop() {
      dropping = true;
      await pool.end();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params?: unknown[],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const TEMPLATE_PREFIX = 'td_template_';

/**
 * The name of a database on the server that holds what an app's first start on an empty database would make
 * before it writes any row of its own: the migrations (run by Database.open, as the app runs them) and pg-boss's
 * schema (installed by PgBossJobQueue.start). Its name carries a hash of the migrations, the queue driver and
 * pg-boss's version, so a changed migration makes a new template instead of cloning a stale one; the same
 * template is reused by later runs and by every test file (CREATE DATABASE ... TEMPLATE copies it in one
 * statement). It accepts no connections once made, as a template must have none while it is copied.
 */
async function migratedTemplate(): Promise<string> {
  const name = TEMPLATE_PREFIX + (await templateKey());
  if (await databaseExists(name)) return name;
  // Jest's workers (and other runs on this server) may ask at once: one makes it, the others wait on the lock
  // and then find it. The lock is held by a connection to the server's default database, not the template.
  const lock = new pg.Client({ connectionString: SERVER_URL });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    if (!(await databaseExists(name))) await buildTemplate(name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    await lock.end();
  }
  return name;
}

async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  const migrations = join('src', 'database', 'migrations');
  for (const file of (await readdir(migrations)).sort()) {
    hash.update(file).update(await readFile(join(migrations, file)));
  }
  hash.update(await readFile(join('src', 'infrastructure', 'queue', 'pgboss.driver.ts')));
  hash.update(JSON.parse(await readFile(join('node_modules', 'pg-boss', 'package.json'), 'utf8')).version);
  return hash.digest('hex').slice(0, 16);
}

async function databaseExists(name: string): Promise<boolean> {
  return (await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length > 0;
}

/**
 * Made under a temporary name and renamed once complete, so a run that dies halfway leaves no template that
 * looks finished. Loaded on demand: tests that never ask for a template do not import the app's modules here.
 */
async function buildTemplate(name: string): Promise<void> {
  const { loadConfig } = await import('../../src/config/app-config.js');
  const { Database } = await import('../../src/database/database.js');
  const { PgBossJobQueue } = await import('../../src/infrastructure/queue/pgboss.driver.js');
  const building = `${name}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${building}"`);
  try {
    const url = new URL(SERVER_URL);
    url.pathname = `/${building}`;
    const config = loadConfig({ DATABASE_URL: url.toString(), QUEUE_DRIVER: 'pgboss', LOG_LEVEL: 'error' });
    const db = await Database.open(config, { migrate: true });
    await db.close();
    const queue = new PgBossJobQueue(config);
    await queue.start();
    await queue.stop();
  } catch (err) {
    await adminQuery(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
    throw err;
  }
  await adminQuery(`COMMENT ON DATABASE "${building}" IS '${new Date().toISOString()}'`);
  await adminQuery(`ALTER DATABASE "${building}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  await adminQuery(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
  await dropStaleTemplates(name);
}

/**
 * Templates of other migrations (other branches, older commits) made over a week ago; younger ones are left to
 * runs of other branches that may still be cloning them on this server.
 */
async function dropStaleTemplates(keep: string): Promise<void> {
  const weekAgo = new Date(Date.now() - 7 * 24 * 3600_000).toISOString();
  const stale = await adminQuery<{ datname: string }>(
    `SELECT d.datname FROM pg_database d JOIN pg_shdescription c ON c.objoid = d.oid
      WHERE d.datname LIKE $1 AND d.datname <> $2 AND c.description < $3`,
    [`${TEMPLATE_PREFIX}%`, keep, weekAgo],
  );
  for (const { datname } of stale) {
    await adminQuery(`ALTER DATABASE "${datname}" WITH IS_TEMPLATE false`)
      .then(() => adminQuery(`DROP DATABASE "${datname}"`))
      .catch(() => undefined);
  }
}
