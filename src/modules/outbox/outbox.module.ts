import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { OwnershipService } from '../auth/index.js';
import { OutboxController } from './outbox.controller.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxService } from './outbox.service.js';
import { OutboxError } from './outbox.errors.js';

/** Global: delivery notices, statements and runs write their mail through OutboxService. */
@Global()
@Module({
  controllers: [OutboxController],
  providers: [OutboxRepository, OutboxService],
  exports: [OutboxService],
})
export class OutboxModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: OutboxRepository,
  ) {}

  /** A message is its subject's (a statement's, a delivery's...), for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    this.ownership.register(
      'outbox-message',
      OutboxError.OUTBOX_MESSAGE_NOT_FOUND,
      async (id) => {
        const m = await this.repo.findById(id);
        if (!m) return null;
        if (!this.ownership.registered(m.subjectType)) return { salesOwnerId: null };
        return (await this.ownership.ownerOf(m.subjectType, m.subjectId)) ?? { salesOwnerId: null };
      },
      'outbox message',
    );
  }
}
