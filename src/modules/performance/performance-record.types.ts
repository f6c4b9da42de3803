/** What other modules may use of the performance-record records: their vocabulary (statuses, kinds) without the ORM entity. */
/** Suggested industries; any other word is accepted too (a record's industry is free text). */
export const INDUSTRIES = ['steel', 'petrochemical', 'power', 'water', 'mining', 'chemical', 'other'] as const;
