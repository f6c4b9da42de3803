import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { startupConfig } from './config/startup.js';
import { JobQueue } from './infrastructure/queue/job-queue.js';
import { closeOnSignals } from './shutdown.js';

const config = startupConfig();
const app = await createApp(config);
await app.listen(config.port, config.host);
new Logger('Tenderdesk').log(
  `API on ${await app.getUrl()} (docs at ${config.publicUrl}/docs); database: ${config.database.kind}, storage: ${config.storage.kind}, mail: ${config.mail.kind}, queue: ${config.queue.driver}`,
);
// Stop taking jobs first: the browser pool closes in an earlier shutdown hook than the queue's.
closeOnSignals(app, undefined, () => app.get(JobQueue).drain());
