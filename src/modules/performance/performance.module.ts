import { Module, type OnModuleInit } from '@nestjs/common';
import { fillRelativeDates } from '../../common/tabular/date-only.js';
import { SYSTEM_ACTOR } from '../audit/index.js';
import { FilesModule } from '../files/index.js';
import { DemoDataRegistry } from '../setup/index.js';
import { DEMO_PERFORMANCE_CSV } from './demo/performance.demo.js';
import { PerformanceController } from './performance.controller.js';
import { PerformanceRepository } from './performance.repository.js';
import { PerformanceService } from './performance.service.js';

@Module({
  imports: [FilesModule],
  controllers: [PerformanceController],
  providers: [PerformanceRepository, PerformanceService],
  exports: [PerformanceService],
})
export class PerformanceModule implements OnModuleInit {
  constructor(
    private readonly demo: DemoDataRegistry,
    private readonly performance: PerformanceService,
  ) {}

  onModuleInit(): void {
    // Through the import, as a user's sheet would go.
    this.demo.register({
      name: 'performance records',
      order: 31,
      load: async () => {
        const csv = Buffer.from(fillRelativeDates(DEMO_PERFORMANCE_CSV), 'utf8');
        await this.performance.import(SYSTEM_ACTOR, { originalName: 'performance.demo.csv', bytes: csv }, false);
      },
    });
  }
}
