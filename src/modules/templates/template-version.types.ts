/**
 * A stored template version's life: a draft is edited and previewed; publishing makes it the one documents of its
 * type and locale render with (the previous one superseded); published and superseded versions never change.
 */
export const TEMPLATE_VERSION_STATUSES = ['draft', 'published', 'superseded'] as const;
export type TemplateVersionStatus = (typeof TEMPLATE_VERSION_STATUSES)[number];

/** Names the built-in template (the folder under templates/) where a version id is expected. */
export const BUILT_IN = 'built-in';
