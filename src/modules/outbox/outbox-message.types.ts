import type { DocumentFormat } from '../../rendering/rendering.types.js';

/** What other modules may use of the outbox-message records: their vocabulary (statuses, kinds) without the ORM entity. */
export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;

/**
 * queued: waiting for (another) attempt; sending: an attempt holds it (claimed); sent: the server took it (250);
 * failed: refused for good (5xx, invalid address) or out of attempts. Only `failed` may be requeued by hand.
 */
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** An attachment as a reference to a stored document file, read when the message is sent (never copied here). */
export interface OutboxAttachment {
  documentId: string;
  version: number;
  format: DocumentFormat;
  fileName: string;
  /**
   * Send only these pages of the stored PDF (format pdf), cut from it when the message is sent: an unsigned extract
   * (a tender package's section). Nothing new is stored: the stored PDF never changes, so every attempt cuts the same
   * pages, and a send that is never made leaves nothing behind (see outbox/pdf-extract.ts).
   */
  extract?: OutboxExtract;
}

export interface OutboxExtract {
  /** 1-based, inclusive, in this order. */
  ranges: { first: number; last: number }[];
  /** The extract's PDF title. */
  title: string;
}
