import { Module, type OnModuleInit } from '@nestjs/common';
import { fillRelativeDates } from '../../common/tabular/date-only.js';
import { SYSTEM_ACTOR } from '../audit/index.js';
import { FilesModule } from '../files/index.js';
import { DemoDataRegistry } from '../setup/index.js';
import { DEMO_QUALIFICATIONS_CSV } from './demo/qualifications.demo.js';
import { QualificationsController } from './qualifications.controller.js';
import { QualificationsRepository } from './qualifications.repository.js';
import { QualificationsService } from './qualifications.service.js';

@Module({
  imports: [FilesModule],
  controllers: [QualificationsController],
  providers: [QualificationsRepository, QualificationsService],
  exports: [QualificationsService],
})
export class QualificationsModule implements OnModuleInit {
  constructor(
    private readonly demo: DemoDataRegistry,
    private readonly qualifications: QualificationsService,
  ) {}

  onModuleInit(): void {
    // Through the import, as a user's sheet would go: the demo also proves the import path.
    this.demo.register({
      name: 'qualifications',
      order: 30,
      load: async () => {
        const csv = Buffer.from(fillRelativeDates(DEMO_QUALIFICATIONS_CSV), 'utf8');
        await this.qualifications.import(SYSTEM_ACTOR, { originalName: 'qualifications.demo.csv', bytes: csv }, false);
      },
    });
  }
}
