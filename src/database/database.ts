import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK = 7_251_943;

/** An initialised DataSource and, on the embedded default, the embedded server behind it. */
export class Database {
  private constructor(
    readonly dataSource: DataSource,
    private readonly embedded: EmbeddedPostgres | null,
  ) {}

  static async open(config: AppConfig, opts: { migrate: boolean }): Promise<Database> {
    const logger = new Logger('Database');
    let embedded: EmbeddedPostgres | null = null;
    let url: string;
    if (config.database.kind === 'embedded') {
      const started = Date.now();
      embedded = await EmbeddedPostgres.start(config.database.dataDir);
      url = embedded.url;
      logger.log(`embedded PostgreSQL (PGlite) at ${config.database.dataDir} ready in ${Date.now() - started} ms`);
    } else {
      url = config.database.url;
    }
    const dataSource = new DataSource(
      dataSourceOptions(url, {
        embedded: embedded !== null,
        poolSize: config.database.kind === 'postgres' ? config.database.poolSize : undefined,
      }),
    );
    try {
      await dataSource.initialize();
      if (opts.migrate) await migrate(dataSource, logger, embedded === null);
    } catch (err) {
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      await embedded?.stop();
      throw err;
    }
    return new Database(dataSource, embedded);
  }

  /** For /health: a round trip, bounded so a stuck server reports instead of hanging the probe. */
  async ping(timeoutMs = 3000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  get kind(): 'postgres' | 'embedded' {
    return this.embedded ? 'embedded' : 'postgres';
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}

/** Runs pending migrations under an advisory lock, so API instances and workers starting together do not race. */
async function migrate(dataSource: DataSource, logger: Logger, shared: boolean): Promise<void> {
  if (!shared) {
    // The embedded database belongs to this process alone (lock file), and its pool has one connection.
    report(await dataSource.runMigrations({ transaction: 'each' }), logger);
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    report(await dataSource.runMigrations({ transaction: 'each' }), logger);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

function report(applied: { name: string }[], logger: Logger): void {
  if (applied.length) logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
}
