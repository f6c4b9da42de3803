import { existsSync } from 'node:fs';
import { AppConfig, ConfigError, loadConfig } from './app-config.js';

/** Reads `.env` when present (real environment variables win), validates, and exits listing every bad variable. */
export function startupConfig(): AppConfig {
  if (existsSync('.env')) {
    const fromShell = { ...process.env };
    process.loadEnvFile('.env');
    Object.assign(process.env, fromShell);
  }
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
