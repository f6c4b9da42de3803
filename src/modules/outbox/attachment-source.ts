import type { DocumentFormat } from '../../rendering/rendering.types.js';

/**
 * Where the outbox reads an attachment's bytes when it sends: a port that DocumentsModule provides (DocumentsService).
 * The outbox does not import documents, since documents' issuer queues its mails through the outbox: that pair of
 * imports was a cycle between the two modules (issue #18; docs/architecture.md, "Rules the checker enforces").
 */
export abstract class AttachmentSource {
  /** The stored file of the document's version (its latest when none is named) and its bytes; 404 when missing. */
  abstract file(
    documentId: string,
    format: DocumentFormat,
    version?: number,
  ): Promise<{ file: { contentType: string }; bytes: Buffer }>;
}
