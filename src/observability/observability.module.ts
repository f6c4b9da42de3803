import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../modules/auth/auth.module.js';
import { MetricsAccess } from './metrics-access.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';

/** Metrics for every module (global), /metrics on the API; the worker serves the same through worker-http.ts. */
@Global()
@Module({
  imports: [AuthModule],
  controllers: [MetricsController],
  providers: [Metrics, MetricsAccess],
  exports: [Metrics, MetricsAccess],
})
export class ObservabilityModule {}
