/** What other modules may use of the invoice records: their vocabulary (statuses, kinds) without the ORM entity. */
export const INVOICE_KINDS = ['special', 'ordinary'] as const;

/** 增值税专用发票 (special) or 普通发票 (ordinary). */
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
