import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Database } from './database.js';
import { TransactionRunner } from './transaction.js';
import { WorkLock } from './work-lock.js';

/** Opens the database (real or embedded), migrates it, and closes it last on shutdown. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: Database) {}

  static forRoot(opts: { migrate: boolean }): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: Database, inject: [AppConfig], useFactory: (config: AppConfig) => Database.open(config, opts) },
        { provide: DataSource, inject: [Database], useFactory: (db: Database) => db.dataSource },
        TransactionRunner,
        WorkLock,
      ],
      exports: [Database, DataSource, TransactionRunner, WorkLock],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
