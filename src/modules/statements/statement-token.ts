// The token scheme is the one every customer link uses (src/common/public-links/link-token.ts).
export { endOfDay, hashToken, isTokenShaped, newToken, TOKEN_PATTERN } from '../../common/public-links/link-token.js';

export function confirmationUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/statements/confirm/${token}`;
}
