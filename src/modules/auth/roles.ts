export const ROLES = ['admin', 'backoffice', 'sales', 'finance', 'engineering', 'production', 'manager'] as const;
export type Role = (typeof ROLES)[number];

/** The roles that issue documents (render, sign, seal): the only ones that may read the seal images too. */
export const DOCUMENT_ISSUERS = ['backoffice', 'sales', 'finance', 'manager'] as const satisfies readonly Role[];
