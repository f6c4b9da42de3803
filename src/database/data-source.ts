// For the TypeORM CLI (`npx typeorm -d dist/database/data-source.js ...`) against DATABASE_URL.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must be set for the TypeORM CLI');
export default new DataSource(dataSourceOptions(url, { embedded: false }));
