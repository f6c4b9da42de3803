export const ROLES = ['admin', 'backoffice', 'sales', 'finance', 'engineering', 'production', 'manager'] as const;
export type Role = (typeof ROLES)[number];
