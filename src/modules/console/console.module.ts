import { Logger, Module } from '@nestjs/common';
import { ConsoleAssets } from './console-assets.js';
import { CONSOLE_ASSETS, ConsoleController } from './console.controller.js';

/** The back-office console: static files served at /app by the API process (see ConsoleController). */
@Module({
  controllers: [ConsoleController],
  providers: [
    {
      provide: CONSOLE_ASSETS,
      useFactory: (): ConsoleAssets | string => {
        try {
          return new ConsoleAssets();
        } catch (err) {
          const problem = err instanceof Error ? err.message : String(err);
          new Logger('Console').error(`the console is unavailable: ${problem}`);
          return problem;
        }
      },
    },
  ],
})
export class ConsoleModule {}
