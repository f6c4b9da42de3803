import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { DocumentsController } from './documents.controller.js';
import { DocumentsRepository } from './documents.repository.js';
import { DocumentsService } from './documents.service.js';
import { SigningController } from './signing.controller.js';
import { OwnershipService } from '../auth/index.js';
import { AttachmentSource } from '../outbox/index.js';
import { DocumentError } from './documents.errors.js';

/** Global: workflows store their documents through DocumentsService. */
@Global()
@Module({
  controllers: [DocumentsController, SigningController],
  // DocumentsService is also the outbox's AttachmentSource (outbox/attachment-source.ts).
  providers: [DocumentsRepository, DocumentsService, { provide: AttachmentSource, useExisting: DocumentsService }],
  exports: [DocumentsService, AttachmentSource],
})
export class DocumentsModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: DocumentsRepository,
  ) {}

  /** Whose each of this module's records is, for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    // A document is its subject's (a quotation's, tender's, statement's...); one about nothing is its creator's.
    this.ownership.register('document', DocumentError.DOCUMENT_NOT_FOUND, async (id) => {
      const d = await this.repo.findById(id);
      if (!d) return null;
      if (d.subjectType && d.subjectId && this.ownership.registered(d.subjectType)) {
        return (await this.ownership.ownerOf(d.subjectType, d.subjectId)) ?? { salesOwnerId: null };
      }
      return { salesOwnerId: d.subjectType ? null : d.createdBy };
    });
  }
}
