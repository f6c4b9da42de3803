import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { describeReport } from './audit-chain.js';
import { AuditService } from './audit.service.js';

/**
 * At start-up, walks the audit chain in the background and logs the result: OK with the head hash, or the first
 * broken link as an error. It does not stop the service, in production either: refusing to start would halt the
 * back office without repairing anything, and the broken entry stays in the log as evidence (docs/security.md).
 */
@Injectable()
export class AuditChainCheck implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditChain');
  private running: Promise<void> | undefined;

  constructor(private readonly audit: AuditService) {}

  onApplicationBootstrap(): void {
    this.running = this.audit.verifyChain().then(
      (report) => (report.ok ? this.logger.log(describeReport(report)) : this.logger.error(describeReport(report))),
      (err: unknown) =>
        this.logger.warn(`audit chain not checked: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  /** The walk reads the database: let it finish before the connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.running;
  }
}
