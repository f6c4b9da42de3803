import { randomBytes } from 'node:crypto';
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

/** A fresh, empty database on the real server for one test file; dropped afterwards. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `td_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
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

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
