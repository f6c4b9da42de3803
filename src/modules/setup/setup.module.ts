import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { UsersModule } from '../users/index.js';
import { DemoDataRegistry } from './demo-data.registry.js';
import { SetupService } from './setup.service.js';

/** Global so feature modules can register demo data; only the API process runs the first-start setup. */
@Global()
@Module({})
export class SetupModule {
  static forRoot(runSetup: boolean): DynamicModule {
    const providers: Provider[] = [DemoDataRegistry, ...(runSetup ? [SetupService] : [])];
    return { module: SetupModule, imports: [UsersModule], providers, exports: [DemoDataRegistry] };
  }
}
