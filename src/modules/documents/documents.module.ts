import { Global, Module } from '@nestjs/common';
import { DocumentsController } from './documents.controller.js';
import { DocumentsRepository } from './documents.repository.js';
import { DocumentsService } from './documents.service.js';
import { TemplatesController } from './templates.controller.js';

/** Global: workflows store their documents through DocumentsService. */
@Global()
@Module({
  controllers: [DocumentsController, TemplatesController],
  providers: [DocumentsRepository, DocumentsService],
  exports: [DocumentsService],
})
export class DocumentsModule {}
