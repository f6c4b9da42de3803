/** What other modules may use of the job records: their vocabulary (statuses, kinds) without the ORM entity. */
export const JOB_STATUSES = ['queued', 'running', 'retrying', 'succeeded', 'failed'] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];
