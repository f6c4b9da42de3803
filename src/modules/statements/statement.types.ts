/** What other modules may use of the statement records: their vocabulary (statuses, kinds) without the ORM entity. */
export const STATEMENT_RESPONSES = ['pending', 'confirmed', 'disputed'] as const;

export type StatementResponseStatus = (typeof STATEMENT_RESPONSES)[number];
