/** What other modules may use of the contact-sheet records: their vocabulary (statuses, kinds) without the ORM entity. */
/** The departments that get a copy and sign it off: finance (财务), engineering (技术部), production scheduling (生产调度). */
export const DEPARTMENTS = ['finance', 'engineering', 'production'] as const;

export type Department = (typeof DEPARTMENTS)[number];
