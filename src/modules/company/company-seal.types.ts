/** What other modules may use of the company-seal records: their vocabulary (statuses, kinds) without the ORM entity. */
export const SEAL_KINDS = ['company', 'contract'] as const;

/** `company` 公章, `contract` 合同章. */
export type SealKind = (typeof SEAL_KINDS)[number];
