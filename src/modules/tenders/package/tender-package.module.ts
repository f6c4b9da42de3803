import { Module, type OnModuleInit } from '@nestjs/common';
import { CompanyModule } from '../../company/index.js';
import { anyOf, DocumentsService, DocumentIssuerModule } from '../../documents/index.js';
import { FilesModule } from '../../files/index.js';
import { QuotationsModule } from '../../quotations/index.js';
import { TemplatePreviewRecords } from '../../templates/index.js';
import { TendersModule } from '../tenders.module.js';
import { SectionFormatsController } from '../formats/section-formats.controller.js';
import { SectionFormatsRepository } from '../formats/section-formats.repository.js';
import { SectionFormatsService } from '../formats/section-formats.service.js';
import { TenderPackageComposer } from './tender-package.composer.js';
import { READERS, TenderPackageController } from './tender-package.controller.js';
import { TenderPackageRepository } from './tender-package.repository.js';
import { PACKAGE_TYPE, TenderPackageService } from './tender-package.service.js';

/**
 * The tender package (POST /api/tenders/{id}/package …): issued through the DocumentIssuer, mailed through the
 * outbox; with it a tender's own section formats (GET/PUT/DELETE /api/tenders/{id}/formats, ../formats/), which
 * every package renders with. DocumentsService, RenderingService, JobsService, AuditService and OutboxService come from global modules.
 */
@Module({
  imports: [TendersModule, QuotationsModule, CompanyModule, FilesModule, DocumentIssuerModule],
  controllers: [TenderPackageController, SectionFormatsController],
  providers: [
    TenderPackageRepository,
    TenderPackageComposer,
    TenderPackageService,
    SectionFormatsRepository,
    SectionFormatsService,
  ],
  exports: [TenderPackageService],
})
export class TenderPackageModule implements OnModuleInit {
  constructor(
    private readonly documents: DocumentsService,
    private readonly previews: TemplatePreviewRecords,
    private readonly packages: TenderPackageService,
  ) {}

  onModuleInit(): void {
    // /api/documents serves a package's files to the roles that read them here (engineering does not).
    this.documents.restrictReaders(PACKAGE_TYPE, anyOf(READERS));
    // A template preview of the package's sections on a tender (templates/preview-records.ts). The table of contents
    // (tender-toc) needs the assembled package's page numbers: it previews on its sample only.
    this.previews.register({ type: 'tender-package', record: 'tender', data: (id) => this.packages.previewData(id) });
  }
}
