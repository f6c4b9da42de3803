/** The codes single sign-on answers with (a browser gets them as /app/signin?error=<CODE>). */
export const SsoError = {
  /** OIDC_ISSUER is not set (404). */
  DISABLED: 'SSO_DISABLED',
  /** The callback's state is unknown, spent (a replay), older than 10 minutes, or not this browser's (400). */
  STATE_INVALID: 'SSO_STATE_INVALID',
  /** The code exchange failed or the ID token did not validate: issuer, audience, nonce, signature, expiry (401). */
  TOKEN_INVALID: 'SSO_TOKEN_INVALID',
  /** The provider answered the authorization request with an error (the person cancelled, or was refused) (401). */
  DENIED: 'SSO_DENIED',
  /** No user is linked to this identity or has its verified e-mail, and OIDC_CREATE_USERS is off (403). */
  USER_UNKNOWN: 'SSO_USER_UNKNOWN',
  /** The user is disabled here (403). */
  USER_DISABLED: 'SSO_USER_DISABLED',
  /** The role claim maps to no role through OIDC_ROLE_MAP (403). */
  NO_ROLE: 'SSO_NO_ROLE',
  /** The provider could not be reached (discovery, token or userinfo request) (503). */
  UNAVAILABLE: 'SSO_UNAVAILABLE',
} as const;
export type SsoErrorCode = (typeof SsoError)[keyof typeof SsoError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    sso: SsoErrorCode;
  }
}
