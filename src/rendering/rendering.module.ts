import { Global, Module } from '@nestjs/common';
import { PdfModule } from './pdf/pdf.module.js';
import { RenderingService } from './rendering.service.js';
import { signerProvider } from './signing/signer.provider.js';
import { TemplateEngine } from './templates/template-engine.js';

/** Global: every workflow (statements, contact sheets, tenders…) renders through RenderingService. */
@Global()
@Module({
  imports: [PdfModule],
  providers: [TemplateEngine, signerProvider, RenderingService],
  // TemplateEngine: the DocumentIssuer renders its mails with it (renderMail).
  exports: [RenderingService, PdfModule, TemplateEngine],
})
export class RenderingModule {}
