import { Logger, type INestApplicationContext } from '@nestjs/common';

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop taking requests and jobs, let running ones finish (`before`, then each module's
 * shutdown hook), close the database last, exit 0. A second signal, or 30 s, forces the exit.
 * (Nest's enableShutdownHooks re-raises the signal after closing, so the process never exits 0.)
 */
export function closeOnSignals(app: INestApplicationContext, graceMs = 30_000, before?: () => Promise<void>): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal}: closing`);
    setTimeout(() => {
      logger.error(`still closing after ${graceMs} ms: exiting`);
      process.exit(1);
    }, graceMs).unref();
    const close = async () => {
      // Ahead of every module's shutdown hook: the job queue stops taking jobs before the browsers close.
      await before?.().catch((err: unknown) => logger.error(`before closing: ${err instanceof Error ? err.message : String(err)}`));
      await app.close();
    };
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(`error while closing: ${err instanceof Error ? err.stack : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
