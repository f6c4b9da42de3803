// Applies pending migrations and exits (the API also does this at start). Same configuration as the API.
import { Logger } from '@nestjs/common';
import { startupConfig } from '../config/startup.js';
import { Database } from './database.js';

const config = startupConfig();
const db = await Database.open(config, { migrate: true });
const applied = await db.dataSource.query('SELECT name FROM migrations ORDER BY id');
new Logger('Migrate').log(`${applied.length} migrations applied in all (${config.database.kind})`);
await db.close();
