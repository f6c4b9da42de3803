import { Module } from '@nestjs/common';
import { DocumentIssuer } from './document-issuer.js';

/** The one document path: workflows import this module and call DocumentIssuer.issue. */
@Module({
  providers: [DocumentIssuer],
  exports: [DocumentIssuer],
})
export class DocumentIssuerModule {}
