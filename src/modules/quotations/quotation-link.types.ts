/** How the customer answered on a quotation's acceptance page (quotation_links.answer). */
export const QUOTATION_ANSWERS = ['accepted', 'declined'] as const;
export type QuotationAnswer = (typeof QUOTATION_ANSWERS)[number];
