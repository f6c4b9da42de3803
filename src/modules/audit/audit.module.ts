import { Global, Module } from '@nestjs/common';
import { AuditChainCheck } from './audit-chain.check.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** Global: every feature module records into it. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditChainCheck],
  exports: [AuditService],
})
export class AuditModule {}
