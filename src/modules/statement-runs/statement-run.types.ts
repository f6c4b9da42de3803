/** What other modules may use of the statement-run records: their vocabulary (statuses, kinds) without the ORM entity. */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_ITEM_STATUSES = ['pending', 'rendered', 'sent', 'failed', 'skipped'] as const;

export type RunItemStatus = (typeof RUN_ITEM_STATUSES)[number];
