/**
 * Where a session is in signing in: `active` may call the API; the others may call only the step that completes
 * them (a second factor, a new password, enrolling a second factor that the user's roles require). Here rather than
 * in sessions (whose entity re-exports it) because auth's guard and decorators need it and auth imports no module
 * above it (docs/architecture.md).
 */
export const SESSION_STAGES = ['active', 'second_factor', 'password_change', 'totp_enrolment'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];
