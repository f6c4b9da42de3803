import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { logLevels } from './app.js';
import { AppModule } from './app.module.js';
import { startupConfig } from './config/startup.js';
import { closeOnSignals } from './shutdown.js';

// The worker: the same modules without HTTP, consuming jobs (renders, mail) from the queue engine.
const config = startupConfig();
if (config.database.kind !== 'postgres' || config.queue.driver !== 'pgboss') {
  console.error(
    'The worker needs a shared PostgreSQL and the pg-boss queue: set DATABASE_URL (and leave QUEUE_DRIVER unset or pgboss). ' +
      'On the embedded default the API process runs the jobs itself.',
  );
  process.exit(1);
}
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'worker'), { logger: logLevels(config.logLevel) });
closeOnSignals(app);
new Logger('Tenderdesk').log('worker consuming jobs');
