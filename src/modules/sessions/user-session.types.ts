/** What other modules may use of the user-session records: their vocabulary (statuses, kinds) without the ORM entity. */
export const SIGN_IN_METHODS = ['password', 'oidc', 'invitation'] as const;

export type SignInMethod = (typeof SIGN_IN_METHODS)[number];
