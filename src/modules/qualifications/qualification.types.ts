/** What other modules may use of the qualification records: their vocabulary (statuses, kinds) without the ORM entity. */
export const QUALIFICATION_TYPES = [
  'business_licence',
  'iso9001',
  'iso14001',
  'iso45001',
  /** e.g. 辐射安全许可证 (radiation safety licence) for instruments with radioactive sources */
  'industry_permit',
  'product_certificate',
  'credit_rating',
  'other',
] as const;

export type QualificationType = (typeof QUALIFICATION_TYPES)[number];
