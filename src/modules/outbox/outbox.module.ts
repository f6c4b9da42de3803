import { Global, Module } from '@nestjs/common';
import { OutboxController } from './outbox.controller.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxService } from './outbox.service.js';

/** Global: delivery notices, statements and runs write their mail through OutboxService. */
@Global()
@Module({
  controllers: [OutboxController],
  providers: [OutboxRepository, OutboxService],
  exports: [OutboxService],
})
export class OutboxModule {}
