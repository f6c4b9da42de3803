import { Global, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { OwnershipService } from '../auth/index.js';
import { JobsController } from './jobs.controller.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService, RUN_JOBS } from './jobs.service.js';
import { JobError } from './jobs.errors.js';

/** Global so that any feature module can register handlers and enqueue. */
@Global()
@Module({})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: JobsRepository,
  ) {}

  /** A job is its creator's, for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    this.ownership.register('job', JobError.JOB_NOT_FOUND, async (id) => {
      const job = await this.repo.findById(id);
      return job && { salesOwnerId: job.createdBy };
    });
  }

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
