/** What other code may use of an issued contact list without the ORM entity: its audiences and file formats. */
export { LIST_AUDIENCES, type ListAudience } from '../views/contact-list.view.js';

/** The files an issued list is stored as (the XLSX stays with the on-demand export: it cannot be signed). */
export const ISSUED_LIST_FORMATS = ['pdf', 'docx'] as const;
export type IssuedListFormat = (typeof ISSUED_LIST_FORMATS)[number];
