// Compares the entities with the schema the migrations build.
//   node dist/database/schema-check.js             exit 1 and print the SQL when they disagree (CI)
//   node dist/database/schema-check.js --generate Name   write src/database/migrations/<ts>-Name.ts
// Runs on a scratch database: created on the DATABASE_URL server and dropped after, or, when DATABASE_URL
// is unset, a throw-away embedded database.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../config/app-config.js';
import { Database } from './database.js';

const args = process.argv.slice(2);
const generate = args[0] === '--generate' ? args[1] : undefined;
if (args[0] === '--generate' && !/^[A-Z][A-Za-z0-9]+$/.test(generate ?? '')) {
  console.error('usage: schema-check.js [--generate PascalCaseName]');
  process.exit(2);
}

const server = process.env.DATABASE_URL;
const scratchName = `td_schema_check_${randomBytes(4).toString('hex')}`;
const scratchDir = server ? undefined : await mkdtemp(join(tmpdir(), 'td-schema-'));
let scratchUrl: string | undefined;
if (server) {
  await adminQuery(server, `CREATE DATABASE "${scratchName}"`);
  const url = new URL(server);
  url.pathname = `/${scratchName}`;
  scratchUrl = url.toString();
}
const config = loadConfig({
  ...process.env,
  ...(scratchUrl ? { DATABASE_URL: scratchUrl } : { STORAGE_DIR: scratchDir }),
});
const db = await Database.open(config, { migrate: true });
try {
  const sql = await db.dataSource.driver.createSchemaBuilder().log();
  if (!generate) {
    if (sql.upQueries.length === 0) {
      console.log('schema-check: entities and migrations agree');
    } else {
      console.error('schema-check: entities and migrations disagree; a migration would run:');
      for (const q of sql.upQueries) console.error(`  ${q.query};`);
      process.exitCode = 1;
    }
  } else if (sql.upQueries.length === 0) {
    console.log('schema-check: nothing to generate');
  } else {
    const ts = Date.now();
    const esc = (q: string) => q.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
    const up = sql.upQueries.map((q) => `    await q.query(\`${esc(q.query)}\`);`).join('\n');
    const down = sql.downQueries
      .reverse()
      .map((q) => `    await q.query(\`${esc(q.query)}\`);`)
      .join('\n');
    const file = `src/database/migrations/${ts}-${generate}.ts`;
    await writeFile(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\n` +
        `export class ${generate}${ts} implements MigrationInterface {\n` +
        `  name = '${generate}${ts}';\n\n` +
        `  async up(q: QueryRunner): Promise<void> {\n${up}\n  }\n\n` +
        `  async down(q: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    console.log(`schema-check: wrote ${file}; add it to src/database/migrations/index.ts`);
  }
} finally {
  await db.close();
  if (server) await adminQuery(server, `DROP DATABASE IF EXISTS "${scratchName}" WITH (FORCE)`);
  if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
