import { Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AppConfig } from '../../config/app-config.js';
import { secureOrLoopback } from '../../config/config.schema.js';

/** Seconds a request to the provider (discovery, token, userinfo) may take before the sign-in gives up. */
const PROVIDER_TIMEOUT_SECONDS = 15;

/**
 * The provider as openid-client knows it, discovered at first use rather than at start-up: the service starts (and
 * password sign-in works) while the provider is unreachable, and a failed discovery is tried again on the next
 * sign-in instead of being remembered.
 */
@Injectable()
export class OidcClient {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(private readonly config: AppConfig) {}

  configuration(): Promise<oidc.Configuration> {
    const settings = this.config.oidc;
    if (!settings) return Promise.reject(new Error('single sign-on is not configured'));
    this.discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // openid-client refuses http: unless told; the configuration accepts http: only on loopback (the tests'
        // provider), so only such an issuer is let through — never a remote one.
        execute:
          new URL(settings.issuer).protocol === 'http:' && secureOrLoopback(settings.issuer)
            ? [oidc.allowInsecureRequests]
            : [],
      })
      .catch((err: unknown) => {
        this.discovered = undefined;
        throw err;
      });
    return this.discovered;
  }

  /** Where the provider sends the browser back: this service's callback under PUBLIC_URL. */
  redirectUri(): string {
    return new URL('/api/auth/sso/callback', this.config.publicUrl).href;
  }
}
