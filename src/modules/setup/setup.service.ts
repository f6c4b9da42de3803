import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { UsersService } from '../users/index.js';
import { DemoDataRegistry } from './demo-data.registry.js';

/** First start of an empty database: the first admin, then (unless DEMO_DATA=false) the demo data. */
@Injectable()
export class SetupService implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    private readonly demo: DemoDataRegistry,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const firstStart = await this.users.ensureFirstAdmin();
    if (firstStart && this.config.demoData) await this.demo.loadAll();
  }
}
