import { Global, Module, type DynamicModule } from '@nestjs/common';
import { JobsController } from './jobs.controller.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService, RUN_JOBS } from './jobs.service.js';

/** Global so that any feature module can register handlers and enqueue. */
@Global()
@Module({})
export class JobsModule {
  /** runJobs: whether this process consumes jobs (always in the worker; in the API unless API_RUNS_JOBS=false). */
  static forRoot(runJobs: boolean): DynamicModule {
    return {
      module: JobsModule,
      controllers: [JobsController],
      providers: [JobsRepository, JobsService, { provide: RUN_JOBS, useValue: runJobs }],
      exports: [JobsService],
    };
  }
}
