import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

/** The one place that says how TypeORM connects: real PostgreSQL or the embedded one, same migrations. */
export function dataSourceOptions(url: string, opts: { embedded: boolean; poolSize?: number }): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    // gen_random_uuid() is core PostgreSQL (13+) and exists in PGlite; uuid-ossp does not exist there.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    synchronize: false,
    migrationsRun: false,
    // The embedded database has a single session: one connection, so a transaction owns it (embedded-postgres.ts).
    extra: opts.embedded
      ? { max: 1 }
      : {
          max: opts.poolSize ?? 10,
          connectionTimeoutMillis: 5000,
          query_timeout: 60000,
          application_name: 'tenderdesk',
        },
  };
}
